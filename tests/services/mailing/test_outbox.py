"""The outbox service on a real database: queueing, leases, outcomes and the organizer's resend."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta, timezone

import pytest
from tortoise.transactions import in_transaction

from matchmaker.errors import NotAllowed, NotFound
from matchmaker.mail.message import message_from_bytes, message_to_bytes
from matchmaker.mail.transport import PermanentDeliveryError, TransientDeliveryError
from matchmaker.models import AuditLog, Organization, OutboxMail, OutboxState, User
from matchmaker.services.mailing import outbox
from matchmaker.services.mailing.outbox import RetryPolicy
from tests.mail.factories import outgoing_mail

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)
DOMAIN = "example.gov.cn"
POLICY = RetryPolicy(base_seconds=10.0, cap_seconds=60.0, max_attempts=3)


def later(seconds: float) -> datetime:
    return NOW + timedelta(seconds=seconds)


async def queue(*numbers: int, now: datetime = NOW, **overrides) -> int:
    return await outbox.enqueue_all([outgoing_mail(n, **overrides) for n in numbers],
                                    domain=DOMAIN, now=now)


# --- queueing ---------------------------------------------------------------------------------


async def test_a_queued_row_holds_the_rendered_message_and_is_due_at_once(db):
    mail = outgoing_mail(1)

    row = await outbox.enqueue(mail.rendered, recipient_email=mail.recipient_email,
                               recipient_name=mail.recipient_name, kind="agenda",
                               idempotency_key="agenda:7:1:1", ics=mail.ics, domain=DOMAIN,
                               event_id=7, now=NOW)

    assert row.state == OutboxState.QUEUED
    assert (row.subject, row.text, row.html) == (mail.rendered.subject, mail.rendered.text,
                                                 mail.rendered.html)
    assert row.ics.encode() == mail.ics
    assert row.message_id.startswith("<") and row.message_id.endswith("@example.gov.cn>")
    assert (row.attempts, row.next_attempt_at, row.created_at) == (0, NOW, NOW)
    assert (row.kind, row.event_id, row.organization_id) == ("agenda", 7, None)


async def test_the_same_idempotency_key_twice_is_one_row_and_no_error(db):
    first = await queue(1, 2)
    again = await queue(1, 2, 3)

    assert (first, again) == (2, 1)
    assert await OutboxMail.all().count() == 3


async def test_enqueue_returns_the_existing_row_for_a_known_key(db):
    mail = outgoing_mail(1)
    kwargs = dict(recipient_email=mail.recipient_email, kind="agenda", idempotency_key="k1",
                  domain=DOMAIN)

    first = await outbox.enqueue(mail.rendered, **kwargs)
    second = await outbox.enqueue(mail.rendered, **kwargs)

    assert second.id == first.id and second.message_id == first.message_id


async def test_a_known_key_inside_the_callers_transaction_keeps_that_transaction_usable(db):
    await queue(1)

    async with in_transaction():
        await queue(1, 2)
        await Organization.create(kind="government", name="同一事务中的写入", is_organizer=True)

    assert await OutboxMail.all().count() == 2
    assert await Organization.filter(name="同一事务中的写入").count() == 1


async def test_rows_queued_in_a_transaction_that_rolls_back_are_not_there(db):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await queue(1, 2)
            raise RuntimeError("publishing failed after queueing")

    assert await OutboxMail.all().count() == 0


async def test_two_messages_with_one_key_in_one_call_is_a_bug(db):
    with pytest.raises(ValueError):
        await outbox.enqueue_all([outgoing_mail(1), outgoing_mail(2, idempotency_key="agenda:7:1:1")],
                                 domain=DOMAIN)


def test_message_ids_use_the_senders_domain():
    assert outbox.message_id_domain("银企对接平台 <noreply@kjj.example.gov.cn>") == "kjj.example.gov.cn"
    assert outbox.message_id_domain("not an address") == "matchmaker.local"


async def test_the_built_message_is_the_frozen_row(db):
    await queue(1)
    row = await OutboxMail.get(idempotency_key="agenda:7:1:1")

    message = message_from_bytes(message_to_bytes(
        outbox.outbox_message(row, sender="银企对接平台 <noreply@example.gov.cn>")))

    assert message["Message-ID"] == row.message_id
    assert message["To"] == "参会方1 <participant1@example.cn>"
    assert message["Subject"] == row.subject
    assert message["Date"] == "Tue, 01 Dec 2026 10:00:00 +0800"  # when it was queued
    attachment = next(message.iter_attachments())
    assert attachment.get_content() == row.ics


# --- claiming -----------------------------------------------------------------------------------


async def test_claim_takes_due_rows_oldest_first_up_to_the_limit(db):
    await queue(1, now=later(-30))
    await queue(2, now=later(-20))
    await queue(3, now=later(-10))
    await queue(4, now=later(60))  # not due yet

    claimed = await outbox.claim_due("w1", limit=2, lease_seconds=300, now=NOW)

    assert [row.recipient_email for row in claimed] == ["participant1@example.cn",
                                                        "participant2@example.cn"]
    assert {row.state for row in claimed} == {OutboxState.SENDING}
    assert {row.lease_expires_at for row in claimed} == {later(300)}
    assert claimed[0].lease_owner.startswith("w1/")


async def test_a_claimed_row_is_not_claimed_again_while_its_lease_runs(db):
    await queue(1, 2, 3)

    first = await outbox.claim_due("w1", limit=2, lease_seconds=300, now=NOW)
    second = await outbox.claim_due("w2", limit=10, lease_seconds=300, now=later(299))

    assert [row.recipient_email for row in second] == ["participant3@example.cn"]
    assert {row.id for row in first}.isdisjoint({row.id for row in second})


async def test_an_expired_lease_returns_the_row_to_the_queue_counting_the_lost_attempt(db):
    await queue(1)
    (lost,) = await outbox.claim_due("w1", limit=1, lease_seconds=300, now=NOW)

    (reclaimed,) = await outbox.claim_due("w2", limit=1, lease_seconds=300, now=later(301))

    assert reclaimed.id == lost.id
    assert reclaimed.message_id == lost.message_id
    assert reclaimed.attempts == 1
    assert reclaimed.lease_owner.startswith("w2/")
    assert "lease expired" in reclaimed.last_error


async def test_a_row_whose_lease_keeps_expiring_ends_dead(db):
    await queue(1)
    for round_number in range(3):
        await outbox.claim_due("w", limit=1, lease_seconds=10, now=later(20 * round_number),
                               max_attempts=3)

    await outbox.claim_due("w", limit=1, lease_seconds=10, now=later(60), max_attempts=3)

    row = await OutboxMail.get(idempotency_key="agenda:7:1:1")
    assert (row.state, row.attempts) == (OutboxState.DEAD, 3)


async def test_on_postgresql_a_claim_skips_rows_another_worker_holds_locked(db, template_database):
    if template_database.backend != "postgres":
        pytest.skip("row locks with SKIP LOCKED exist only on PostgreSQL")
    await queue(1, 2)
    first, second = await OutboxMail.all().order_by("id").values_list("id", flat=True)
    locked, finished = asyncio.Event(), asyncio.Event()

    async def another_worker_mid_claim() -> None:
        async with in_transaction():
            await OutboxMail.filter(id=first).select_for_update()
            locked.set()
            await finished.wait()

    holder = asyncio.create_task(another_worker_mid_claim())
    await locked.wait()
    try:  # a claim that waited for the lock instead of skipping it would time out here
        claimed = await asyncio.wait_for(
            outbox.claim_due("w2", limit=2, lease_seconds=300, now=NOW), timeout=5)
    finally:
        finished.set()
        await holder

    assert [row.id for row in claimed] == [second]


# --- outcomes -------------------------------------------------------------------------------------


async def test_mark_sent_counts_the_attempt_and_clears_the_lease(db):
    await queue(1)
    (row,) = await outbox.claim_due("w1", limit=1, lease_seconds=300, now=NOW)

    await outbox.mark_sent(row, now=later(1))

    stored = await OutboxMail.get(id=row.id)
    assert (stored.state, stored.attempts, stored.sent_at) == (OutboxState.SENT, 1, later(1))
    assert (stored.lease_owner, stored.lease_expires_at) == (None, None)


async def test_a_transient_failure_requeues_within_the_backoff_window(db):
    await queue(1)
    (row,) = await outbox.claim_due("w1", limit=1, lease_seconds=300, now=NOW)

    state = await outbox.mark_failure(row, TransientDeliveryError("451 4.3.0 Try again later"),
                                      policy=POLICY, rng=random.Random(1), now=NOW)

    stored = await OutboxMail.get(id=row.id)
    assert state == stored.state == OutboxState.QUEUED
    assert stored.attempts == 1
    assert NOW <= stored.next_attempt_at <= later(POLICY.base_seconds)
    assert stored.last_error == "451 4.3.0 Try again later"
    assert stored.lease_owner is None


async def test_a_permanent_failure_is_failed_and_never_claimed_again(db):
    await queue(1)
    (row,) = await outbox.claim_due("w1", limit=1, lease_seconds=300, now=NOW)

    state = await outbox.mark_failure(row, PermanentDeliveryError("550 5.1.1 no such user"),
                                      policy=POLICY, rng=random.Random(1), now=NOW)

    assert state == OutboxState.FAILED
    assert await outbox.claim_due("w1", limit=1, lease_seconds=300, now=later(86400)) == []


async def test_transient_failures_up_to_max_attempts_end_dead(db):
    await queue(1)
    states = []
    for hour in range(POLICY.max_attempts):
        (row,) = await outbox.claim_due("w", limit=1, lease_seconds=300, now=later(3600 * hour))
        states.append(await outbox.mark_failure(row, TimeoutError(), policy=POLICY,
                                                rng=random.Random(1), now=later(3600 * hour)))

    assert states == [OutboxState.QUEUED, OutboxState.QUEUED, OutboxState.DEAD]


async def test_a_failure_reported_after_the_lease_was_lost_changes_nothing(db):
    await queue(1)
    (stale,) = await outbox.claim_due("w1", limit=1, lease_seconds=10, now=NOW)
    (current,) = await outbox.claim_due("w2", limit=1, lease_seconds=300, now=later(11))

    await outbox.mark_failure(stale, PermanentDeliveryError("550 late"), policy=POLICY,
                              rng=random.Random(1), now=later(12))

    stored = await OutboxMail.get(id=current.id)
    assert (stored.state, stored.lease_owner) == (OutboxState.SENDING, current.lease_owner)


async def test_released_rows_are_due_again_without_spending_an_attempt(db):
    await queue(1, 2)
    claimed = await outbox.claim_due("w1", limit=2, lease_seconds=300, now=NOW)

    assert await outbox.release(claimed) == 2

    again = await outbox.claim_due("w2", limit=2, lease_seconds=300, now=NOW)
    assert [row.attempts for row in again] == [0, 0]


# --- the organizer's resend -------------------------------------------------------------------------


async def organizer(name: str) -> tuple[Organization, User]:
    organization = await Organization.create(kind="government", name=name, is_organizer=True)
    user = await User.create(email=f"{name}@example.cn", name=name, password_hash="x")
    return organization, user


async def fail(number: int, organization: Organization, error: Exception) -> OutboxMail:
    await queue(number, organization_id=organization.id)
    (row,) = await outbox.claim_due("w", limit=1, lease_seconds=300, now=NOW)
    await outbox.mark_failure(row, error, policy=POLICY, rng=random.Random(1), now=NOW)
    return await OutboxMail.get(id=row.id)


async def test_resend_queues_a_failed_row_again_with_a_fresh_budget_and_an_audit_entry(db):
    ours, chief = await organizer("星河市科技局")
    failed = await fail(1, ours, PermanentDeliveryError("552 mailbox full"))

    row = await outbox.resend(ours, failed.id, by=chief, now=later(5))

    assert (row.state, row.attempts, row.next_attempt_at) == (OutboxState.QUEUED, 0, later(5))
    assert row.message_id == failed.message_id
    entry = await AuditLog.get(action="outbox.resend")
    assert (entry.actor_id, entry.object_id) == (chief.id, str(failed.id))
    assert entry.before["state"] == "failed"


async def test_resend_of_another_organizers_row_is_not_found(db):
    ours, chief = await organizer("星河市科技局")
    theirs, _ = await organizer("邻市金融局")
    leaked = await fail(1, theirs, PermanentDeliveryError("550 no such user"))

    with pytest.raises(NotFound):
        await outbox.resend(ours, leaked.id, by=chief)

    assert (await OutboxMail.get(id=leaked.id)).state == OutboxState.FAILED


async def test_only_failed_or_dead_rows_can_be_resent(db):
    ours, chief = await organizer("星河市科技局")
    await queue(1, organization_id=ours.id)
    row = await OutboxMail.get(idempotency_key="agenda:7:1:1")

    with pytest.raises(NotAllowed):
        await outbox.resend(ours, row.id, by=chief)


async def test_resend_all_failed_requeues_only_this_organizers_failures(db):
    ours, chief = await organizer("星河市科技局")
    theirs, _ = await organizer("邻市金融局")
    await fail(1, ours, PermanentDeliveryError("550 a"))
    await fail(2, ours, PermanentDeliveryError("550 b"))
    other = await fail(3, theirs, PermanentDeliveryError("550 c"))

    count = await outbox.resend_all_failed(ours, by=chief, now=NOW)

    assert count == 2
    assert await OutboxMail.filter(organization_id=ours.id, state=OutboxState.QUEUED).count() == 2
    assert (await OutboxMail.get(id=other.id)).state == OutboxState.FAILED


async def test_summary_counts_every_state_for_this_organizer_only(db):
    ours, _ = await organizer("星河市科技局")
    theirs, _ = await organizer("邻市金融局")
    await fail(1, ours, PermanentDeliveryError("550 5.1.1 no such user"))
    await queue(2, 3, organization_id=ours.id)
    await queue(4, organization_id=theirs.id)

    summary = await outbox.outbox_summary(ours)

    assert summary.counts == {"queued": 2, "sending": 0, "inflight": 0, "sent": 0, "failed": 1, "dead": 0,
                              "in_doubt": 0}
    assert [row.last_error for row in summary.failures] == ["550 5.1.1 no such user"]
    assert len(summary.recent) == 3
