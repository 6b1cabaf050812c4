"""The outbox worker: claim due rows, send each over ONE transport, record what happened.

It runs inside the web app (`running_worker`, started by the app's lifespan) or on its own
(`python -m matchmaker send-mail`). Several workers may run against PostgreSQL; against SQLite
they take turns on the database's write lock. The database work lives in
`matchmaker.services.mailing.outbox`; this module only decides what to send when, and how to pause.

Delivery is at-most-once per worker failure, and nothing is dropped silently: a row is committed
in flight before it goes to the server and sent right after the server accepted it, so a worker
killed in between leaves exactly that one row, which goes to `in_doubt` for the organizer to
resend (same Message-ID and calendar SEQUENCE) or mark delivered; every other row of its batch
returns to the queue untouched. The same holds without a kill: a timeout or a dropped connection
after the message data was handed over, before the server's 250 (`UncertainDeliveryError`),
puts the row in doubt rather than back in the queue, since the server may have queued it.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import os
import random
import secrets
import socket
from collections.abc import AsyncIterator
from dataclasses import dataclass, field

from matchmaker.config import Settings
from matchmaker.mail.factory import transport_from_settings
from matchmaker.mail.transport import Transport, UncertainDeliveryError
from matchmaker.models import OutboxMail, OutboxState
from matchmaker.services.mailing import outbox
from matchmaker.services.mailing.outbox import RetryPolicy

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class WorkerOptions:
    batch_size: int = 20
    lease_seconds: float = 900.0  # must outlast a batch: batch_size x the transport's timeout
    poll_seconds: float = 1.0  # idle wait between looks at the queue
    # After a transient failure the worker stops its batch and waits, doubling the wait on each
    # failure in a row up to this cap: with the relay down, trying the next 2,000 rows at once
    # would only spend their retries (and, for a relay that times out, hours).
    pause_cap_seconds: float = 60.0
    retry: RetryPolicy = RetryPolicy()

    @classmethod
    def from_settings(cls, settings: Settings) -> WorkerOptions:
        return cls(batch_size=settings.mail_batch_size, lease_seconds=settings.mail_lease_seconds,
                   poll_seconds=settings.mail_poll_seconds,
                   retry=RetryPolicy(base_seconds=settings.mail_retry_base_seconds,
                                     cap_seconds=settings.mail_retry_cap_seconds,
                                     max_attempts=settings.mail_max_attempts))


@dataclass
class Tally:
    """What a worker did to the rows it tried (one count per attempt)."""

    sent: int = 0
    retrying: int = 0
    failed: int = 0
    dead: int = 0
    in_doubt: int = 0

    def add(self, state: OutboxState) -> None:
        name = {OutboxState.SENT: "sent", OutboxState.QUEUED: "retrying",
                OutboxState.FAILED: "failed", OutboxState.DEAD: "dead",
                OutboxState.IN_DOUBT: "in_doubt"}[state]
        setattr(self, name, getattr(self, name) + 1)

    def __str__(self) -> str:
        return (f"sent={self.sent} retrying={self.retrying} failed={self.failed} dead={self.dead} "
                f"in_doubt={self.in_doubt}")


def new_worker_id() -> str:
    """Host, process and a random suffix: tells apart workers on several machines and restarts."""
    return f"{socket.gethostname()}-{os.getpid()}-{secrets.token_hex(3)}"


@dataclass
class OutboxWorker:
    transport: Transport
    sender: str  # the From header, e.g. "银企对接平台 <noreply@example.gov.cn>"
    options: WorkerOptions = WorkerOptions()
    worker_id: str = field(default_factory=new_worker_id)
    rng: random.Random = field(default_factory=random.SystemRandom)
    tally: Tally = field(default_factory=Tally)
    _stopping: asyncio.Event = field(default_factory=asyncio.Event, init=False, repr=False)
    _failures_in_a_row: int = field(default=0, init=False)

    async def deliver_batch(self) -> int:
        """Claim one batch of due rows and send them; return how many were claimed.

        One message at a time: committed in flight just before it goes to the server, committed
        sent right after the server accepted it (in the same transaction as the next message's
        hand-over). Stops early after a transient failure, or when asked to stop, giving the
        untried rows back to the queue. If the task is cancelled or the database fails
        mid-batch, the rows never handed over go back too, and the one in flight goes to
        `in_doubt` (it may have been accepted): nothing is sent twice without the organizer.
        """
        rows = await outbox.claim_due(self.worker_id, limit=self.options.batch_size,
                                      lease_seconds=self.options.lease_seconds,
                                      max_attempts=self.options.retry.max_attempts)
        pending = list(rows)
        accepted: OutboxMail | None = None  # accepted by the server, not yet committed sent
        in_flight: OutboxMail | None = None
        try:
            while pending and not self._stopping.is_set():
                row = pending.pop(0)
                handed = await outbox.hand_over(row, sent=accepted)
                if accepted is not None:
                    self._recorded_sent()
                    accepted = None
                if not handed:  # the lease was lost: another worker has this row now
                    continue
                in_flight = row
                error = await self._send(row)
                in_flight = None
                if error is None:
                    accepted = row
                elif await self._record_failure(row, error) in (OutboxState.QUEUED, OutboxState.IN_DOUBT):
                    break  # the relay is unwell: pause before the rest of the batch
            if accepted is not None:
                await outbox.mark_sent(accepted)
                self._recorded_sent()
                accepted = None
        except BaseException:
            await asyncio.shield(self._give_back(accepted, in_flight, pending))
            raise
        if pending:
            await outbox.release(pending)
        return len(rows)

    async def _send(self, row: OutboxMail) -> Exception | None:
        try:
            await self.transport.send(outbox.outbox_message(row, sender=self.sender))
        except Exception as error:  # noqa: BLE001 - retry.classify sorts every kind out
            return error
        return None

    def _recorded_sent(self) -> None:
        self._failures_in_a_row = 0
        self.tally.add(OutboxState.SENT)

    async def _record_failure(self, row: OutboxMail, error: Exception) -> OutboxState:
        if isinstance(error, UncertainDeliveryError):  # it may have arrived: never resent blindly
            await outbox.mark_in_doubt(row, reason=f"{outbox.NO_REPLY_ERROR}: {error}")
            state = OutboxState.IN_DOUBT
        else:
            state = await outbox.mark_failure(row, error, policy=self.options.retry, rng=self.rng)
        log.log(logging.INFO if state == OutboxState.QUEUED else logging.WARNING,
                "mail %s to %s: %s -> %s", row.id, row.recipient_email,
                outbox.describe_error(error), state)
        # Only transient failures (and a server that went silent after DATA) say the relay is
        # unwell; a 5xx for one address does not.
        unwell = state in (OutboxState.QUEUED, OutboxState.IN_DOUBT)
        self._failures_in_a_row = self._failures_in_a_row + 1 if unwell else 0
        self.tally.add(state)
        return state

    async def _give_back(self, accepted: OutboxMail | None, in_flight: OutboxMail | None,
                         pending: list[OutboxMail]) -> None:
        """After a cancellation or a database error: record what the server accepted, put the
        message whose fate is unknown in doubt, release the rest. Failures here are logged; rows
        left leased are sorted out the same way when their lease expires."""
        try:
            if accepted is not None:
                await outbox.mark_sent(accepted)
            if in_flight is not None:
                await outbox.mark_in_doubt(in_flight)
            await outbox.release(pending)
        except Exception:
            log.exception("outbox worker %s: could not give back %d rows; they return to the "
                          "queue (or go in doubt) when their lease expires", self.worker_id, len(pending))

    async def run_until_idle(self) -> Tally:
        """Send until no row is due (rows waiting for a retry later are left): `send-mail --once`."""
        while not self._stopping.is_set() and await self.deliver_batch():
            pass
        return self.tally

    async def run(self) -> None:
        """Send until `stop()`: batch after batch, a short sleep when idle, a longer one after
        transient failures. A database error is logged and tried again after the poll interval,
        so a locked or restarting database does not end the worker."""
        log.info("outbox worker %s started", self.worker_id)
        while not self._stopping.is_set():
            try:
                claimed = await self.deliver_batch()
            except asyncio.CancelledError:
                raise
            except Exception:
                log.exception("outbox worker %s: batch failed", self.worker_id)
                claimed = 0
            if self._failures_in_a_row:
                await self._sleep(min(self.options.pause_cap_seconds,
                                      self.options.poll_seconds * 2 ** (self._failures_in_a_row - 1)))
            elif not claimed:
                await self._sleep(self.options.poll_seconds)
        log.info("outbox worker %s stopped (%s)", self.worker_id, self.tally)

    def stop(self) -> None:
        """Finish the message in flight, give the rest of the batch back, and return from `run`."""
        self._stopping.set()

    async def _sleep(self, seconds: float) -> None:
        with contextlib.suppress(TimeoutError):
            await asyncio.wait_for(self._stopping.wait(), timeout=seconds)


def worker_from_settings(settings: Settings) -> OutboxWorker:
    """A worker over the transport the settings describe (.eml files when no SMTP host is set)."""
    transport = transport_from_settings(settings, timeout=settings.mail_timeout_seconds)
    return OutboxWorker(transport=transport, sender=settings.mail_from,
                        options=WorkerOptions.from_settings(settings))


@contextlib.asynccontextmanager
async def running_worker(worker: OutboxWorker, *, grace_seconds: float = 10.0
                         ) -> AsyncIterator[OutboxWorker]:
    """Run `worker` in a background task for the duration of the block (the app's lifespan).

    On exit the worker is asked to stop and given `grace_seconds` to finish the message in
    flight, then cancelled; either way its untried rows go back to the queue.
    """
    task = asyncio.create_task(worker.run(), name=f"outbox-worker-{worker.worker_id}")
    try:
        yield worker
    finally:
        worker.stop()
        try:
            await asyncio.wait_for(task, timeout=grace_seconds)
        except TimeoutError:
            log.warning("outbox worker %s did not stop within %s s; cancelled",
                        worker.worker_id, grace_seconds)
        finally:
            await worker.transport.close()
