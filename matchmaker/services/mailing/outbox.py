"""The mail outbox: queue messages inside the caller's transaction, lease them to workers, record
what happened, and let the organizer send failed ones again.

A row moves queued -> sending (leased to one worker, in a batch) -> inflight (committed just
before that one message goes to the server) -> sent (committed right after the server accepted
it), or back to queued with a later `next_attempt_at` after a transient failure, or to failed
(permanent) / dead (retries spent).

A worker that dies (SIGKILL, power cut) leaves its batch leased. Once the lease is over, its
`sending` rows return to the queue (the server never saw them), and its one `inflight` row goes
to `in_doubt`: the server may or may not have accepted it, so it is not resent blindly. The
organizer's outbox page lists it to be resent or marked delivered. A kill therefore causes no
duplicate, and nothing is lost silently.

Claiming differs by database:
- PostgreSQL: ``SELECT … FOR UPDATE SKIP LOCKED`` in a transaction, so several workers (in
  several processes) each take different rows without waiting for one another;
- SQLite: one ``UPDATE … WHERE id IN (SELECT … LIMIT n) AND state = 'queued'`` statement. It
  is atomic and takes the write lock at once, so a second process waits on the busy timeout
  instead of failing to upgrade a read transaction; the rows are then read back by the claim's
  own lease token, which is how the worker knows exactly which rows it holds.
"""

from __future__ import annotations

import random
import secrets
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from email.message import EmailMessage
from email.utils import formataddr, parseaddr

from tortoise.expressions import F, Q, Subquery
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from matchmaker.errors import NotAllowed, NotFound
from matchmaker.mail import retry
from matchmaker.mail.compose import RenderedEmail
from matchmaker.mail.message import build_message, new_message_id
from matchmaker.models import Organization, OutboxMail, OutboxState, User
from matchmaker.services.listing import Listing, state_listing
from matchmaker.services.audit import audit
from matchmaker.services.clock import db_time

#: Long replies (a relay's multi-line 5xx) are cut to this many characters in `last_error`.
MAX_ERROR_LENGTH = 1000
RESENDABLE = (OutboxState.FAILED, OutboxState.DEAD, OutboxState.IN_DOUBT)
#: "Resend all failed" leaves out the messages in doubt: each may have arrived, one by one.
FAILED_STATES = (OutboxState.FAILED, OutboxState.DEAD)
LEASED = (OutboxState.SENDING, OutboxState.IN_FLIGHT)
IN_DOUBT_ERROR = ("发送进程在投递途中退出，无法确认对方邮件服务器是否已收到；请核实后重发或标记为已送达 "
                  "(the worker stopped while the server had the message: delivery unknown)")
NO_REPLY_ERROR = ("邮件内容已交给对方邮件服务器，但未收到确认即超时或断开，无法确认是否送达；请核实后重发或标记为已送达 "
                  "(the server took the message data and never confirmed it: delivery unknown)")


# --- queueing -------------------------------------------------------------------------------


@dataclass(frozen=True)
class OutgoingMail:
    """One message to queue: what the caller rendered, for whom, and what it is about.

    `idempotency_key` names the fact the message reports (``agenda:<event>:<participant>:<version>``,
    ``request_received:<request>:<recipient>``); queueing the same key again does nothing.
    `organization_id` is the organizer whose outbox page lists the message.
    """

    rendered: RenderedEmail
    recipient_email: str
    kind: str
    idempotency_key: str
    recipient_name: str = ""
    language: str = "zh"
    ics: bytes | None = None
    organization_id: int | None = None
    event_id: int | None = None


def message_id_domain(sender: str) -> str:
    """The domain of the sender's address, for Message-IDs (``matchmaker.local`` if it has none)."""
    _name, address = parseaddr(sender)
    _local, at, domain = address.rpartition("@")
    return domain.strip() if at and domain.strip() else "matchmaker.local"


async def enqueue(rendered: RenderedEmail, *, recipient_email: str, kind: str, idempotency_key: str,
                  domain: str, recipient_name: str = "", language: str = "zh",
                  ics: bytes | None = None, organization_id: int | None = None,
                  event_id: int | None = None, now: datetime | None = None) -> OutboxMail:
    """Queue one message and return its row; with a known `idempotency_key`, the existing row.

    Runs in the caller's transaction when there is one (call it inside ``in_transaction()``
    to make the message part of the change it reports).
    """
    mail = OutgoingMail(rendered=rendered, recipient_email=recipient_email, kind=kind,
                        idempotency_key=idempotency_key, recipient_name=recipient_name,
                        language=language, ics=ics, organization_id=organization_id,
                        event_id=event_id)
    await enqueue_all([mail], domain=domain, now=now)
    return await OutboxMail.get(idempotency_key=idempotency_key)


async def enqueue_all(mails: Sequence[OutgoingMail], *, domain: str,
                      now: datetime | None = None) -> int:
    """Queue every message whose idempotency key is new; return how many were new.

    One multi-row INSERT … ON CONFLICT DO NOTHING per batch: a key that is already there (or
    that a concurrent caller inserts first) is skipped without an error, which would otherwise
    abort the caller's whole transaction on PostgreSQL. `domain` goes into the Message-IDs
    (see `message_id_domain`). Runs in the caller's transaction when there is one.
    """
    now = db_time(now)
    keys = [mail.idempotency_key for mail in mails]
    if len(set(keys)) != len(keys):
        raise ValueError("two messages in one call share an idempotency key")
    known: set[str] = set()
    for chunk in _chunks(keys, 500):
        known.update(await OutboxMail.filter(idempotency_key__in=chunk)
                     .values_list("idempotency_key", flat=True))
    new_rows = [_row(mail, domain=domain, now=now) for mail in mails
                if mail.idempotency_key not in known]
    if new_rows:
        await OutboxMail.bulk_create(new_rows, batch_size=500, ignore_conflicts=True)
    return len(new_rows)


def _row(mail: OutgoingMail, *, domain: str, now: datetime) -> OutboxMail:
    return OutboxMail(
        idempotency_key=mail.idempotency_key, kind=mail.kind,
        organization_id=mail.organization_id, event_id=mail.event_id,
        recipient_email=mail.recipient_email, recipient_name=mail.recipient_name,
        language=mail.language, subject=mail.rendered.subject, text=mail.rendered.text,
        html=mail.rendered.html, ics=mail.ics.decode("utf-8") if mail.ics is not None else None,
        message_id=new_message_id(domain), state=OutboxState.QUEUED, attempts=0,
        next_attempt_at=now, created_at=now,
    )


def _chunks(items: Sequence[str], size: int) -> list[Sequence[str]]:
    return [items[start:start + size] for start in range(0, len(items), size)]


def recipient_display(row: OutboxMail) -> str:
    """``星河联网人 <bank6@example.cn>`` as a person reads it (the header is RFC 2047-encoded)."""
    return f"{row.recipient_name} <{row.recipient_email}>" if row.recipient_name else row.recipient_email


def recipient_header(row: OutboxMail) -> str:
    """``张三 <zhangsan@example.cn>`` (RFC 2047-encoded when sent), or the bare address."""
    return formataddr((row.recipient_name, row.recipient_email)) if row.recipient_name \
        else row.recipient_email


def outbox_message(row: OutboxMail, *, sender: str) -> EmailMessage:
    """The message exactly as the recipient gets it: every send of a row carries the same
    Message-ID, Date, bodies and calendar, because all of them were frozen at insert."""
    rendered = RenderedEmail(subject=row.subject, text=row.text, html=row.html)
    return build_message(rendered, sender=sender, recipient=recipient_header(row),
                         message_id=row.message_id, date=row.created_at,
                         calendar=row.ics.encode("utf-8") if row.ics is not None else None)


# --- the worker's side: claim, then record the outcome ---------------------------------------


@dataclass(frozen=True)
class RetryPolicy:
    """`retry.after_failure`'s knobs; tests and the benchmark shorten the waits."""

    base_seconds: float = retry.BASE_DELAY_SECONDS
    cap_seconds: float = retry.MAX_DELAY_SECONDS
    max_attempts: int = retry.MAX_ATTEMPTS


async def requeue_expired_leases(*, now: datetime, max_attempts: int = retry.MAX_ATTEMPTS) -> int:
    """Rows whose worker died: those never handed to the server go back to the queue, due at
    once; the one in flight goes to `in_doubt` (never resent without the organizer). Return how
    many rows changed.

    The lost attempt counts (a message that crashes its worker every time must end up dead,
    not loop forever).
    """
    now = db_time(now)
    doubtful = await OutboxMail.filter(state=OutboxState.IN_FLIGHT, lease_expires_at__lt=now).update(
        state=OutboxState.IN_DOUBT, lease_owner=None, lease_expires_at=None, attempts=F("attempts") + 1,
        last_error=IN_DOUBT_ERROR)
    expired = OutboxMail.filter(state=OutboxState.SENDING, lease_expires_at__lt=now)
    error = "发送进程退出，未投递的邮件已重新排队 (lease expired: the worker stopped before sending it)"
    released = {"lease_owner": None, "lease_expires_at": None, "attempts": F("attempts") + 1,
                "last_error": error}
    dead = await expired.filter(attempts__gte=max_attempts - 1).update(
        state=OutboxState.DEAD, **released)
    requeued = await expired.update(state=OutboxState.QUEUED, next_attempt_at=now, **released)
    return doubtful + dead + requeued


async def claim_due(worker_id: str, *, limit: int, lease_seconds: float,
                    now: datetime | None = None,
                    max_attempts: int = retry.MAX_ATTEMPTS) -> list[OutboxMail]:
    """Lease up to `limit` due queued rows to `worker_id`, oldest first; return them.

    Expired leases are returned to the queue first. The rows come back in `sending` with a
    lease token in `lease_owner` that `mark_sent` / `mark_failure` / `release` check.
    """
    now = db_time(now)
    # An idle worker polls every second or so: look before taking SQLite's write lock.
    if not await OutboxMail.filter(Q(state=OutboxState.QUEUED, next_attempt_at__lte=now)
                                   | Q(state__in=LEASED, lease_expires_at__lt=now)).exists():
        return []
    await requeue_expired_leases(now=now, max_attempts=max_attempts)
    token = f"{worker_id}/{secrets.token_hex(4)}"
    lease = {"state": OutboxState.SENDING, "lease_owner": token,
             "lease_expires_at": now + timedelta(seconds=lease_seconds)}
    due = (OutboxMail.filter(state=OutboxState.QUEUED, next_attempt_at__lte=now)
           .order_by("next_attempt_at", "id").limit(limit))
    if due.capabilities.support_for_update:  # PostgreSQL (and MySQL): lock, skip the locked
        async with in_transaction():
            # Rows, not values_list(): Tortoise drops FOR UPDATE from a values query.
            locked = await due.only("id").select_for_update(skip_locked=True)
            ids = [row.id for row in locked]
            if ids:
                await OutboxMail.filter(id__in=ids, state=OutboxState.QUEUED).update(**lease)
    else:  # SQLite: one atomic statement
        await OutboxMail.filter(id__in=Subquery(due.values("id")),
                                state=OutboxState.QUEUED).update(**lease)
    return await OutboxMail.filter(lease_owner=token, state=OutboxState.SENDING).order_by(
        "next_attempt_at", "id")


async def hand_over(row: OutboxMail, *, sent: OutboxMail | None = None, now: datetime | None = None) -> bool:
    """Commit `row` in flight just before it goes to the server (and, in the same transaction,
    the previous message `sent`, which the server accepted a moment ago). False when the lease
    was lost meanwhile: then another worker has the row, and this one must not send it."""
    now = db_time(now)
    async with in_transaction():
        if sent is not None:
            await mark_sent(sent, now=now)
        return bool(await OutboxMail.filter(id=row.id, state=OutboxState.SENDING, lease_owner=row.lease_owner)
                    .update(state=OutboxState.IN_FLIGHT))


async def mark_in_doubt(row: OutboxMail, *, reason: str = IN_DOUBT_ERROR) -> int:
    """The worker lost track of a message in flight (cancelled mid-send: as after a kill), or the
    server took its data and never answered (`reason` then says so)."""
    return await OutboxMail.filter(id=row.id, state=OutboxState.IN_FLIGHT, lease_owner=row.lease_owner).update(
        state=OutboxState.IN_DOUBT, lease_owner=None, lease_expires_at=None, attempts=row.attempts + 1,
        last_error=describe_error(reason))


async def mark_sent(row: OutboxMail, *, now: datetime | None = None) -> None:
    """The server accepted the message.

    Recorded even if the lease was lost meanwhile: the message did go out, and leaving the
    row queued would only send it once more.
    """
    now = db_time(now)
    await OutboxMail.filter(id=row.id).exclude(state=OutboxState.SENT).update(
        state=OutboxState.SENT, attempts=row.attempts + 1, sent_at=now, lease_owner=None,
        lease_expires_at=None)


async def mark_failure(row: OutboxMail, error: BaseException, *, policy: RetryPolicy,
                       rng: random.Random, now: datetime | None = None) -> OutboxState:
    """Record a failed attempt: retry later (queued), or stop (failed / dead); return the state.

    Does nothing if the row's lease was lost meanwhile (another worker has it now).
    """
    now = db_time(now)
    attempts = row.attempts + 1
    outcome = retry.after_failure(error, attempts=attempts, now=now, rng=rng,
                                  max_attempts=policy.max_attempts, base=policy.base_seconds,
                                  cap=policy.cap_seconds)
    state = OutboxState(outcome.state)
    await OutboxMail.filter(id=row.id, state__in=LEASED, lease_owner=row.lease_owner).update(
        state=state, attempts=attempts, next_attempt_at=outcome.next_attempt_at or now,
        lease_owner=None, lease_expires_at=None, last_error=describe_error(error))
    return state


async def release(rows: Sequence[OutboxMail]) -> int:
    """Give claimed rows back untried (the worker is stopping, or pausing for the relay)."""
    released = 0
    for row in rows:
        released += await OutboxMail.filter(
            id=row.id, state=OutboxState.SENDING, lease_owner=row.lease_owner
        ).update(state=OutboxState.QUEUED, lease_owner=None, lease_expires_at=None)
    return released


def describe_error(error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return text if len(text) <= MAX_ERROR_LENGTH else text[:MAX_ERROR_LENGTH - 1] + "…"


# --- the organizer's side --------------------------------------------------------------------


async def outbox_row(organization: Organization, mail_id: int) -> OutboxMail:
    """One message of `organization`'s outbox; NotFound for another tenant's (nothing leaks)."""
    row = await OutboxMail.get_or_none(id=mail_id, organization_id=organization.id)
    if row is None:
        raise NotFound()
    return row


async def resend(organization: Organization, mail_id: int, *, by: User,
                 now: datetime | None = None) -> OutboxMail:
    """Queue a failed, dead or in-doubt message again, due now, with a fresh retry budget.

    It goes out unchanged (same Message-ID): the organizer resends after fixing what was wrong
    on the other side (a full mailbox, a relay that refused it), or after learning that a message
    in doubt did not arrive.
    """
    now = db_time(now)
    async with in_transaction():
        row = await outbox_row(organization, mail_id)
        if row.state not in RESENDABLE:
            raise NotAllowed("只能重发发送失败或无法确认送达的邮件 (only failed or in-doubt messages can be resent)")
        before = {"state": str(row.state), "attempts": row.attempts, "last_error": row.last_error}
        await OutboxMail.filter(id=row.id, state__in=RESENDABLE).update(
            state=OutboxState.QUEUED, attempts=0, next_attempt_at=now)
        await audit(by, "outbox.resend", row, organization=organization, before=before,
                    after={"state": str(OutboxState.QUEUED)})
    await row.refresh_from_db()
    return row


async def mark_delivered(organization: Organization, mail_id: int, *, by: User,
                         now: datetime | None = None) -> OutboxMail:
    """The organizer confirmed that a message in doubt arrived (the recipient has it): sent,
    never resent. Audited with who said so."""
    now = db_time(now)
    async with in_transaction():
        row = await outbox_row(organization, mail_id)
        if row.state != OutboxState.IN_DOUBT:
            raise NotAllowed("只能确认无法确认送达的邮件 (only messages in doubt can be marked delivered)")
        await OutboxMail.filter(id=row.id, state=OutboxState.IN_DOUBT).update(state=OutboxState.SENT, sent_at=now)
        await audit(by, "outbox.mark_delivered", row, organization=organization,
                    before={"state": str(row.state), "last_error": row.last_error},
                    after={"state": str(OutboxState.SENT)})
    await row.refresh_from_db()
    return row


async def resend_all_failed(organization: Organization, *, by: User,
                            now: datetime | None = None) -> int:
    """Queue every failed or dead message of `organization` again; return how many."""
    now = db_time(now)
    async with in_transaction():
        count = await OutboxMail.filter(organization_id=organization.id,
                                        state__in=FAILED_STATES).update(
            state=OutboxState.QUEUED, attempts=0, next_attempt_at=now)
        if count:
            await audit(by, "outbox.resend_all", organization=organization,
                        after={"requeued": count})
    return count


@dataclass(frozen=True)
class OutboxSummary:
    counts: dict[str, int]  # every state, zero included
    failures: list[OutboxMail]  # failed, dead and in doubt, newest first
    recent: list[OutboxMail]  # the latest messages of any state


async def outbox_summary(organization: Organization, *, recent: int = 50,
                         failures: int = 200) -> OutboxSummary:
    """What the organizer's outbox page shows, for `organization`'s rows only."""
    mine = OutboxMail.filter(organization_id=organization.id)
    counts = {str(state): 0 for state in OutboxState}
    for state, count in await _count_by_state(organization.id):
        counts[str(state)] = count
    failed = await mine.filter(state__in=RESENDABLE).order_by("-id").limit(failures)
    latest = await mine.order_by("-id").limit(recent)
    return OutboxSummary(counts=counts, failures=list(failed), recent=list(latest))


async def outbox_listing(organization: Organization, *, state: object = "", page: object = 1) -> Listing:
    """`organization`'s mail, newest first, one page, filtered by state, with each state's count."""
    return await state_listing(OutboxMail.filter(organization_id=organization.id),
                               states=[s.value for s in OutboxState], state=state, page=page, order_by=("-id",))


async def mail_by_state() -> dict[str, int]:
    """Outbox rows of every organization by state (every state present, 0 when none): /metrics."""
    counts = dict.fromkeys((s.value for s in OutboxState), 0)
    for state, n in await OutboxMail.all().annotate(n=Count("id")).group_by("state").values_list("state", "n"):
        counts[str(state)] = n
    return counts


async def _count_by_state(organization_id: int) -> list[tuple[str, int]]:
    return await (OutboxMail.filter(organization_id=organization_id)
                  .annotate(n=Count("id")).group_by("state").values_list("state", "n"))
