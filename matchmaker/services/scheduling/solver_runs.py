"""Running the pure solver off the event loop and recording what it does in a ScheduleRun row.

The solver is CPU-bound and synchronous, so it runs in a worker thread. Its progress callback
only appends to a list (atomic under the GIL): the event loop writes that list into the run row
at most every PROGRESS_WRITE_INTERVAL seconds, so a fast-improving search cannot flood the
database, and every app process (several behind a load balancer on PostgreSQL) can stream the
progress to the organizer by reading the row. The final solution is re-checked by the
independent checker; a schedule it rejects is never saved.
"""

from __future__ import annotations

import asyncio
import logging
import re
from collections.abc import Callable, Mapping
from datetime import UTC, datetime, timedelta
from typing import Any

from matchmaker.models import RunState, ScheduleRun
from matchmaker.solver.check import check
from matchmaker.solver.problem import Problem
from matchmaker.solver.solution import Solution, solution_to_dict
from matchmaker.solver.solve import ProgressEvent

log = logging.getLogger("matchmaker.scheduling")

PROGRESS_WRITE_INTERVAL = 0.5
#: A run still 'running' this long after its time limit was cut off (the process stopped).
STALE_AFTER = timedelta(seconds=60)

Compute = Callable[[Problem, Callable[[ProgressEvent], None]], Solution]

#: Runs in progress in this process, so that they are not garbage-collected and can be awaited.
_tasks: dict[int, asyncio.Task[None]] = {}


def launch(run: ScheduleRun, problem: Problem, compute: Compute, names: Mapping[str, str]) -> None:
    """Start `compute(problem, on_progress)` for `run` in the background and return at once."""
    task = asyncio.get_running_loop().create_task(_execute(run.pk, problem, compute, names))
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
    now = now or datetime.now(UTC)
    return (run.state == RunState.RUNNING
            and run.started_at + timedelta(seconds=run.time_limit) + STALE_AFTER < now)


def point(event: ProgressEvent) -> dict[str, Any]:
    return {"seconds": event.seconds, "objective": event.objective, "bound": event.bound, "phase": event.phase}


async def _execute(run_id: int, problem: Problem, compute: Compute, names: Mapping[str, str]) -> None:
    events: list[ProgressEvent] = []
    worker = asyncio.ensure_future(asyncio.to_thread(compute, problem, events.append))
    written = 0
    try:
        while True:
            done, _ = await asyncio.wait({worker}, timeout=PROGRESS_WRITE_INTERVAL)
            if len(events) > written:
                written = len(events)
                await ScheduleRun.filter(id=run_id).update(progress=[point(e) for e in events[:written]])
            if done:
                break
        solution = worker.result()
        await _finish(run_id, problem, solution, [point(e) for e in events], names)
    except Exception as error:  # the organizer must learn that the run failed, whatever happened
        log.exception("schedule run %s failed", run_id)
        await ScheduleRun.filter(id=run_id).update(state=RunState.FAILED, finished_at=datetime.now(UTC),
                                                   error=f"求解出错 (solver error): {error}")


async def _finish(run_id: int, problem: Problem, solution: Solution, progress: list[dict[str, Any]],
                  names: Mapping[str, str]) -> None:
    finished = {"finished_at": datetime.now(UTC), "progress": progress}
    if solution.status == "infeasible":
        await ScheduleRun.filter(id=run_id).update(
            state=RunState.FAILED, error=name_ids(f"无法排程 (infeasible): {solution.reason}", names), **finished)
        return
    violations = check(problem, solution)
    if violations:
        log.error("schedule run %s rejected by the checker: %s", run_id, violations)
        message = "排程未通过独立校验，未保存 (rejected by the checker): " + "；".join(violations[:5])
        await ScheduleRun.filter(id=run_id).update(state=RunState.FAILED, error=name_ids(message, names),
                                                   **finished)
        return
    await ScheduleRun.filter(id=run_id).update(state=RunState.DONE, solution=solution_to_dict(solution), **finished)
