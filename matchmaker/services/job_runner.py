"""Compute one leased background job (`services/jobs`): its kind's handler, the lease and progress
renewed meanwhile; and the registry of kinds, by name."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from typing import Any

from matchmaker.models import BackgroundJob
from matchmaker.services import jobs as queue
from matchmaker.services.jobs import JobKind, JobRejected
from matchmaker.services.outcomes import workbook_job
from matchmaker.services.registry.io import import_job
from matchmaker.services.reports import report_job

log = logging.getLogger("matchmaker.jobs")

#: Every kind a worker can run.
KINDS: dict[str, JobKind] = {kind.name: kind for kind in (*import_job.KINDS, *report_job.KINDS, *workbook_job.KINDS)}

#: Jobs computed by this process, so that they are not garbage-collected and can be awaited.
_tasks: dict[int, asyncio.Task[None]] = {}


@dataclass
class JobContext:
    """What a handler gets: the job row, a progress setter, and `finish` to call (inside its apply
    transaction, for a job that writes) with the result summary."""

    job: BackgroundJob
    token: str
    progress: float = 0.0
    label: str = ""
    finished: bool = field(default=False, init=False)

    def report(self, progress: float, label: str) -> None:
        """Written with the next lease renewal (a handler never waits for the database for it)."""
        self.progress, self.label = max(0.0, min(progress, 1.0)), label

    async def finish(self, summary: dict[str, Any], *, file: bytes | None = None, file_name: str = "",
                     media_type: str = "") -> None:
        await queue.finish(self.job.pk, self.token, summary, file=file, file_name=file_name,
                           media_type=media_type)
        self.finished = True


async def start_here(job_id: int) -> None:
    """Lease the job to this process and compute it in a task of this event loop."""
    token = await queue.take(job_id)
    if token is None:  # a worker was quicker
        return
    task = asyncio.get_running_loop().create_task(execute(job_id, token), name=f"job-{job_id}")
    _tasks[job_id] = task
    task.add_done_callback(lambda _: _tasks.pop(job_id, None))


async def wait_for(job_id: int) -> BackgroundJob:
    """The job once this process has finished it (tests, command line); else the row as it is."""
    task = _tasks.get(job_id)
    if task is not None:
        await asyncio.shield(task)
    return await BackgroundJob.get(id=job_id)


async def execute(job_id: int, token: str) -> None:
    job = await BackgroundJob.get(id=job_id)
    context = JobContext(job=job, token=token)
    kind = KINDS.get(job.kind)
    if kind is None:
        await queue.fail(job_id, token, error=f"未知的任务类型 {job.kind} (unknown job kind)")
        return
    handler = asyncio.ensure_future(kind.run(context))
    try:
        while True:
            done, _ = await asyncio.wait({handler}, timeout=queue.lease_seconds() / 3)
            if done:
                break
            if not await queue.renew(job_id, token, progress=context.progress, label=context.label):
                if context.finished:  # the renewal waited for the apply that ended the lease: done
                    continue
                log.warning("job %s: lease lost; another process computes it", job_id)
                handler.cancel()
                return
        handler.result()
        if not context.finished:
            raise RuntimeError(f"job kind {job.kind} ended without a result")
    except queue.LeaseLost:
        log.warning("job %s: lease lost before its result was written; dropped", job_id)
    except JobRejected as rejected:
        await _record_failure(job_id, token, summary=rejected.summary)
    except Exception as error:  # the organizer must learn that the job failed, whatever happened
        log.exception("job %s (%s) failed", job_id, job.kind)
        await _record_failure(job_id, token, error=f"处理出错 (error): {error}")
    finally:
        if not handler.done():  # the lease renewal itself failed: stop the handler, as a kill would
            handler.cancel()


async def _record_failure(job_id: int, token: str, **values: Any) -> None:
    try:
        await queue.fail(job_id, token, **values)
    except queue.LeaseLost:
        log.warning("job %s: lease lost before its failure was written", job_id)
