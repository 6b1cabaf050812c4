"""The worker process, `python -m matchmaker worker`: the background work off the web process.

One asyncio process runs four loops against the database the web processes write to:

- solver runs (and event-day refills, which are repair runs): the run row is the job
  (`services/scheduling/solver_runs`): a new run, or one whose process died (lease run out), is
  leased and computed in a thread, its progress and lease written to the row twice a second,
  so any web process streams it; one run at a time per worker, several workers on PostgreSQL;
- imports and report generation: a `background_job` row is the job (`services/jobs`), leased
  the same way (lease renewed while it runs, at most 3 attempts, only the lease holder may mark it
  done, an import's rows and "done" in one transaction); one job at a time per worker;
- mail delivery: the outbox worker (`services/mailing/worker`), leases per row;
- the periodic jobs that needed cron: request expiry every `[jobs] expire_every_seconds`, the
  next day's meeting reminders (from `[jobs] reminder_hour`, Beijing time) and the financing-lead
  reminders every `[jobs] reminders_every_seconds`. Each is idempotent (an expired request is no
  longer pending, a reminder is keyed by what it reminds of), so two workers or a restart repeat
  nothing;
- its heartbeat: a `worker_heartbeat` row rewritten every `[jobs] heartbeat_seconds` (15 s), by
  which /readyz knows a worker was seen in the last minute (`services/scheduling/workers`).

Every job is a row in the database, so a job outlives the web process that created it, and a
worker killed mid-job (SIGKILL, power cut) leaves it to the next worker once its lease is over.
The web processes run none of this when `[jobs] run_in_web = false`; `serve --with-worker`
starts one worker as a child process (what `make run` does). With `run_in_web = true` (the
default) each web process runs these loops itself (`running_in_web`), the solver in a thread.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import secrets
from collections.abc import AsyncIterator, Awaitable, Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from matchmaker.config import Settings
from matchmaker.mail.compose import SHANGHAI
from matchmaker.services.events.requests import expire_requests
from matchmaker.services import jobs as job_queue
from matchmaker.services import job_runner
from matchmaker.services.mailing.reminders import queue_reminders
from matchmaker.services.mailing.worker import OutboxWorker, worker_from_settings
from matchmaker.services.outcomes.reminders import queue_lead_reminders
from matchmaker.services.scheduling import workers
from matchmaker.services.scheduling import solver_runs

log = logging.getLogger("matchmaker.worker")


async def expire_job(now: datetime) -> str:
    return f"expired={await expire_requests(now)}"


async def forget_jobs(now: datetime) -> str:
    return f"expired_jobs={await job_queue.forget_expired(now)}"


def reminder_job(reminder_hour: int) -> Callable[[datetime], Awaitable[str]]:
    async def run(now: datetime) -> str:
        local = now.astimezone(SHANGHAI)
        queued = 0
        if local.hour >= reminder_hour:  # the day before, from the afternoon on
            queued = await queue_reminders(local.date() + timedelta(days=1))
        return f"reminders={queued} lead_reminders={await queue_lead_reminders(now)}"
    return run


@dataclass
class Periodic:
    name: str
    every: float  # seconds
    run: Callable[[datetime], Awaitable[str]]
    due: float = 0.0  # loop time; 0 = at start


@dataclass
class Worker:
    settings: Settings
    mail: OutboxWorker | None = None
    periodic: list[Periodic] = field(default_factory=list)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _current: tuple[int, str] | None = field(default=None, init=False)  # (run id, lease token)
    _current_job: tuple[int, str] | None = field(default=None, init=False)  # (job id, lease token)
    solved: int = field(default=0, init=False)
    jobs_done: int = field(default=0, init=False)
    worker_id: str = field(default_factory=lambda: f"{solver_runs.process_id()}-{secrets.token_hex(3)}")

    @classmethod
    def from_settings(cls, settings: Settings, *, in_web: bool = False) -> Worker:
        """The worker process's worker, or (`in_web`) the same loops inside a web process that runs
        its jobs itself: there `launch` still computes a new run at once, in this process."""
        solver_runs.configure(in_process=in_web, lease_seconds=settings.jobs_lease_seconds)
        job_queue.configure(in_process=in_web, lease_seconds=settings.jobs_lease_seconds)
        return cls(settings=settings,
                   mail=worker_from_settings(settings) if settings.mail_worker_enabled else None,
                   periodic=[Periodic("expire-requests", settings.jobs_expire_every_seconds, expire_job),
                             Periodic("reminders", settings.jobs_reminders_every_seconds,
                                      reminder_job(settings.jobs_reminder_hour)),
                             Periodic("forget-expired-jobs", settings.jobs_reminders_every_seconds, forget_jobs)])

    async def run(self) -> None:
        """Until `stop()`: the three loops side by side."""
        log.info("worker %s started", solver_runs.process_id())
        loops = [self._solver_loop(), self._jobs_loop(), self._periodic_loop(), self._heartbeat_loop()]
        if self.mail is not None:
            loops.append(self.mail.run())
        try:
            await asyncio.gather(*loops)
        finally:
            if self.mail is not None:
                await self.mail.transport.close()
        log.info("worker %s stopped (%d runs solved)", solver_runs.process_id(), self.solved)

    def stop(self) -> None:
        self._stopping.set()
        if self.mail is not None:
            self.mail.stop()

    @property
    def busy(self) -> bool:
        return self._current is not None or self._current_job is not None

    async def _solver_loop(self) -> None:
        await self._leased_loop("solver run", "solver runs", solver_runs.claim_next, solver_runs.execute,
                                solver_runs.release, slot="_current", counter="solved")

    async def _jobs_loop(self) -> None:
        """Imports and reports, one at a time, as solver runs are."""
        await self._leased_loop("job", "jobs", job_queue.claim_next, job_runner.execute, job_queue.release,
                                slot="_current_job", counter="jobs_done")

    async def _leased_loop(self, what: str, plural: str, claim: Callable[[], Awaitable[tuple[int, str] | None]],
                           execute: Callable[[int, str], Awaitable[None]],
                           release: Callable[[int, str], Awaitable[None]], *, slot: str, counter: str) -> None:
        """Claim one leased row at a time and compute it; asked to stop midway, give it back at once
        for the next worker (its lease would otherwise keep it for up to `lease_seconds`)."""
        while not self._stopping.is_set():
            try:
                claimed = await claim()
            except Exception:
                log.exception("worker: could not look for %s", plural)
                claimed = None
            if claimed is None:
                await self._sleep(self.settings.jobs_poll_seconds)
                continue
            setattr(self, slot, claimed)
            row_id, token = claimed
            log.info("worker: %s %s taken", what, row_id)
            computing = asyncio.ensure_future(execute(row_id, token))
            stopping = asyncio.ensure_future(self._stopping.wait())
            await asyncio.wait({computing, stopping}, return_when=asyncio.FIRST_COMPLETED)
            stopping.cancel()
            if not computing.done():
                computing.cancel()
                with contextlib.suppress(BaseException):
                    await computing
                await release(row_id, token)
                log.info("worker: %s %s given back", what, row_id)
                return
            setattr(self, slot, None)
            setattr(self, counter, getattr(self, counter) + 1)

    async def _heartbeat_loop(self) -> None:
        started = datetime.now(UTC)
        with contextlib.suppress(Exception):  # rows of workers killed long ago
            await workers.forget_older_than(timedelta(days=1))
        while not self._stopping.is_set():
            try:
                await workers.beat(self.worker_id, started_at=started)
            except Exception:
                log.exception("worker: could not write its heartbeat; tried again in %s s",
                              self.settings.jobs_heartbeat_seconds)
            await self._sleep(self.settings.jobs_heartbeat_seconds)
        try:
            await workers.forget(self.worker_id)
        except Exception:
            log.warning("worker: could not remove its heartbeat row; it ages out in a minute")

    async def _periodic_loop(self) -> None:
        loop = asyncio.get_running_loop()
        while not self._stopping.is_set():
            for job in self.periodic:
                if loop.time() >= job.due:
                    job.due = loop.time() + job.every
                    try:
                        log.info("worker: %s %s", job.name, await job.run(datetime.now(UTC)))
                    except Exception:
                        log.exception("worker: periodic job %s failed; tried again in %s s", job.name, job.every)
            await self._sleep(max(0.05, min(job.due for job in self.periodic) - loop.time()))

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


@contextlib.asynccontextmanager
async def running_in_web(settings: Settings, *, grace_seconds: float = 10.0) -> AsyncIterator[Worker]:
    """The worker's loops as a task of a web process for the duration of the block (the app's
    lifespan): on exit the mail in flight gets `grace_seconds`, a run in flight is given back."""
    worker = Worker.from_settings(settings, in_web=True)
    task = asyncio.create_task(worker.run(), name="worker-in-web")
    try:
        yield worker
    finally:
        worker.stop()
        try:
            await asyncio.wait_for(task, timeout=grace_seconds)
        except TimeoutError:
            log.warning("the worker loops did not stop within %s s; cancelled", grace_seconds)
