"""Solver runs as jobs: the run row is the job, its lease says which process computes it.

The run's row says what to compute (`job`: solve or repair, the previous solution, the
participants' names; written with the row, `solve_job` / `repair_job`), so a run survives the
process that asked for it. Who computes it depends on the process (`configure`):

- in the web process itself (the default, and what the tests of the services use): `launch`
  takes the lease at once and solves in a worker thread of this process;
- in a worker process (`python -m matchmaker worker`, matchmaker/worker.py; `[jobs] run_in_web =
  false` in the web): `launch` only leaves the row; a worker takes it with `claim_next`.

Whoever computes a run renews its lease with every progress write (at most every
PROGRESS_WRITE_INTERVAL seconds, so a fast-improving search cannot flood the database); every
web process streams the progress from the row. A process that dies mid-run stops renewing: once
the lease has run out another worker takes the run again from the start (`attempts` counts the
tries, MAX_ATTEMPTS at most), and the dead one's result, should it come back, is refused because
only the lease holder may write the result. The final solution is re-checked by the independent
checker; a schedule it rejects is never saved.
"""

from __future__ import annotations

import asyncio
import logging
import os
import re
import secrets
import socket
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from tortoise.expressions import F, Q

from matchmaker.models import RunState, ScheduleRun
from matchmaker.services.clock import db_time
from matchmaker.solver.check import check
from matchmaker.solver.problem import Problem, parse_problem
from matchmaker.solver.repair import repair
from matchmaker.solver.solution import Solution, parse_solution, solution_to_dict
from matchmaker.solver.solve import ProgressEvent, solve

log = logging.getLogger("matchmaker.scheduling")

PROGRESS_WRITE_INTERVAL = 0.5
#: A run still 'running' this long after its lease (or, never taken, its time limit) ran out
#: is shown as interrupted: no process is working on it.
STALE_AFTER = timedelta(seconds=60)
#: A run whose process died is taken again this many times in all, then failed.
MAX_ATTEMPTS = 3
INTERRUPTED = "求解被中断 (the run was interrupted)"

Compute = Callable[[Problem, Callable[[ProgressEvent], None]], Solution]


class _Options:
    in_process = True  # launch() computes the run in this process
    lease_seconds = 30.0  # renewed with every progress write; how soon a dead process's run is retaken


_options = _Options()

#: Runs in progress in this process, so that they are not garbage-collected and can be awaited.
_tasks: dict[int, asyncio.Task[None]] = {}


def configure(*, in_process: bool, lease_seconds: float = 30.0) -> None:
    """Called by the app (web process) and the worker with their settings."""
    _options.in_process = in_process
    _options.lease_seconds = lease_seconds


def process_id() -> str:
    return f"{socket.gethostname()}-{os.getpid()}"


def solve_job(names: Mapping[str, str]) -> dict[str, Any]:
    return {"mode": "solve", "names": dict(names)}


def repair_job(previous: Solution, names: Mapping[str, str], *, move_penalty: int = 5) -> dict[str, Any]:
    return {"mode": "repair", "previous": solution_to_dict(previous), "move_penalty": move_penalty,
            "names": dict(names)}


async def launch(run: ScheduleRun, job: dict[str, Any] | None = None) -> None:
    """Have `run` (just created, state running, its `job` set in the same row, or given here)
    computed: here and now, or by a worker process."""
    if job is not None:
        run.job = job
        await ScheduleRun.filter(id=run.pk).update(job=job)
    if not _options.in_process:
        return
    token = await _take(run.pk)
    if token is None:  # a worker was quicker
        return
    task = asyncio.get_running_loop().create_task(execute(run.pk, token))
    _tasks[run.pk] = task
    task.add_done_callback(lambda _: _tasks.pop(run.pk, None))


async def wait_for_run(run: ScheduleRun) -> ScheduleRun:
    """The run once it has finished (for tests and the command line); the row as it is now if it
    runs in another process."""
    task = _tasks.get(run.pk)
    if task is not None:
        await asyncio.shield(task)
    return await ScheduleRun.get(id=run.pk)


def name_ids(text: str, names: Mapping[str, str]) -> str:
    """Replace problem ids (E12, I7) in a solver or checker message by organization names."""
    return re.sub(r"\b[EI]\d+\b", lambda match: f"「{names.get(match.group(0), match.group(0))}」", text)


def is_stale(run: ScheduleRun, now: datetime | None = None) -> bool:
    """No process has worked on this running run for a while (none took it, or its died)."""
    now = now or datetime.now(UTC)
    if run.state != RunState.RUNNING:
        return False
    if run.lease_expires_at is not None:
        return run.lease_expires_at + STALE_AFTER < now
    return run.started_at + timedelta(seconds=run.time_limit) + STALE_AFTER < now


def point(event: ProgressEvent) -> dict[str, Any]:
    return {"seconds": event.seconds, "objective": event.objective, "bound": event.bound, "phase": event.phase}


# -- the lease -------------------------------------------------------------------------------

def _takeable(now: datetime) -> Q:
    return Q(state=RunState.RUNNING, job__not_isnull=True) & (
        Q(lease_owner__isnull=True) | Q(lease_expires_at__lt=now))


async def _take(run_id: int) -> str | None:
    """Lease run `run_id` to this process if nobody holds it; the lease token, or None."""
    now = db_time()
    token = f"{process_id()}/{secrets.token_hex(4)}"
    # One conditional UPDATE: of two processes racing for the row, one changes it.
    taken = await ScheduleRun.filter(_takeable(now), id=run_id).update(
        lease_owner=token, lease_expires_at=now + timedelta(seconds=_options.lease_seconds),
        attempts=F("attempts") + 1, progress=[])
    return token if taken else None


async def claim_next() -> tuple[int, str] | None:
    """The oldest run waiting for a process (new, or its process died), leased to this one.
    Runs that have used up their attempts are failed instead."""
    now = db_time()
    await ScheduleRun.filter(_takeable(now), attempts__gte=MAX_ATTEMPTS).update(
        state=RunState.FAILED, finished_at=now, lease_owner=None, lease_expires_at=None,
        error=f"{INTERRUPTED}：已尝试 {MAX_ATTEMPTS} 次 (tried {MAX_ATTEMPTS} times)")
    for run_id in await ScheduleRun.filter(_takeable(now)).order_by("id").limit(5).values_list("id", flat=True):
        token = await _take(run_id)
        if token is not None:
            return run_id, token
    return None


async def release(run_id: int, token: str) -> None:
    """Give the run back at once (this process stops): another takes it without waiting."""
    await ScheduleRun.filter(id=run_id, lease_owner=token).update(lease_owner=None, lease_expires_at=None)


async def _write(run_id: int, token: str, **values: Any) -> bool:
    """Update the run if this process still holds its lease; False when it lost it."""
    return bool(await ScheduleRun.filter(id=run_id, lease_owner=token, state=RunState.RUNNING).update(**values))


def compute_for(run: ScheduleRun) -> tuple[Problem, Compute]:
    """What the run's job says to compute, from the row alone (any process can do it)."""
    job = run.job or {}
    problem = parse_problem({k: v for k, v in (run.problem or {}).items() if k != "refill"})
    time_limit, seed = run.time_limit, run.seed
    if job.get("mode") == "repair":
        previous = parse_solution(job["previous"])
        penalty = int(job.get("move_penalty", 5))
        return problem, lambda p, progress: repair(p, previous, time_limit=time_limit, seed=seed,
                                                   move_penalty=penalty, on_progress=progress)
    return problem, lambda p, progress: solve(p, time_limit=time_limit, seed=seed, on_progress=progress)


async def execute(run_id: int, token: str) -> None:
    """Compute the leased run: the solver in a worker thread, progress and lease written from the
    event loop, the checked result written only while the lease is still ours."""
    run = await ScheduleRun.get(id=run_id)
    names: Mapping[str, str] = (run.job or {}).get("names", {})
    try:
        problem, compute = compute_for(run)
        events: list[ProgressEvent] = []
        worker = asyncio.ensure_future(asyncio.to_thread(compute, problem, events.append))
        written = 0
        while True:
            done, _ = await asyncio.wait({worker}, timeout=PROGRESS_WRITE_INTERVAL)
            if done:
                break
            lease = {"lease_expires_at": db_time() + timedelta(seconds=_options.lease_seconds)}
            if len(events) > written:
                written = len(events)
                lease["progress"] = [point(e) for e in events[:written]]
            if not await _write(run_id, token, **lease):
                log.warning("schedule run %s: lease lost; another process computes it", run_id)
                return  # the thread finishes on its own; its result is dropped
        solution = worker.result()
        await _finish(run_id, token, problem, solution, [point(e) for e in events], names)
    except Exception as error:  # the organizer must learn that the run failed, whatever happened
        log.exception("schedule run %s failed", run_id)
        await _write(run_id, token, state=RunState.FAILED, finished_at=datetime.now(UTC), lease_owner=None,
                     error=f"求解出错 (solver error): {error}")


async def _finish(run_id: int, token: str, problem: Problem, solution: Solution, progress: list[dict[str, Any]],
                  names: Mapping[str, str]) -> None:
    finished = {"finished_at": datetime.now(UTC), "progress": progress, "lease_owner": None}
    if solution.status == "infeasible":
        await _write(run_id, token, state=RunState.FAILED,
                     error=name_ids(f"无法排程 (infeasible): {solution.reason}", names), **finished)
        return
    violations = check(problem, solution)
    if violations:
        log.error("schedule run %s rejected by the checker: %s", run_id, violations)
        message = "排程未通过独立校验，未保存 (rejected by the checker): " + "；".join(violations[:5])
        await _write(run_id, token, state=RunState.FAILED, error=name_ids(message, names), **finished)
        return
    if not await _write(run_id, token, state=RunState.DONE, solution=solution_to_dict(solution), **finished):
        log.warning("schedule run %s: lease lost before the result was written; dropped", run_id)
