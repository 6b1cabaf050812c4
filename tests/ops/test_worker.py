"""The worker process (matchmaker/worker.py) started for real by each test, on the test's real
database (SQLite, or PostgreSQL with MATCHMAKER_TEST_POSTGRES): a worker killed with SIGKILL
mid-solve or mid-mail-batch loses nothing and does nothing twice, a run computed by the worker
streams from another web process, requests expire without cron, and /readyz knows whether a
worker is alive."""

from __future__ import annotations

import asyncio
import os
import threading
import time
from collections import Counter
from datetime import timedelta
from collections.abc import Awaitable, Callable
from pathlib import Path

import pytest

from matchmaker.config import load_settings
from matchmaker.models import (Event, MeetingRequest, OutboxMail, OutboxState, Priority, RequestState, RunState,
                               ScheduleRun, ScheduleVersion, WorkerHeartbeat)
from matchmaker.services.clock import db_time
from matchmaker.services.mailing import outbox
from matchmaker.services.scheduling import solver_runs
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.solver.check import check
from matchmaker.solver.problem import parse_problem, problem_to_dict
from matchmaker.solver.solution import parse_solution
from bench.instances import generate
from tests.conftest import Client
from tests.mail.factories import outgoing_mail
from tests.ops.served import Served
from tests.ops.worker_process import WorkerProcess, worker_env
from tests.services.events.factories import make_need, past
from tests.services.scheduling.factories import seeded_event

pytestmark = pytest.mark.slow


@pytest.fixture
def settings(database_url, tmp_path):
    """The web process of these tests records jobs and leaves them to the worker."""
    return load_settings(database_url=database_url, paths_var_dir=str(tmp_path / "var"),
                         security_password_min_length=10, mail_worker_enabled=False, jobs_run_in_web=False)


@pytest.fixture(autouse=True)
def _solve_in_process_again():
    yield
    solver_runs.configure(in_process=True)  # the default of every other test


async def eventually(condition: Callable[[], Awaitable[bool]], *, within: float, what: str,
                     worker: WorkerProcess | None = None) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"{what}: not within {within} s" + (f"\n{worker.log()}" if worker else ""))
        await asyncio.sleep(0.05)


async def test_a_worker_killed_mid_solve_leaves_the_run_to_the_next_one_which_writes_one_result(
        app, settings, make_organization, tmp_path):
    seeded = await seeded_event(make_organization, enterprises=1)
    # 150 enterprises x 30 institutions x 12 slots, 750 requests: the search improves for the
    # whole time limit, so the kill lands mid-solve.
    problem = problem_to_dict(generate("docking", 150, 30, 12, 750, seed=1))
    run = await ScheduleRun.create(event=seeded.event, started_by=seeded.organizer, time_limit=6, problem=problem)
    await solver_runs.launch(run, solver_runs.solve_job({}))
    assert (await ScheduleRun.get(id=run.pk)).lease_owner is None  # recorded, left to a worker

    first = WorkerProcess(tmp_path, worker_env(settings), name="first")

    async def solving() -> bool:
        row = await ScheduleRun.get(id=run.pk)
        return row.lease_owner is not None and len(row.progress) >= 2

    try:
        await eventually(solving, within=60, what="the first worker solves", worker=first)
    finally:
        first.kill()
    killed = await ScheduleRun.get(id=run.pk)
    assert (killed.state, killed.attempts, killed.solution) == (RunState.RUNNING, 1, None)

    second = WorkerProcess(tmp_path, worker_env(settings), name="second")
    try:
        async def finished() -> bool:
            return (await ScheduleRun.get(id=run.pk)).state != RunState.RUNNING
        await eventually(finished, within=90, what="the second worker finishes the run", worker=second)
    finally:
        assert second.stop() == 0
    done = await ScheduleRun.get(id=run.pk)
    assert (done.state, done.attempts, done.error) == (RunState.DONE, 2, "")
    assert done.lease_owner is None and done.progress and done.progress[-1]["phase"] == "done"
    solution = parse_solution(done.solution)
    assert solution.meetings and check(parse_problem(problem), solution) == []
    assert await ScheduleRun.filter(event=seeded.event).count() == 1
    assert f"solver run {run.pk} taken" in second.log()


async def test_a_worker_stopped_mid_solve_gives_the_run_back_at_once(app, settings, make_organization, tmp_path):
    seeded = await seeded_event(make_organization, enterprises=1)
    problem = problem_to_dict(generate("docking", 150, 30, 12, 750, seed=1))
    run = await ScheduleRun.create(event=seeded.event, started_by=seeded.organizer, time_limit=30, problem=problem)
    await solver_runs.launch(run, solver_runs.solve_job({}))
    worker = WorkerProcess(tmp_path, worker_env(settings, MATCHMAKER_JOBS_LEASE_SECONDS="60"))

    async def solving() -> bool:
        return bool((await ScheduleRun.get(id=run.pk)).progress)

    try:
        await eventually(solving, within=60, what="the worker solves", worker=worker)
    finally:
        began = time.monotonic()
        code = worker.stop()  # SIGTERM (systemd, Ctrl-C): no wait for the 30 s solve or the 60 s lease
    assert code == 0 and time.monotonic() - began < 20
    given_back = await ScheduleRun.get(id=run.pk)
    assert (given_back.state, given_back.lease_owner, given_back.attempts) == (RunState.RUNNING, None, 1)
    assert f"solver run {run.pk} given back" in worker.log()


def thread_niceness(pid: int) -> dict[int, int]:
    """Each thread's nice value (/proc/PID/task/TID/stat, field 19; the name field may hold spaces)."""
    values = {}
    for task in Path(f"/proc/{pid}/task").iterdir():
        fields = (task / "stat").read_text().rpartition(")")[2].split()
        values[int(task.name)] = int(fields[16])
    return values


async def test_the_worker_and_its_solver_threads_leave_the_cpu_to_the_web_processes(
        app, settings, make_organization, tmp_path):
    web_nice = os.getpriority(os.PRIO_PROCESS, 0)  # this process plays the web process (0 unless run under nice)
    seeded = await seeded_event(make_organization, enterprises=1)
    problem = problem_to_dict(generate("docking", 150, 30, 12, 750, seed=1))
    run = await ScheduleRun.create(event=seeded.event, started_by=seeded.organizer, time_limit=30, problem=problem)
    await solver_runs.launch(run, solver_runs.solve_job({}))
    worker = WorkerProcess(tmp_path, worker_env(settings))

    async def solving() -> bool:
        return bool((await ScheduleRun.get(id=run.pk)).progress)

    try:
        await eventually(solving, within=60, what="the worker solves", worker=worker)
        threads = thread_niceness(worker.process.pid)
    finally:
        worker.stop()
    assert len(threads) > 2  # the event loop, the solver's thread and CP-SAT's workers at least
    assert set(threads.values()) == {max(10, web_nice)}, threads  # [jobs] worker_nice, every thread
    assert os.getpriority(os.PRIO_PROCESS, 0) == web_nice  # the web process as it was


async def test_a_run_started_on_one_web_process_is_solved_by_the_worker_and_streams_from_another(
        app, client, settings, make_organization, tmp_path):
    seeded = await seeded_event(make_organization)
    await client.login(seeded.organizer.email)
    base = f"/organizer/events/{seeded.event.id}/schedule"
    started = await client.submit(f"{base}/runs", {"time_limit": "3", "seed": "0"})
    run = await ScheduleRun.get(event=seeded.event)
    assert started.status_code == 303 and run.lease_owner is None and run.job["mode"] == "solve"

    # The second web process: `serve --with-worker`, which also starts the worker as its child.
    served = Served(tmp_path, {"MATCHMAKER_DATABASE_URL": settings.database_url,
                               "MATCHMAKER_PATHS_VAR_DIR": settings.paths_var_dir,
                               "MATCHMAKER_JOBS_LEASE_SECONDS": "2", "MATCHMAKER_JOBS_POLL_SECONDS": "0.1",
                               "MATCHMAKER_MAIL_WORKER_ENABLED": "false"}, "--with-worker")
    try:
        served.wait_ready()
        async with Client(base_url=served.base_url, timeout=60) as other:
            await other.login(seeded.organizer.email)
            stream = await other.get(f"{base}/runs/{run.id}/events")  # until the run is done
            children = served.worker_children()
    finally:
        stopped = served.stop()
    assert stopped and not any(_alive(pid) for pid in children)
    assert len(children) == 1
    names = [block.split("\n", 1)[0] for block in stream.text.strip().split("\n\n")]
    assert names[-1] == "event: done" and "event: progress" in names
    assert '"state": "done"' in stream.text.rsplit("event: done", 1)[1]
    solved = await ScheduleRun.get(id=run.pk)
    assert (solved.state, solved.attempts) == (RunState.DONE, 1)
    saved = await client.submit(f"{base}/runs/{run.id}/draft")
    assert saved.status_code == 303 and await ScheduleVersion.filter(event=seeded.event).count() == 1


async def test_a_web_process_that_runs_its_jobs_itself_and_is_killed_mid_solve_finishes_the_run_after_a_restart(
        app, settings, make_organization, tmp_path):
    """The embedded set-up without a worker process (`serve`, [jobs] run_in_web = true): the run
    is a row with a lease, so the restarted web process takes it up again."""
    seeded = await seeded_event(make_organization, enterprises=1)
    problem = problem_to_dict(generate("docking", 150, 30, 12, 750, seed=1))
    run = await ScheduleRun.create(event=seeded.event, started_by=seeded.organizer, time_limit=5, problem=problem)
    await solver_runs.launch(run, solver_runs.solve_job({}))  # recorded by this test's web process
    env = {"MATCHMAKER_DATABASE_URL": settings.database_url, "MATCHMAKER_PATHS_VAR_DIR": settings.paths_var_dir,
           "MATCHMAKER_JOBS_LEASE_SECONDS": "2", "MATCHMAKER_JOBS_POLL_SECONDS": "0.1",
           "MATCHMAKER_MAIL_WORKER_ENABLED": "false"}
    first = Served(tmp_path, env, "--workers", "1", name="first")  # one process: SIGKILL kills the web process

    async def solving() -> bool:
        return len((await ScheduleRun.get(id=run.pk)).progress) >= 2

    try:
        await eventually(solving, within=90, what="the web process solves")
    finally:
        first.process.kill()
        first.stop()
    assert (await ScheduleRun.get(id=run.pk)).state == RunState.RUNNING

    second = Served(tmp_path, env, "--workers", "1", name="second")
    try:
        async def finished() -> bool:
            return (await ScheduleRun.get(id=run.pk)).state != RunState.RUNNING
        await eventually(finished, within=90, what="the restarted web process finishes the run")
    finally:
        assert second.stop()
    done = await ScheduleRun.get(id=run.pk)
    assert (done.state, done.attempts) == (RunState.DONE, 2)
    assert check(parse_problem(problem), parse_solution(done.solution)) == []


def _alive(pid: int) -> bool:
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0] != "Z"
    except OSError:
        return False


async def test_a_worker_killed_mid_mail_batch_sends_nothing_twice_and_loses_nothing_silently(
        app, settings, smtp_server, tmp_path):
    await outbox.enqueue_all([outgoing_mail(n) for n in range(1, 41)], domain="example.gov.cn")
    queued = await OutboxMail.all().order_by("id").values_list("message_id", flat=True)
    env = worker_env(settings, MATCHMAKER_MAIL_WORKER_ENABLED="true", MATCHMAKER_MAIL_SMTP_HOST=smtp_server.host,
                     MATCHMAKER_MAIL_SMTP_PORT=str(smtp_server.port), MATCHMAKER_MAIL_LEASE_SECONDS="1",
                     MATCHMAKER_MAIL_POLL_SECONDS="0.05", MATCHMAKER_MAIL_BATCH_SIZE="10")
    first = WorkerProcess(tmp_path, env, name="first")
    try:
        async def some_sent() -> bool:
            return len(smtp_server.handler.messages) >= 5
        await eventually(some_sent, within=60, what="the first worker sends", worker=first)
        smtp_server.handler.hold_after_accept = release = threading.Event()
        assert await asyncio.to_thread(smtp_server.handler.accepted_and_held.wait, 30)
    finally:
        first.kill()  # mid-batch: the server has a message the worker never heard 250 for
    release.set()
    smtp_server.handler.hold_after_accept = None
    in_flight = smtp_server.handler.message_ids()[-1]
    assert 5 <= len(smtp_server.handler.messages) < 40
    assert (await OutboxMail.get(message_id=in_flight)).state == OutboxState.IN_FLIGHT
    # Every other row is sent, or was never handed to the server (queued, or leased in the dead batch).
    left = Counter(await OutboxMail.exclude(message_id=in_flight).values_list("state", flat=True))
    assert set(left) <= {OutboxState.SENT, OutboxState.SENDING, OutboxState.QUEUED}, left

    second = WorkerProcess(tmp_path, env, name="second")
    try:
        async def settled() -> bool:
            return await OutboxMail.filter(state__in=[OutboxState.SENT, OutboxState.IN_DOUBT]).count() == 40
        await eventually(settled, within=60, what="the second worker sends the rest", worker=second)
    finally:
        assert second.stop() == 0
    received = Counter(smtp_server.handler.message_ids())
    assert set(received) == set(queued)  # every message arrived…
    assert set(received.values()) == {1}, received  # …exactly once, the one in flight included
    # Nothing lost silently: the one message whose 250 the dead worker never heard is in doubt,
    # with its reason, on the organizer's outbox (resend or mark delivered), not resent blindly.
    doubtful = await OutboxMail.filter(state=OutboxState.IN_DOUBT).values_list("message_id", "last_error")
    assert [mid for mid, _ in doubtful] == [in_flight] and "无法确认" in doubtful[0][1]
    assert await OutboxMail.filter(state=OutboxState.SENT).count() == 39


async def test_readyz_wants_a_worker_seen_in_the_last_minute_when_the_web_leaves_its_jobs_to_one(
        client, settings, tmp_path):
    async def ready() -> tuple[int, list[str]]:
        response = await client.get("/readyz")
        return response.status_code, response.json().get("problems", [])

    assert await ready() == (503, ["no worker seen in the last minute (python -m matchmaker worker)"])

    worker = WorkerProcess(tmp_path, worker_env(settings, MATCHMAKER_JOBS_HEARTBEAT_SECONDS="0.2"))
    try:
        async def answered_ready() -> bool:
            return (await ready())[0] == 200
        await eventually(answered_ready, within=60, what="readyz sees the worker", worker=worker)
        beats = await WorkerHeartbeat.all().values_list("seen_at", flat=True)
        await asyncio.sleep(0.6)
        assert (await WorkerHeartbeat.all().values_list("seen_at", flat=True))[0] > beats[0]  # it keeps beating
    finally:
        worker.kill()  # no clean-up: its row stays and ages
    (last,) = await WorkerHeartbeat.all().values_list("seen_at", flat=True)
    await asyncio.sleep(0.6)
    assert await WorkerHeartbeat.all().values_list("seen_at", flat=True) == [last]  # a dead worker beats no more
    assert (await ready())[0] == 200  # seen less than a minute ago
    await WorkerHeartbeat.all().update(seen_at=db_time(last - timedelta(seconds=61)))  # a minute goes by
    assert await ready() == (503, ["no worker seen in the last minute (python -m matchmaker worker)"])

    stopped = WorkerProcess(tmp_path, worker_env(settings, MATCHMAKER_JOBS_HEARTBEAT_SECONDS="0.2"), name="stopped")
    try:
        await eventually(answered_ready, within=60, what="readyz sees the new worker", worker=stopped)
    finally:
        assert stopped.stop() == 0
    assert await ready() == (503, ["no worker seen in the last minute (python -m matchmaker worker)"])  # took its row


async def test_requests_expire_at_their_deadline_without_cron(app, settings, make_organization, tmp_path):
    seeded = await seeded_event(make_organization, enterprises=1)
    await Event.filter(id=seeded.event.pk).update(answer_deadline=past(1))
    (company,) = seeded.enterprises
    pending = await MeetingRequest.create(event=seeded.event, enterprise=company, institution=seeded.guarantor,
                                          need=await make_need(company), from_enterprise=True,
                                          priority=Priority.WANT, state=RequestState.PENDING)
    worker = WorkerProcess(tmp_path, worker_env(settings, MATCHMAKER_JOBS_EXPIRE_EVERY_SECONDS="0.5"))
    try:
        async def expired() -> bool:
            return (await MeetingRequest.get(id=pending.pk)).state == RequestState.EXPIRED
        await eventually(expired, within=60, what="the worker expires the request", worker=worker)
    finally:
        assert worker.stop() == 0
    assert "expire-requests expired=1" in worker.log()
