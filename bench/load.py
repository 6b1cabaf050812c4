"""Load test: virtual users of every role on their usual pages plus a steady stream of writes
(need edits, meeting requests, withdrawals) against a real `python -m matchmaker serve`, then a
check through the audit trail that every acknowledged write is in the database.

    .venv/bin/python bench/load.py --db sqlite --workers 1 --users 25
    .venv/bin/python bench/load.py --db postgres --workers 2 --users 100,300 --with-worker
    .venv/bin/python bench/load.py --db sqlite --workers 1 --users 50 --with-worker --during-solve

Each run: a fresh copy of the demo city (SQLite file, or a PostgreSQL database made from a
template loaded once), the server on port 8170 (`--port`), rate limits in Redis at
127.0.0.1:6379 (own key prefix, login limit raised so that the users may log in), locust
(`locust.env.Environment`, FastHttpUser, in this process) with `--users` readers (enterprises 6 :
institutions 3 : organizer 1, every one approved at the docking event, 0.2-0.8 s think time
between pages) and 20 writers (enterprises) at `--writes` per second in all (withdraw a sent
request, ask a suggested institution, edit a need, in turn; a need edit when the requests page
offers nothing to withdraw or ask), `--seconds` of measurement after every user has logged in. With `--during-solve`, every
run is made twice on the same data (the demo plus bench/solve_event.py's 3,000 × 500 event):
as is, then while the organizer solves that event for `--seconds` (the click at the start of
the measured seconds), and the second run's p95 is given against the first's. One table:

    db | workers | users + writers | req/s | p50 ms | p95 ms | errors | writes/s | lost writes | during a solve
"""

from __future__ import annotations

from gevent import monkey

monkey.patch_all()

import argparse  # noqa: E402
import itertools  # noqa: E402
import os  # noqa: E402
import re  # noqa: E402
import shutil  # noqa: E402
import signal  # noqa: E402
import sqlite3  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import tempfile  # noqa: E402
import time  # noqa: E402
from pathlib import Path  # noqa: E402
from urllib.parse import urlsplit, urlunsplit  # noqa: E402

import gevent  # noqa: E402
from locust import between, constant_throughput, task  # noqa: E402
from locust.contrib.fasthttp import FastHttpUser  # noqa: E402
from locust.env import Environment  # noqa: E402

from forms import forms_of  # noqa: E402  (bench/forms.py: this script's directory is on the path)

ROOT = Path(__file__).resolve().parent.parent
PASSWORD = "matchmaker-demo"
WRITERS = 20
WRITE_ACTIONS = {"ask": "request.create", "withdraw": "request.withdraw", "edit": "need.update"}
# Filled before the users start. `acked` counts every acknowledged write of the run (ramp-up
# included) for the audit check, `window` those of the measured seconds for the rate.
STATE: dict = {"event": 0, "acked": {}, "window": 0}


# --- pages --------------------------------------------------------------------------------------

class Participant(FastHttpUser):
    """geventhttpclient-based (FastHttpUser): the users share the 2 cores with the server, and
    this client costs a fraction of the CPU of the requests-based HttpUser per request."""

    abstract = True
    wait_time = between(0.2, 0.8)
    accounts: itertools.cycle

    def on_start(self) -> None:
        self.email = next(self.accounts)
        self.client.get("/login", name="/login")
        response = self.client.post("/login", name="/login", allow_redirects=False, data={
            "csrftoken": self.cookie("csrftoken"), "email": self.email, "password": PASSWORD})
        if response.status_code not in (302, 303):
            raise RuntimeError(f"login failed for {self.email}: {response.status_code}")

    def cookie(self, name: str) -> str:
        return next((c.value for c in self.client.cookiejar if c.name == name), "")

    def page(self, template: str) -> None:
        self.client.get(template.replace("{event}", str(STATE["event"])), name=template)


class Enterprise(Participant):
    weight = 6
    accounts = itertools.cycle([])  # each run: the enterprises approved at the event, but the writers

    @task
    def browse(self) -> None:
        for page in ("/dashboard", "/events/{event}", "/events/{event}/requests", "/enterprise/matches",
                     "/events/{event}/agenda", "/inbox", "/needs"):
            self.page(page)


class Institution(Participant):
    weight = 3
    accounts = itertools.cycle([])  # each run: the institutions approved at the event

    @task
    def browse(self) -> None:
        for page in ("/dashboard", "/events/{event}", "/events/{event}/requests", "/institution/matches",
                     "/institution/leads", "/inbox"):
            self.page(page)


class Organizer(Participant):
    weight = 1
    accounts = itertools.cycle(["organizer@demo.matchmaker.cn"])

    @task
    def browse(self) -> None:
        for page in ("/dashboard", "/organizer/events/{event}", "/organizer/events/{event}/requests",
                     "/organizer/matching", "/organizer/outbox"):
            self.page(page)


class Writer(Participant):
    """An enterprise that keeps writing: asks for a suggested meeting, withdraws one of its sent
    requests, edits a need — in turn. Only answers that acknowledge the write (303) count."""

    fixed_count = WRITERS
    accounts = itertools.cycle([])  # each run: the last 20 enterprises approved at the event
    wait_time = constant_throughput(2.0)  # replaced from --writes

    def on_start(self) -> None:
        super().on_start()
        self.turn = itertools.cycle(["withdraw", "ask", "edit"])  # withdraw first: never over the cap
        needs = self.client.get("/needs", name="/needs").text
        self.need_path = sorted(set(re.findall(r'href="(/needs/\d+)"', needs)))[0]
        self.edits = 0

    def acked(self, kind: str, response) -> None:
        if response.status_code == 303:
            key = self.email, WRITE_ACTIONS[kind]
            STATE["acked"][key] = STATE["acked"].get(key, 0) + 1
            STATE["window"] += 1
        else:
            response.failure(f"{kind}: {response.status_code}")

    @task
    def write(self) -> None:
        """One write per turn: a withdrawal or an ask when the requests page offers one (a writer
        soon runs out of suggested institutions it has not asked yet), otherwise a need edit."""
        kind = next(self.turn)
        if kind == "edit":
            self.edit_need()
            return
        event = STATE["event"]
        page = self.client.get(f"/events/{event}/requests", name="/events/{event}/requests").text
        if kind == "ask":
            suggested = [f for action, f in forms_of(page) if action == f"/events/{event}/requests"
                         and f.get("to_organization_id") and "message" not in f]
            if not suggested:
                self.edit_need()
                return
            with self.client.post(f"/events/{event}/requests", data=suggested[0], name="write: ask",
                                  allow_redirects=False, catch_response=True) as response:
                self.acked(kind, response)
        else:
            withdrawals = [(a, f) for a, f in forms_of(page) if a.endswith("/withdraw")]
            if not withdrawals:
                self.edit_need()
                return
            action, fields = withdrawals[0]
            with self.client.post(action, data=fields, name="write: withdraw", allow_redirects=False,
                                  catch_response=True) as response:
                self.acked(kind, response)

    def edit_need(self) -> None:
        form = self.client.get(self.need_path, name="/needs/[id]").text
        fields = next(f for action, f in forms_of(form) if action.rstrip("/") in ("", self.need_path))
        self.edits += 1
        fields["title"] = f"负载测试 {self.email[:3]} 第{self.edits}次修改"
        with self.client.post(self.need_path, data=fields, name="write: edit need", allow_redirects=False,
                              catch_response=True) as response:
            self.acked("edit", response)


# --- set-up ---------------------------------------------------------------------------------------

def run(command: list[str], env: dict[str, str]) -> str:
    done = subprocess.run(command, cwd=ROOT, env={**os.environ, **env}, capture_output=True, text=True)
    if done.returncode != 0:
        raise SystemExit(f"{' '.join(command)} failed:\n{done.stderr}")
    return done.stdout


def with_database(url: str, name: str) -> str:
    return urlunsplit(urlsplit(url)._replace(path=f"/{name}"))


def psql(url: str, sql: str) -> list[list[str]]:
    done = subprocess.run(["psql", "--no-psqlrc", "--tuples-only", "--no-align", "--field-separator=|",
                           "--command", sql, url.replace("postgres://", "postgresql://", 1)],
                          capture_output=True, text=True, check=True)
    return [line.split("|") for line in done.stdout.splitlines() if line.strip()]


class Database:
    """The demo loaded once (template); each run gets its own copy."""

    def __init__(self, kind: str, server: str, scratch: Path, *, with_solve_event: bool = False) -> None:
        self.kind, self.server, self.scratch = kind, server, scratch
        self.runs = itertools.count()
        env = self.env(self.template_url, scratch / "template-var")
        if kind == "postgres":
            psql(server, f'DROP DATABASE IF EXISTS "{self.template_name}"')
            psql(server, f'CREATE DATABASE "{self.template_name}"')
        run([sys.executable, "-m", "matchmaker", "migrate"], env)
        run([sys.executable, "-m", "matchmaker", "demo"], env)
        self.solve_event = 0
        if with_solve_event:  # in every copy, so that the runs with and without the solve read the same data
            self.solve_event = int(run([sys.executable, "bench/solve_event.py"], env).strip())

    template_name = f"mm_load_{os.getpid()}_template"

    @property
    def template_url(self) -> str:
        if self.kind == "postgres":
            return with_database(self.server, self.template_name)
        return f"sqlite://{self.scratch / 'template.sqlite3'}"

    def env(self, url: str, var_dir: Path) -> dict[str, str]:
        return {"MATCHMAKER_DATABASE_URL": url, "MATCHMAKER_PATHS_VAR_DIR": str(var_dir)}

    def copy(self) -> tuple[str, Path]:
        n = next(self.runs)
        var_dir = self.scratch / f"var{n}"
        shutil.copytree(self.scratch / "template-var", var_dir)
        if self.kind == "postgres":
            name = f"mm_load_{os.getpid()}_{n}"
            psql(self.server, f'CREATE DATABASE "{name}" TEMPLATE "{self.template_name}"')
            return with_database(self.server, name), var_dir
        target = self.scratch / f"run{n}.sqlite3"
        shutil.copyfile(self.scratch / "template.sqlite3", target)
        return f"sqlite://{target}", var_dir

    def query(self, url: str, sql: str) -> list[list[str]]:
        if self.kind == "postgres":
            return psql(url, sql)
        with sqlite3.connect(url[len("sqlite://"):]) as connection:
            return [[str(v) for v in row] for row in connection.execute(sql).fetchall()]

    def drop_all(self) -> None:
        if self.kind == "postgres":
            for n in range(next(self.runs)):
                psql(self.server, f'DROP DATABASE IF EXISTS "mm_load_{os.getpid()}_{n}" WITH (FORCE)')
            psql(self.server, f'DROP DATABASE IF EXISTS "{self.template_name}" WITH (FORCE)')


AUDITED = """SELECT u.email, a.action, COUNT(*) FROM audit_log a JOIN "user" u ON u.id = a.actor_id
WHERE a.action IN ('request.create', 'request.withdraw', 'need.update') GROUP BY u.email, a.action"""


def audited(database: Database, url: str) -> dict[tuple[str, str], int]:
    return {(email, action): int(n) for email, action, n in database.query(url, AUDITED)}


def serve(url: str, var_dir: Path, port: int, workers: int, log: Path, *, with_worker: bool) -> subprocess.Popen:
    env = {**os.environ, "MATCHMAKER_DATABASE_URL": url, "MATCHMAKER_PATHS_VAR_DIR": str(var_dir),
           "MATCHMAKER_SECURITY_RATE_LIMIT_STORAGE": "redis://127.0.0.1:6379",
           "MATCHMAKER_SECURITY_RATE_LIMIT_KEY_PREFIX": f"mm_load_{os.getpid()}_{port}_{time.time_ns()}",
           "MATCHMAKER_SECURITY_LOGIN_LIMIT": "100000/minute"}
    process = subprocess.Popen([sys.executable, "-m", "matchmaker", "serve", "--port", str(port),
                                "--workers", str(workers), *(["--with-worker"] if with_worker else [])],
                               cwd=ROOT, env=env,
                               stdout=subprocess.DEVNULL, stderr=log.open("w"))
    import httpx

    deadline = time.monotonic() + 120
    while time.monotonic() < deadline:
        try:
            if httpx.get(f"http://127.0.0.1:{port}/readyz", timeout=2).status_code == 200:
                return process
        except httpx.TransportError:
            pass
        if process.poll() is not None:
            break
        time.sleep(0.3)
    process.kill()
    raise SystemExit(f"server did not start:\n{log.read_text()}")


def start_solve(port: int, event_id: int, seconds: float) -> int:
    """The organizer starts a solve of the large event through its schedule page, as a user
    would (log in, POST the form with its CSRF token); returns the run's id."""
    import httpx

    with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=120) as client:
        client.get("/login")
        client.post("/login", data={"csrftoken": client.cookies.get("csrftoken", ""),
                                    "email": "organizer@demo.matchmaker.cn", "password": PASSWORD})
        client.get(f"/organizer/events/{event_id}/schedule")
        response = client.post(f"/organizer/events/{event_id}/schedule/runs", data={
            "csrftoken": client.cookies.get("csrftoken", ""), "time_limit": str(int(seconds)), "seed": "0"})
        run = re.search(r"/schedule/runs/(\d+)$", response.headers.get("location", ""))
        if run is None:
            raise SystemExit(f"the solve did not start: {response.status_code} {response.text[:500]}")
        return int(run.group(1))


def one_run(database: Database, *, users: int, workers: int, seconds: float, writes: float, port: int,
            with_worker: bool, solve: bool = False) -> dict:
    url, var_dir = database.copy()
    STATE["event"] = int(database.query(url, "SELECT id FROM event WHERE kind = 'docking' AND status = 'open' "
                                             "ORDER BY id LIMIT 1")[0][0])
    STATE["acked"], STATE["window"] = {}, 0
    # Participants approved at the event (the others may not open its requests page): writers are
    # the last 20 enterprises, readers the rest; institutions in turn.
    approved = database.query(url, f"""SELECT u.email, o.kind FROM registration r
        JOIN organization o ON o.id = r.organization_id JOIN membership m ON m.organization_id = o.id
        JOIN "user" u ON u.id = m.user_id
        WHERE r.event_id = {STATE['event']} AND r.status = 'approved' ORDER BY u.email""")
    enterprises = [email for email, kind in approved if kind == "enterprise"]
    Writer.accounts = itertools.cycle(enterprises[-WRITERS:])
    Enterprise.accounts = itertools.cycle(enterprises[:-WRITERS])
    Institution.accounts = itertools.cycle([email for email, kind in approved if kind != "enterprise"])
    # Every write acknowledged from the first login on is looked for in the audit trail against
    # this count taken before the server starts: a count taken at the start of the measured
    # seconds would race the writes in flight at that moment (committed before it, acknowledged
    # after it) and report them lost.
    before = audited(database, url)
    server = serve(url, var_dir, port, workers, database.scratch / f"server-{users}-{workers}-{int(solve)}.err",
                   with_worker=with_worker)
    try:
        Writer.wait_time = constant_throughput(writes / WRITERS)
        env = Environment(user_classes=[Enterprise, Institution, Organizer, Writer],
                          host=f"http://127.0.0.1:{port}")
        runner = env.create_local_runner()
        runner.start(users + WRITERS, spawn_rate=max(10, (users + WRITERS) / 5))
        deadline = time.monotonic() + 120
        while (runner.user_count < users + WRITERS or env.stats.get("/login", "POST").num_requests
               < users + WRITERS) and time.monotonic() < deadline:
            gevent.sleep(0.5)
        gevent.sleep(2)
        # The click on 求解 (its export of the event runs in the web process) and the solve in
        # the worker both fall in the measured seconds.
        solver = gevent.spawn(start_solve, port, database.solve_event, seconds) if solve else None
        env.stats.reset_all()
        STATE["window"] = 0
        started = time.monotonic()
        gevent.sleep(seconds)
        runner.stop()
        elapsed = time.monotonic() - started
        gevent.sleep(1)
        total = env.stats.total
        for error in env.stats.errors.values():  # what failed, for the log (the table counts them)
            print(f"# error x{error.occurrences}: {error.method} {error.name}: {error.error}", file=sys.stderr)
        solving = ""
        if solver is not None:  # what the run did in the measured seconds
            run_id = solver.get(timeout=120)
            state, progress = database.query(url, f"SELECT state, progress FROM schedule_run WHERE id = {run_id}")[0]
            solving = f"run {run_id} {state}, {progress.count('seconds')} progress points"
        after = audited(database, url)
        acked = dict(STATE["acked"])
        lost = sum(max(0, n - (after.get(key, 0) - before.get(key, 0))) for key, n in acked.items())
        return {"users": users, "workers": f"{workers}{' + worker' if with_worker else ''}", "db": database.kind,
                "rps": total.num_requests / elapsed, "p50": total.get_response_time_percentile(0.5),
                "p95": total.get_response_time_percentile(0.95), "errors": total.num_failures,
                "requests": total.num_requests, "acked": sum(acked.values()),
                "writes_per_s": STATE["window"] / elapsed, "lost": lost, "solve": solving}
    finally:
        server.terminate()
        try:
            server.wait(60)
        except subprocess.TimeoutExpired:
            server.kill()


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--db", choices=["sqlite", "postgres"], default="sqlite")
    parser.add_argument("--postgres", default=os.environ.get("MATCHMAKER_TEST_POSTGRES",
                                                              "postgres://postgres@127.0.0.1:5432/postgres"))
    parser.add_argument("--workers", default="1", help="comma-separated, e.g. 1,2")
    parser.add_argument("--users", default="25", help="readers, comma-separated, e.g. 25,100")
    parser.add_argument("--seconds", type=float, default=60)
    parser.add_argument("--writes", type=float, default=20, help="writes per second in all")
    parser.add_argument("--port", type=int, default=8170)
    parser.add_argument("--with-worker", action="store_true",
                        help="serve --with-worker: background work in a worker process, as deployed")
    parser.add_argument("--during-solve", action="store_true",
                        help="each run twice: as is, then while the organizer solves a 3,000 x 500 event "
                             "(bench/solve_event.py) for --seconds")
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(143))  # stopped: still stop the server, drop the copies
    scratch = Path(tempfile.mkdtemp(prefix="matchmaker-load-"))
    database = Database(args.db, args.postgres, scratch, with_solve_event=args.during_solve)
    rows = []
    load_before = f"{os.getloadavg()[0]:.1f}"
    try:
        for workers in [int(w) for w in args.workers.split(",")]:
            for users in [int(u) for u in args.users.split(",")]:
                for solve in (False, True) if args.during_solve else (False,):
                    rows.append(one_run(database, users=users, workers=workers, seconds=args.seconds,
                                        writes=args.writes, port=args.port, with_worker=args.with_worker,
                                        solve=solve))
                    print(f"# done: {rows[-1]}", file=sys.stderr)
    finally:
        database.drop_all()
        shutil.rmtree(scratch, ignore_errors=True)
    print(f"load average before / after: {load_before} / {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs")
    print(f"| db | workers | users + writers | req/s | p50 ms | p95 ms | errors / requests | writes/s acked "
          f"| lost writes | during a solve |")
    print("|---|---|---|---|---|---|---|---|---|---|")
    quiet = {}
    for r in rows:
        key = (r["workers"], r["users"])
        if not r["solve"]:
            quiet[key] = r["p95"]
        against = (f"; p95 {r['p95'] / quiet[key]:.2f} x the run without"
                   if r["solve"] and quiet.get(key) else "")
        print(f"| {r['db']} | {r['workers']} | {r['users']} + {WRITERS} | {r['rps']:.0f} | {r['p50']:.0f} "
              f"| {r['p95']:.0f} | {r['errors']} / {r['requests']} | {r['writes_per_s']:.1f} | {r['lost']} "
              f"| {r['solve'] or '—'}{against} |")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
