"""Server CPU per request of the pages the load test's virtual users open (bench/load.py).

    .venv/bin/python bench/page_cpu.py [--runs 30] [--database-url postgres://postgres@127.0.0.1:5432/postgres]

A fresh demo city (SQLite under a temporary directory, or a throwaway PostgreSQL database when
--database-url names a server), served by the whole ASGI app in this process (httpx's
ASGITransport: every middleware, the ORM, matching, Jinja, translations). Logged in as one user
of each role (the first enterprise and institution approved at the open docking event, and the
organizer), each page is opened twice to warm up and then --runs times; for each page: the median
CPU ms of this process per request (time.process_time, far steadier than wall time on a machine
shared with other work, though it includes the client's own share: see the /healthz row), the SQL
statements per request and the response size. The writes are those of bench/load.py's writers:
ask for a suggested meeting and withdraw it (in turn, so the data stays the same), edit a need.

The total weights each page by how often the load mix opens it: readers enterprises 6 :
institutions 3 : organizer 1, each opening its pages in turn, plus the writers' pages.
"""

from __future__ import annotations

import argparse
import asyncio
import logging
import os
import statistics
import sys
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from asgi_lifespan import LifespanManager  # noqa: E402

from bench.forms import forms_of  # noqa: E402
from bench.postgres import scratch_database  # noqa: E402
from matchmaker.app import create_app  # noqa: E402
from matchmaker.config import load_settings  # noqa: E402
from matchmaker.db import migrate  # noqa: E402
from matchmaker.demo.city import DEMO_PASSWORD, load_demo  # noqa: E402
from matchmaker.models import (Event, EventKind, EventStatus, FinancingNeed, MeetingRequest,  # noqa: E402
                               Organization, OrganizationKind, Registration)

#: The readers' pages per role, as bench/load.py's Enterprise, Institution and Organizer open them.
PAGES = {
    "enterprise": ["/dashboard", "/events/{event}", "/events/{event}/requests", "/enterprise/matches",
                   "/events/{event}/agenda", "/inbox", "/needs"],
    "institution": ["/dashboard", "/events/{event}", "/events/{event}/requests", "/institution/matches",
                    "/institution/leads", "/inbox"],
    "organizer": ["/dashboard", "/organizer/events/{event}", "/organizer/events/{event}/requests",
                  "/organizer/matching", "/organizer/outbox"],
}
#: bench/load.py's user weights (a user of each role goes round its pages in turn).
ROLE_WEIGHTS = {"enterprise": 6, "institution": 3, "organizer": 1}




class StatementCount(logging.Handler):
    """Tortoise logs each statement it sends at DEBUG on `tortoise.db_client` (the app's metrics
    already keep that logger at DEBUG): a counter, so the count costs next to nothing."""

    def __init__(self) -> None:
        super().__init__(logging.DEBUG)
        self.n = 0

    def emit(self, record: logging.LogRecord) -> None:
        if not (isinstance(record.msg, str) and record.msg.startswith("Created connection pool")):
            self.n += 1


class Row:
    def __init__(self, role: str, label: str, cpu: list[float], statements: float, size: int) -> None:
        self.role, self.label, self.statements, self.size = role, label, statements, size
        self.cpu_ms = statistics.median(cpu) * 1000


async def measure(counter: StatementCount, runs: int, request) -> tuple[list[float], float, int]:
    """CPU seconds per call of `request` (an async callable answering a response) after two
    warm-up calls, the statements per call and the last response's size."""
    for _ in range(2):
        await request()
    cpu, before = [], counter.n
    size = 0
    for _ in range(runs):
        started = time.process_time()
        response = await request()
        cpu.append(time.process_time() - started)
        size = len(response.content)
    return cpu, (counter.n - before) / runs, size


async def logged_in(app, email: str) -> httpx.AsyncClient:
    client = httpx.AsyncClient(transport=httpx.ASGITransport(app=app, client=("127.0.0.1", 50000)),
                               base_url="http://bench")
    await client.get("/login")
    answer = await client.post("/login", data={"csrftoken": client.cookies["csrftoken"], "email": email,
                                               "password": DEMO_PASSWORD})
    assert answer.status_code in (302, 303), (email, answer.status_code)
    return client


def ok(response: httpx.Response, *expected: int) -> httpx.Response:
    assert response.status_code in (expected or (200,)), (response.request.url, response.status_code,
                                                           response.text[:300])
    return response


async def participants(event_id: int) -> dict[str, str]:
    """The first enterprise and institution approved at the event (by e-mail, as bench/load.py
    hands out its readers' accounts), the organizer, and the last enterprise as the writer
    (bench/load.py's writers are the last 20)."""
    approved = Registration.filter(event_id=event_id, status="approved")
    enterprises = await approved.filter(organization__kind=OrganizationKind.ENTERPRISE).values_list(
        "organization__memberships__user__email", flat=True)
    institutions = await approved.exclude(organization__kind=OrganizationKind.ENTERPRISE).values_list(
        "organization__memberships__user__email", flat=True)
    return {"enterprise": min(enterprises), "institution": min(institutions), "writer": max(enterprises), "organizer": "organizer@demo.matchmaker.cn"}


async def bench(database_url: str, var_dir: str, runs: int) -> list[Row]:
    settings = load_settings(database_url=database_url, paths_var_dir=var_dir, mail_worker_enabled=False,
                             jobs_worker_in_web=False)
    await migrate(settings)
    app = create_app(settings)
    counter = StatementCount()
    logging.getLogger("tortoise.db_client").addHandler(counter)
    rows: list[Row] = []
    async with LifespanManager(app):
        await load_demo(Path(var_dir))
        event = await Event.filter(kind=EventKind.DOCKING, status__not=EventStatus.CLOSED).order_by("id").first()
        # The demo's deadlines are fixed dates: keep the asks acceptable whatever today is.
        await Event.filter(pk=event.pk).update(request_deadline=datetime.now(UTC) + timedelta(days=7))
        accounts = await participants(event.pk)
        clients = {role: await logged_in(app, email) for role, email in accounts.items()}
        try:
            baseline = clients["enterprise"]
            cpu, statements, size = await measure(counter, runs, lambda: baseline.get("/healthz"))
            rows.append(Row("—", "/healthz (client + middleware floor)", cpu, statements, size))
            for role, pages in PAGES.items():
                client = clients[role]
                for page in pages:
                    path = page.format(event=event.pk)
                    cpu, statements, size = await measure(
                        counter, runs, lambda client=client, path=path: _get(client, path))
                    rows.append(Row(role, page, cpu, statements, size))
            rows.extend(await writes(clients["writer"], accounts["writer"], event.pk, counter, runs))
        finally:
            for client in clients.values():
                await client.aclose()
    logging.getLogger("tortoise.db_client").removeHandler(counter)
    return rows


async def _get(client: httpx.AsyncClient, path: str) -> httpx.Response:
    return ok(await client.get(path))


async def writes(client: httpx.AsyncClient, email: str, event_id: int, counter: StatementCount,
                 runs: int) -> list[Row]:
    """The writers' three writes. Withdraw and ask alternate, as bench/load.py's writers do
    (withdraw first: never over the cap): the ask goes to an institution the writer has no live
    request with, through the ask form, and is the next withdrawal, so the data stays as it was.
    (The demo's enterprises have asked every institution matching suggests already.)"""
    requests_path = f"/events/{event_id}/requests"
    free = await _institution_not_asked(event_id, email)
    state: dict = {}

    async def ask() -> httpx.Response:
        page = ok(await client.get(requests_path)).text
        fields = next(f for action, f in forms_of(page) if action == requests_path and "message" in f)
        fields.update(to_organization_id=str(free), product_id="")  # no product: it must be that institution's
        started = time.process_time()
        answer = ok(await client.post(requests_path, data=fields), 303)
        state["cpu"] = time.process_time() - started
        return answer

    async def withdraw() -> httpx.Response:
        page = ok(await client.get(requests_path)).text
        action, fields = next((a, f) for a, f in forms_of(page) if a.endswith("/withdraw"))  # the newest sent
        started = time.process_time()
        answer = ok(await client.post(action, data=fields), 303)
        state["cpu"] = time.process_time() - started
        return answer

    # Statements of the requests page alone: each write reads it first to find its form, and
    # only the POST is the write's.
    before = counter.n
    ok(await client.get(requests_path))
    page_statements = counter.n - before
    measured: dict[str, list[tuple[float, int, int]]] = {"withdraw": [], "ask": []}
    for n in range(runs + 2):
        for label, write in (("withdraw", withdraw), ("ask", ask)):
            before = counter.n
            response = await write()
            if n >= 2:  # two warm-up rounds
                measured[label].append((state["cpu"], counter.n - before - page_statements, len(response.content)))
    rows = [Row("writer", f"POST {label}", [m[0] for m in measured[key]], statistics.mean(m[1] for m in measured[key]),
                measured[key][-1][2])
            for key, label in (("ask", "/events/{event}/requests (ask)"),
                               ("withdraw", "/events/{event}/requests/{id}/withdraw"))]

    need_id = await FinancingNeed.filter(enterprise__memberships__user__email=email).order_by(
        "id").first().values_list("id", flat=True)
    need_path = f"/needs/{need_id}"
    cpu, statements, size = await measure(counter, runs, lambda: _get(client, need_path))
    rows.append(Row("writer", "/needs/{id}", cpu, statements, size))
    edits = iter(range(10**6))

    async def edit() -> httpx.Response:
        form = ok(await client.get(need_path)).text
        fields = next(f for action, f in forms_of(form) if action.rstrip("/") in ("", need_path))
        fields["title"] = f"基准修改 第{next(edits)}次"
        started = time.process_time()
        answer = ok(await client.post(need_path, data=fields), 303)
        state["cpu"] = time.process_time() - started
        return answer

    form_statements = statements
    edit_cpu, edit_statements = [], []
    for n in range(runs + 2):
        before = counter.n
        response = await edit()
        if n >= 2:
            edit_cpu.append(state["cpu"])
            edit_statements.append(counter.n - before - form_statements)
    rows.append(Row("writer", "POST /needs/{id} (edit)", edit_cpu, statistics.mean(edit_statements),
                    len(response.content)))
    return rows


async def _institution_not_asked(event_id: int, email: str) -> int:
    """An institution approved at the event with which the writer has no pending or accepted request."""
    writer = await Organization.get(memberships__user__email=email)
    live = await MeetingRequest.filter(event_id=event_id, enterprise=writer, state__in=["pending", "accepted"]
                                       ).values_list("institution_id", flat=True)
    institutions = await Registration.filter(event_id=event_id, status="approved").exclude(
        organization__kind=OrganizationKind.ENTERPRISE).order_by("organization_id").values_list(
        "organization_id", flat=True)
    return next(i for i in institutions if i not in set(live))


def weighted_total(rows: list[Row]) -> float:
    """CPU ms per reader's page averaged over the load mix: a reader of each role goes round
    its pages in turn, so each of its pages weighs its role's weight / its number of pages."""
    total = 0.0
    for row in rows:
        if row.role in ROLE_WEIGHTS:
            total += row.cpu_ms * ROLE_WEIGHTS[row.role] / len(PAGES[row.role])
    return total / sum(ROLE_WEIGHTS.values())


def write_cycle_ms(rows: list[Row]) -> float:
    """CPU ms of one write on average, with the page it is made from (the writers go round
    withdraw, ask, edit: the first two from the requests page, the edit from the need's form)."""
    ms = {(row.role, row.label): row.cpu_ms for row in rows}
    requests_page = ms["enterprise", "/events/{event}/requests"]
    return (2 * requests_page + ms["writer", "POST /events/{event}/requests/{id}/withdraw"]
            + ms["writer", "POST /events/{event}/requests (ask)"] + ms["writer", "/needs/{id}"]
            + ms["writer", "POST /needs/{id} (edit)"]) / 3


#: bench/load.py's SQLite target run: 50 readers thinking 0.2-0.8 s (at most ~100 pages/s when
#: answered at once) and 20 writes/s.
LOAD_PAGES_PER_S, LOAD_WRITES_PER_S = 100, 20




def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=30)
    parser.add_argument("--database-url", help="a PostgreSQL server (a throwaway database is made on it)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="matchmaker-page-cpu-") as scratch:
        name = f"matchmaker_bench_page_cpu_{os.getpid()}"
        url = (asyncio.run(scratch_database(args.database_url, name, create=True)) if args.database_url
               else f"sqlite://{scratch}/bench.sqlite3")
        try:
            rows = asyncio.run(bench(url, str(Path(scratch) / "var"), args.runs))  # asyncio's loop, as `serve`
        finally:
            if args.database_url:
                asyncio.run(scratch_database(args.database_url, name, create=False))
    load = os.getloadavg()
    print(f"\n{'PostgreSQL' if args.database_url else 'SQLite'}, asyncio event loop, "
          f"median of {args.runs} requests after 2 warm-ups; "
          f"load average {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} on {os.cpu_count()} CPUs")
    print(f"| role | page | CPU ms | SQL | bytes |")
    print("|---|---|---:|---:|---:|")
    for row in rows:
        print(f"| {row.role} | {row.label} | {row.cpu_ms:.1f} | {row.statements:.0f} | {row.size:,} |")
    print(f"| mix | readers' pages weighted by the load mix (6 : 3 : 1) | {weighted_total(rows):.1f} | | |")
    print(f"| mix | a write with the page it is made from | {write_cycle_ms(rows):.1f} | | |")
    busy = (LOAD_PAGES_PER_S * weighted_total(rows) + LOAD_WRITES_PER_S * write_cycle_ms(rows)) / 1000
    print(f"\nCPU seconds per second for {LOAD_PAGES_PER_S} readers' pages/s + {LOAD_WRITES_PER_S} writes/s "
          f"(bench/load.py --users 50): {busy:.2f} (one process has 1.00)")


if __name__ == "__main__":
    main()
