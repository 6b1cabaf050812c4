"""Benchmark of the statistics page and the two report files of a large programme.

    .venv/bin/python bench/reports.py [--postgres postgres://postgres@127.0.0.1:5432/postgres] [--runs 3]

Seeds a fresh database (SQLite under a temporary directory, and PostgreSQL in a database of its
own when --postgres names a server) with one programme of 50 events, 40 institutions, 4,000
enterprises, 20,000 published meetings (with their requests), 100,000 financing leads and
their ~160,000 stage records, then logs in as the organizer and times, through the whole ASGI
app in process (no network, so the time is the server's): GET the statistics page, the Excel workbook (with the per-meeting
and per-lead sheets) and the .docx 通报. Before, it times the one bulk refresh of the leads' stored facts
(services/outcomes/facts.py: the seeding writes records past the outcomes service, like an import). Targets: page ≤ 500 ms, Excel ≤ 10 s, .docx ≤ 5 s.
Prints one table (median of --runs, peak RSS of the process so far, and the load average: the
machine is shared). The PostgreSQL database is dropped at the end.

With --keep DIR the seeded databases are kept for later runs (profiling): the SQLite file in
DIR, the PostgreSQL database under a fixed name, the programme's id beside them; a later run
with the same DIR times them again without seeding (the facts-refresh row is then absent).
What is timed is the same either way.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from bench.postgres import scratch_database  # noqa: E402
from matchmaker.app import create_app  # noqa: E402
from matchmaker.config import load_settings  # noqa: E402
from matchmaker.db import migrate, tortoise_config  # noqa: E402
from matchmaker.models import (  # noqa: E402
    CheckIn,
    EnterpriseProfile,
    Event,
    FinancingLead,
    FinancingNeed,
    LeadRecord,
    Meeting,
    MeetingRequest,
    Membership,
    Organization,
    OrganizationKind,
    Programme,
    Registration,
    Role,
    ScheduleVersion,
    User,
)
from matchmaker.services.accounts.passwords import hash_password  # noqa: E402
from matchmaker.services.outcomes.facts import refresh_all_facts  # noqa: E402
from matchmaker.uscc import make_uscc  # noqa: E402

PASSWORD = "bench-password-1"
EVENTS, INSTITUTIONS, ENTERPRISES, MEETINGS, LEADS = 50, 40, 4000, 20_000, 100_000
DISTRICTS = ["滨江区", "西湖区", "上城区", "拱墅区", "余杭区", "萧山区"]
CHAINS = ["集成电路", "生物医药", "人工智能", "新能源汽车", "高端装备", "新材料"]
KINDS = ["credit_loan", "ip_pledge_loan", "guaranteed_loan"]
START = date(2026, 1, 10)
TZ = UTC


def _at(day: date, hour: int = 2) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=TZ)


async def seed() -> int:
    rng = random.Random(13)
    organizer = await Organization.create(kind=OrganizationKind.GOVERNMENT, name="星河市科技局", is_organizer=True)
    user = await User.create(email="bench@example.cn", name="基准", password_hash=await hash_password(PASSWORD))
    await Membership.create(user=user, organization=organizer, role=Role.ADMIN)
    programme = await Programme.create(organizer=organizer, name="2026年科技金融常态化银企对接活动",
                                       starts_on=date(2026, 1, 1), ends_on=date(2026, 12, 31))
    await Organization.bulk_create([Organization(kind=OrganizationKind.BANK if i % 4 else OrganizationKind.GUARANTOR,
                                                 name=f"机构{i:02d}") for i in range(INSTITUTIONS)], batch_size=1000)
    institutions = list(await Organization.filter(name__startswith="机构").values_list("id", flat=True))
    await Organization.bulk_create([Organization(kind=OrganizationKind.ENTERPRISE, name=f"企业{i:04d}",
                                                 uscc=make_uscc(f"91330106MA2B{i:04d}Q"))
                                    for i in range(ENTERPRISES)], batch_size=1000)
    enterprises = list(await Organization.filter(kind=OrganizationKind.ENTERPRISE).values_list("id", flat=True))
    await EnterpriseProfile.bulk_create([EnterpriseProfile(
        organization_id=e, district=rng.choice(DISTRICTS), industry_chains=rng.sample(CHAINS, rng.randint(1, 2)),
        size_class=rng.choice("中小微"), first_loan=rng.random() < 0.2) for e in enterprises], batch_size=1000)
    await FinancingNeed.bulk_create([FinancingNeed(enterprise_id=e, title="流动资金", kind=KINDS[(e + k) % 3],
                                                   amount=5_000_000, term_months=12)
                                     for e in enterprises for k in range(2)], batch_size=2000)
    needs: dict[int, list[tuple[int, str]]] = {}
    for need_id, enterprise_id, kind in await FinancingNeed.all().values_list("id", "enterprise_id", "kind"):
        needs.setdefault(enterprise_id, []).append((need_id, str(kind)))
    events = []
    for index in range(EVENTS):
        day = START + timedelta(days=7 * index)
        events.append(await Event.create(organizer=organizer, title=f"第{index + 1}场银企对接会", programme=programme,
                                         sessions=[{"day": day.isoformat(), "part": "am", "start": "09:00",
                                                    "end": "12:00"}], answer_deadline=_at(day - timedelta(days=2))))
    pairs = rng.sample([(e, i, k) for e in enterprises for i in institutions for k in range(2)], LEADS)
    meetings_per_event = MEETINGS // EVENTS
    for index, event in enumerate(events):
        day = START + timedelta(days=7 * index)
        chunk = pairs[index * meetings_per_event:(index + 1) * meetings_per_event]
        version = await ScheduleVersion.create(event=event, number=1, published_number=1, state="published")
        await Registration.bulk_create([Registration(event=event, organization_id=o, status="approved")
                                        for o in {p[0] for p in chunk} | {p[1] for p in chunk}], batch_size=2000)
        await CheckIn.bulk_create([CheckIn(event=event, organization_id=o, day=day, checked_in_at=_at(day))
                                   for o in {p[0] for p in chunk} if o % 5], batch_size=2000)
        await MeetingRequest.bulk_create([MeetingRequest(
            event=event, enterprise_id=e, institution_id=i, from_enterprise=True, need_id=needs[e][k][0],
            state="accepted", answered_at=_at(day - timedelta(days=rng.randint(1, 4)))) for e, i, k in chunk],
            batch_size=2000)
        pairs_met = sorted({(e, i) for e, i, _k in chunk})  # one meeting per pair and version
        await Meeting.bulk_create([Meeting(
            version=version, event=event, enterprise_id=e, institution_id=i, slot=f"s{n}", starts_at=_at(day),
            ends_at=_at(day, 3), table=1, state=rng.choice(["held"] * 8 + ["no_show", "cancelled"]))
            for n, (e, i) in enumerate(pairs_met)], batch_size=2000)
    leads = []
    for n, (e, i, k) in enumerate(pairs):
        day = START + timedelta(days=rng.randint(0, 340))
        leads.append(FinancingLead(enterprise_id=e, institution_id=i, need_id=needs[e][k][0], origin="meeting",
                                   first_event_id=events[min(n // meetings_per_event, EVENTS - 1)].pk,
                                   first_contact_at=_at(day), stage_changed_at=_at(day)))
    await FinancingLead.bulk_create(leads, batch_size=5000)
    records = []
    for lead_id, contact in await FinancingLead.all().values_list("id", "first_contact_at"):
        day = contact.date()
        confirmation = rng.choice(["confirmed", "confirmed", "pending", "disputed"])
        reach = rng.random()
        if reach < 0.2:
            continue
        records.append(LeadRecord(lead_id=lead_id, stage="intent", occurred_on=day, amount=rng.randint(5, 500) * 10_000,
                                  recorded_side="institution", confirmation=confirmation))
        if reach > 0.5:
            records.append(LeadRecord(lead_id=lead_id, stage="approved", occurred_on=day + timedelta(days=15),
                                      amount=rng.randint(5, 300) * 10_000, rate_bp=rng.randint(300, 550),
                                      recorded_side="institution", confirmation=confirmation))
        if reach > 0.7:
            records.append(LeadRecord(lead_id=lead_id, stage="disbursed", occurred_on=day + timedelta(days=25),
                                      amount=rng.randint(5, 300) * 10_000, guarantee=rng.choice(["信用", "保证", ""]),
                                      first_loan=rng.random() < 0.1, recorded_side="institution",
                                      confirmation=confirmation))
    await LeadRecord.bulk_create(records, batch_size=5000)
    return programme.pk


def peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


async def fetched(client: httpx.AsyncClient, path: str, *, file: bool) -> httpx.Response:
    """The page, or a file as the statistics page asks for it: POST queues the report job (run in
    this process, `run_in_web`), its status is polled as the job page does, then the file read."""
    if not file:
        return await client.get(path)
    queued = await client.post(path, data={"csrftoken": client.cookies["csrftoken"]})
    assert queued.status_code == 303, (path, queued.status_code, queued.text[:300])
    job = queued.headers["location"]
    while not (await client.get(f"{job}/status")).json()["finished"]:
        await asyncio.sleep(0.05)
    return await client.get(f"{job}/file")


async def timed(client: httpx.AsyncClient, path: str, runs: int, *, file: bool = False) -> tuple[float, float, int]:
    """Median wall seconds and median CPU seconds of this process (the app's; PostgreSQL's own
    work is not in it) over `runs` requests: on a shared machine the CPU time is the steadier.
    A file's time is from the click to the file (queued, built by its job, downloaded)."""
    times, cpu, size = [], [], 0
    for _ in range(runs):
        started, started_cpu = time.perf_counter(), time.process_time()
        response = await fetched(client, path, file=file)
        times.append(time.perf_counter() - started)
        cpu.append(time.process_time() - started_cpu)
        assert response.status_code == 200, (path, response.status_code, response.text[:300])
        size = len(response.content)
    return statistics.median(times), statistics.median(cpu), size


async def seed_database(database_url: str, var_dir: str) -> tuple[int, list]:
    """Migrate, seed and refresh the facts (in a process of its own: the seeding's 260,000
    model instances would otherwise set the serving process's peak RSS)."""
    settings = load_settings(database_url=database_url, paths_var_dir=var_dir, mail_worker_enabled=False)
    await migrate(settings)
    await Tortoise.init(config=tortoise_config(settings))
    started = time.perf_counter()
    try:
        programme_id = await seed()
        print(f"  seeded in {time.perf_counter() - started:.0f} s", file=sys.stderr)
        # The records went in with bulk inserts, past the outcomes service: their facts are
        # computed once for all leads, as migration 0019 does for an existing database.
        started, started_cpu = time.perf_counter(), time.process_time()
        await refresh_all_facts()
        refreshed = ("facts refresh", time.perf_counter() - started, time.process_time() - started_cpu, 0,
                     peak_rss_mib())
    finally:
        await Tortoise.close_connections()
    return programme_id, [refreshed]


async def run(database_url: str, var_dir: str, runs: int, programme_id: int) -> list[tuple]:
    """Time the page and the files through the ASGI app, in a fresh process. The background loops
    run in the worker process, as deployed: in this one the first lead-reminder run over 100,000
    leads would compete with the measured page and files."""
    settings = load_settings(database_url=database_url, paths_var_dir=var_dir, mail_worker_enabled=False,
                             jobs_worker_in_web=False)
    app = create_app(settings)
    results = []
    async with LifespanManager(app):
        # A kept database (--keep) holds the figures an earlier run stored: its first view
        # computes them as on a freshly seeded one.
        await Tortoise.get_connection("default").execute_query("DELETE FROM statistics_cache")
        async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
            await client.get("/login")
            await client.post("/login", data={"csrftoken": client.cookies["csrftoken"], "email": "bench@example.cn",
                                              "password": PASSWORD})
            results.append(("after login", 0.0, 0.0, 0, peak_rss_mib()))
            base = f"/reports/programmes/{programme_id}?period=2026"
            # The first view computes the figures and stores them in the statistics cache (and
            # warms the templates and the database's cache); the timed ones after it read them
            # back, as every view until a write changes what they count.
            started, started_cpu = time.perf_counter(), time.process_time()
            first = await client.get(base)
            assert first.status_code == 200, first.text[:300]
            results.append(("page, first view", time.perf_counter() - started, time.process_time() - started_cpu,
                            len(first.content), peak_rss_mib()))
            for label, path, runs_here in (("statistics page", base, runs),
                                           ("Excel workbook", base.replace("?", "/report.xlsx?"), max(1, runs // 2)),
                                           (".docx 通报", base.replace("?", "/report.docx?"), max(1, runs // 2))):
                seconds, cpu, size = await timed(client, path, runs_here, file=label != "statistics page")
                results.append((label, seconds, cpu, size, peak_rss_mib()))
    return results


BENCH_DATABASE = f"matchmaker_bench_reports_{os.getpid()}"
KEPT_DATABASE = "matchmaker_bench_reports_kept"  # --keep: seeded once, timed again later


async def _postgres(server: str, *, create: bool, name: str = BENCH_DATABASE) -> str:
    """Create (or drop) the database the benchmark seeds on the server."""
    return await scratch_database(server, name, create=create)


def _child(*args: str) -> list:
    """Run this script in a fresh interpreter (Tortoise keeps per-dialect state in the models,
    and each process's peak RSS is its own); its last stdout line is the JSON result."""
    child = subprocess.run([sys.executable, __file__, *args], check=True, stdout=subprocess.PIPE, text=True)
    return json.loads(child.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--postgres", help="a PostgreSQL server URL (a database of its own is created)")
    parser.add_argument("--only-postgres", action="store_true", help="skip the SQLite run")
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--keep", metavar="DIR", help="keep the seeded databases (in DIR and a PostgreSQL database "
                        f"named {KEPT_DATABASE}) and reuse them when DIR already holds them")
    parser.add_argument("--seed", help=argparse.SUPPRESS)  # internal: seed this database
    parser.add_argument("--one", help=argparse.SUPPRESS)  # internal: time this database
    parser.add_argument("--programme", type=int, help=argparse.SUPPRESS)
    parser.add_argument("--var", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.seed:
        print(json.dumps(asyncio.run(seed_database(args.seed, args.var))))
        return
    if args.one:
        print(json.dumps(asyncio.run(run(args.one, args.var, args.runs, args.programme))))
        return
    targets = {"facts refresh": None, "after login": None, "page, first view": None, "statistics page": 0.5, "Excel workbook": 10.0, ".docx 通报": 5.0}
    rows = []
    backends = [] if args.only_postgres else [("SQLite", "sqlite")]
    if args.postgres:
        backends.append(("PostgreSQL", None))
    for backend, url in backends:
        tmp = tempfile.TemporaryDirectory()
        var = args.keep or tmp.name
        kept = Path(var) / f"programme-{backend}.json" if args.keep else None
        try:
            if kept and kept.exists():
                url, programme_id = json.loads(kept.read_text())
                seeded = []
                print(f"{backend}: reusing the database kept in {var}", file=sys.stderr)
            else:
                print(f"{backend}: seeding {EVENTS} events, {MEETINGS} meetings, {LEADS} leads …", file=sys.stderr)
                Path(var).mkdir(parents=True, exist_ok=True)
                url = f"sqlite://{var}/bench.sqlite3" if url == "sqlite" else asyncio.run(
                    _postgres(args.postgres, create=True, name=KEPT_DATABASE if kept else BENCH_DATABASE))
                if kept and url.startswith("sqlite"):
                    Path(var, "bench.sqlite3").unlink(missing_ok=True)
                programme_id, seeded = _child("--seed", url, "--var", var)
                if kept:
                    kept.write_text(json.dumps([url, programme_id]))
            timed_rows = _child("--one", url, "--var", var, "--runs", str(args.runs),
                                "--programme", str(programme_id))
            for label, seconds, cpu, size, rss in seeded + timed_rows:
                rows.append((backend, label, seconds, cpu, targets[label], size, rss))
        finally:
            tmp.cleanup()
            if backend == "PostgreSQL" and not kept:
                asyncio.run(_postgres(args.postgres, create=False))
    load = os.getloadavg()
    print(f"\nload average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} CPUs "
          f"(page: median of {args.runs}, files: median of {max(1, args.runs // 2)})")
    print(f"{'database':<11} {'what':<16} {'median':>9} {'CPU':>9} {'target':>8} {'size':>10} {'peak RSS':>9}  ok")
    for backend, label, seconds, cpu, target, size, rss in rows:
        if label == "after login":
            print(f"{backend:<11} {label:<16} {'':>9} {'':>9} {'—':>8} {'':>10} {rss:>5.0f} MiB")
            continue
        goal = "—" if target is None else f"{target * 1000:.0f}ms"
        ok = "" if target is None else "yes" if seconds <= target else "NO"
        print(f"{backend:<11} {label:<16} {seconds * 1000:>7.0f}ms {cpu * 1000:>7.0f}ms {goal:>8} "
              f"{size:>10,} {rss:>5.0f} MiB  {ok}")


if __name__ == "__main__":
    main()
