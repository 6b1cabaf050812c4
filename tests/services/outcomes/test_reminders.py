"""Lead reminders go through the outbox once each: no intent 3 days after a held meeting, every 30 days
without a stage change, and a stage awaiting the other side's confirmation."""

from __future__ import annotations

from datetime import timedelta

from matchmaker.models import Meeting, MeetingState, OutboxMail, ScheduleVersion, VersionState
from matchmaker.models.outcomes import FinancingLead
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.outcomes import leads
from matchmaker.services.outcomes import reminders
from matchmaker.services.outcomes.reminders import queue_lead_reminders
from matchmaker.services.outcomes.stages import StageDraft
from tests.services.outcomes.factories import accepted_lead


async def test_each_reminder_is_queued_once(db):
    setup = await accepted_lead(days_ago=40)
    version = await ScheduleVersion.create(event=setup.event, number=1, state=VersionState.PUBLISHED)
    met = utc_now() - timedelta(days=4)
    meeting = await Meeting.create(version=version, event=setup.event, enterprise=setup.enterprise,
                                   institution=setup.bank, slot="s1", starts_at=met, ends_at=met, table=1,
                                   state=MeetingState.HELD)
    await leads.attach_meeting(meeting)
    stale = utc_now() - timedelta(days=35)
    await FinancingLead.filter(pk=setup.lead.pk).update(stage_changed_at=db_time(stale))

    first = await queue_lead_reminders()
    again = await queue_lead_reminders()

    keys = sorted(await OutboxMail.filter(idempotency_key__startswith="lead-")
                  .values_list("idempotency_key", flat=True))
    assert (first, again) == (2, 0)
    assert len(keys) == 2
    assert f"lead-intent:{setup.lead.pk}:{meeting.pk}:{setup.bank_user.pk}" in keys
    assert any(k.startswith(f"lead-open:{setup.lead.pk}:") and k.endswith(f":1:{setup.bank_user.pk}") for k in keys)
    intent = await OutboxMail.get(idempotency_key__startswith="lead-intent")
    assert intent.recipient_email == setup.bank_user.email and "请记录与" in intent.subject

    await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="intent", occurred_on=leads.today()),
                             by=setup.bank_user)
    confirm = await queue_lead_reminders()
    assert confirm == 1
    mail = await OutboxMail.get(idempotency_key__startswith="lead-confirm")
    assert mail.recipient_email == setup.enterprise_user.email and "请确认" in mail.subject
    assert await queue_lead_reminders() == 0


async def test_open_leads_are_walked_in_chunks_and_each_reminded_once(db, monkeypatch):
    """A large bank's open leads are read a chunk at a time (here 2): every one is reminded, once,
    across the chunk boundaries, and a later run queues (and renders) nothing again."""
    monkeypatch.setattr(reminders, "CHUNK", 2)
    first = await accepted_lead(days_ago=40)
    others = [await accepted_lead(days_ago=40, bank=first.bank) for _ in range(4)]
    stale = db_time(utc_now() - timedelta(days=35))
    lead_ids = [setup.lead.pk for setup in (first, *others)]
    await FinancingLead.filter(pk__in=lead_ids).update(stage_changed_at=stale)

    members = 5  # each lead's set-up added a member to the bank: every member is reminded of every lead
    assert await queue_lead_reminders() == len(lead_ids) * members
    assert await queue_lead_reminders() == 0
    reminded = {int(key.split(":")[1]) for key in await OutboxMail.filter(
        idempotency_key__startswith="lead-open:").values_list("idempotency_key", flat=True)}
    assert reminded == set(lead_ids)
