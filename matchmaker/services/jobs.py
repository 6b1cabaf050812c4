"""Background jobs (imports, report generation) as rows: create, lease, renew, finish, read.

One table for every kind (`models.BackgroundJob`) and a small registry of kinds
(`services/job_runner.KINDS`): a kind is a name, a Chinese label for the progress page and a
handler kept beside its domain's service (`registry/io/import_job`, `outcomes/workbook_job`,
`reports/report_job`). A handler reports progress and either calls `finish` (for a job that
writes, inside the transaction of its writes) or raises `JobRejected` with the problems to show
(nothing written). Solver runs and the mail outbox keep their own rows.

A job is committed as a row before anyone computes it, so it outlives the web process that
took the upload. Who computes it depends on the process (`configure`, as for solver runs):
in a web process with `[jobs] run_in_web = true` `enqueue` leases it at once and runs it in this
process; otherwise it only leaves the row and a worker (`matchmaker/worker.py`) claims it.

Whoever computes a job holds its lease (`lease_owner`, `lease_expires_at`), renewed while it
runs. A process killed mid-job stops renewing; once the lease is over another takes the job again
from the start, `MAX_ATTEMPTS` tries in all. Only the lease holder may finish the job, and the
finishing write is conditional on the lease, so a job whose apply writes rows (an import) is
applied once: the apply and "done" are one transaction (`finish` inside the import's own).
"""

from __future__ import annotations

import secrets
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

from tortoise.expressions import F, Q

from matchmaker.errors import NotFound
from matchmaker.models import BackgroundJob, JobState, Organization, User
from matchmaker.services.clock import db_time
from matchmaker.services.scheduling.solver_runs import process_id

MAX_ATTEMPTS = 3
#: A finished job (its uploaded file dropped, its report kept for download) is deleted after this.
KEEP_FOR = timedelta(days=7)
INTERRUPTED = "处理被中断：已尝试 {n} 次 (the job was interrupted {n} times)"


class JobRejected(Exception):
    """The job's input is refused: `summary` (e.g. the problems by row and column) is shown."""

    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__(summary.get("message", "rejected"))
        self.summary = summary


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable[[Any], Awaitable[None]]


class _Options:
    in_process = True
    lease_seconds = 30.0


_options = _Options()


class LeaseLost(Exception):
    """This process no longer holds the job's lease: another took it; nothing of ours is kept."""


def configure(*, in_process: bool, lease_seconds: float = 30.0) -> None:
    """Called by the app (web process) and the worker with their settings."""
    _options.in_process = in_process
    _options.lease_seconds = lease_seconds


def lease_seconds() -> float:
    return _options.lease_seconds


async def enqueue(kind: str, *, organization: Organization, by: User | None, payload: bytes | None = None,
                  file_name: str = "", options: dict[str, Any] | None = None) -> BackgroundJob:
    """Commit the job row; in a web process that runs its jobs itself, start it here at once."""
    job = await BackgroundJob.create(kind=kind, organization=organization, created_by=by, payload=payload,
                                     file_name=file_name[:255], options=options or {},
                                     expires_at=db_time() + KEEP_FOR)
    if _options.in_process:
        from matchmaker.services import job_runner  # it imports the domains' kinds, which import us

        await job_runner.start_here(job.pk)
    return job


# -- the lease -------------------------------------------------------------------------------

def _takeable(now) -> Q:
    return Q(state__in=[JobState.QUEUED, JobState.RUNNING]) & (
        Q(lease_owner__isnull=True) | Q(lease_expires_at__lt=now))


async def take(job_id: int) -> str | None:
    """Lease job `job_id` to this process if nobody holds it; the lease token, or None."""
    now = db_time()
    token = f"{process_id()}/{secrets.token_hex(4)}"
    # One conditional UPDATE: of two processes racing for the row, one changes it.
    taken = await BackgroundJob.filter(_takeable(now), id=job_id, attempts__lt=MAX_ATTEMPTS).update(
        state=JobState.RUNNING, lease_owner=token, lease_expires_at=now + timedelta(seconds=_options.lease_seconds),
        attempts=F("attempts") + 1, started_at=now, progress=0.0, progress_label="")
    return token if taken else None


async def claim_next() -> tuple[int, str] | None:
    """The oldest job waiting for a process (new, or its process died), leased to this one.
    Jobs that have used up their attempts are failed instead."""
    now = db_time()
    await BackgroundJob.filter(_takeable(now), attempts__gte=MAX_ATTEMPTS).update(
        state=JobState.FAILED, finished_at=now, lease_owner=None, lease_expires_at=None, payload=None,
        error=INTERRUPTED.format(n=MAX_ATTEMPTS))
    for job_id in await BackgroundJob.filter(_takeable(now)).order_by("id").limit(5).values_list("id", flat=True):
        token = await take(job_id)
        if token is not None:
            return job_id, token
    return None


def _ours(job_id: int, token: str):
    return BackgroundJob.filter(id=job_id, lease_owner=token, state=JobState.RUNNING)


async def renew(job_id: int, token: str, *, progress: float, label: str) -> bool:
    """Extend the lease and record the progress; False when the lease was lost."""
    return bool(await _ours(job_id, token).update(
        lease_expires_at=db_time() + timedelta(seconds=_options.lease_seconds),
        progress=progress, progress_label=label[:100]))


async def release(job_id: int, token: str) -> None:
    """Give the job back at once (this process stops): another takes it without waiting."""
    await _ours(job_id, token).update(lease_owner=None, lease_expires_at=None)


async def _end(job_id: int, token: str, **values: Any) -> None:
    now = db_time()
    if not await _ours(job_id, token).update(finished_at=now, lease_owner=None, lease_expires_at=None, payload=None,
                                             expires_at=now + KEEP_FOR, **values):
        raise LeaseLost(f"job {job_id}")


async def finish(job_id: int, token: str, summary: dict[str, Any], *, file: bytes | None = None,
                 file_name: str = "", media_type: str = "") -> None:
    """Mark the job done with its result. Called inside the transaction of a job's apply, so the
    apply commits with "done" or not at all: LeaseLost (another process has it) rolls both back."""
    await _end(job_id, token, state=JobState.DONE, progress=1.0, result=summary, result_file=file,
               result_name=file_name[:255], result_type=media_type)


async def fail(job_id: int, token: str, *, summary: dict[str, Any] | None = None, error: str = "") -> None:
    """The job ends without effect: refused with `summary` (the problems), or an `error`."""
    await _end(job_id, token, state=JobState.FAILED, result=summary or {}, error=error)


async def forget_expired(now=None) -> int:
    """Finished jobs past `expires_at`, with their reports: the periodic clean-up."""
    return await BackgroundJob.filter(expires_at__lt=db_time(now),
                                      state__in=[JobState.DONE, JobState.FAILED]).delete()


# -- reading ---------------------------------------------------------------------------------

async def job_of(organization: Organization, job_id: object, *, kind_prefix: str = "") -> BackgroundJob:
    """One job of `organization` (optionally of kinds starting with `kind_prefix`); NotFound for
    another organization's, an unknown id or a job already cleaned up."""
    try:
        number = int(str(job_id))
    except ValueError:
        raise NotFound() from None
    job = await BackgroundJob.get_or_none(id=number, organization_id=organization.pk)
    if job is None or not job.kind.startswith(kind_prefix):
        raise NotFound()
    return job
