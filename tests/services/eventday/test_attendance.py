"""Attendance rules: not before the slot, either side, the organizer's correction, the audit
trail and the held-listeners hook."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import (AuditLog, FinancingLead, FinancingNeed, LeadLink, Meeting, MeetingState, NeedStatus)
from matchmaker.services.eventday import attendance
from tests.services.eventday.day import publish
from tests.services.scheduling.factories import seeded_event


async def _first_meeting(version, enterprise) -> Meeting:
    return await Meeting.filter(version=version, enterprise=enterprise).order_by("starts_at").first()


async def test_a_meeting_cannot_be_marked_before_its_slot_begins_and_nothing_is_written(client, make_organization):
    seeded = await seeded_event(make_organization)
    version = await publish(seeded)
    meeting = await _first_meeting(version, seeded.enterprises[0])
    user = seeded.organizer  # any user; the rule fails first

    with pytest.raises(InvalidInput) as refused:
        await attendance.mark_by_participant(seeded.event, meeting.pk, organization=seeded.enterprises[0],
                                             mark="held", by=user, now=meeting.starts_at - timedelta(minutes=1))

    assert refused.value.problems == {"mark": "洽谈尚未开始，开始后才能登记到场情况"}
    fresh = await Meeting.get(id=meeting.pk)
    assert (fresh.state, fresh.attendance_by_id, fresh.attendance_at) == (MeetingState.PLANNED, None, None)
    assert not await AuditLog.filter(action__startswith="meeting.attendance").exists()


async def test_either_side_marks_held_or_no_show_with_who_and_when_audited(client, make_organization):
    seeded = await seeded_event(make_organization)
    version = await publish(seeded)
    enterprise, bank = seeded.enterprises[0], seeded.bank
    meeting = await Meeting.filter(version=version, enterprise=enterprise, institution=bank).first()
    enterprise_user = await make_organization("enterprise")
    now = meeting.starts_at

    held = await attendance.mark_by_participant(seeded.event, meeting.pk, organization=enterprise, mark="held",
                                                by=enterprise_user, now=now)
    missed = await attendance.mark_by_participant(seeded.event, meeting.pk, organization=bank, mark="no_show",
                                                  by=seeded.organizer, now=now)

    assert held.state == MeetingState.HELD
    fresh = await Meeting.get(id=meeting.pk)
    assert (fresh.state, fresh.absent_side, fresh.attendance_by_id) == (MeetingState.NO_SHOW, "enterprise",
                                                                        seeded.organizer.pk)
    assert fresh.attendance_at == now and missed.pk == meeting.pk
    logs = await AuditLog.filter(action="meeting.attendance").order_by("id")
    assert [(log.before["state"], log.after["state"], log.after["absent_side"]) for log in logs] == [
        ("planned", "held", ""), ("held", "no_show", "enterprise")]


async def test_another_organization_cannot_mark_the_meeting(client, make_organization):
    seeded = await seeded_event(make_organization)
    version = await publish(seeded)
    meeting = await Meeting.filter(version=version, enterprise=seeded.enterprises[0]).first()
    stranger = seeded.enterprises[1]

    with pytest.raises(NotFound):
        await attendance.mark_by_participant(seeded.event, meeting.pk, organization=stranger, mark="held",
                                             by=seeded.organizer, now=meeting.starts_at)


async def test_the_organizer_corrects_a_mark_and_then_participants_cannot_change_it(client, make_organization):
    seeded = await seeded_event(make_organization)
    version = await publish(seeded)
    meeting = await Meeting.filter(version=version, enterprise=seeded.enterprises[0], institution=seeded.bank).first()
    enterprise_user = await make_organization("enterprise")
    await attendance.mark_by_participant(seeded.event, meeting.pk, organization=seeded.enterprises[0],
                                         mark="no_show", by=enterprise_user, now=meeting.starts_at)

    corrected = await attendance.mark_by_organizer(seeded.event, meeting.pk, mark="held", by=seeded.organizer,
                                                   now=meeting.starts_at)
    with pytest.raises(Conflict):
        await attendance.mark_by_participant(seeded.event, meeting.pk, organization=seeded.enterprises[0],
                                             mark="no_show", by=enterprise_user, now=meeting.starts_at)
    marks = await attendance.agenda_marks(seeded.event, seeded.enterprises[0], [corrected], now=meeting.starts_at)

    assert (corrected.state, corrected.absent_side) == (MeetingState.HELD, "")
    assert marks == {meeting.pk: "locked"}
    assert await AuditLog.filter(action="meeting.attendance.organizer", object_id=str(meeting.pk)).count() == 1
    with pytest.raises(InvalidInput):
        await attendance.mark_by_organizer(seeded.event, meeting.pk, mark="no_show", absent_side="nobody",
                                           by=seeded.organizer, now=meeting.starts_at)


async def test_a_meeting_that_becomes_held_joins_one_financing_lead(client, make_organization):
    seeded = await seeded_event(make_organization)
    version = await publish(seeded)
    meeting = await Meeting.filter(version=version, enterprise=seeded.enterprises[0]).first()

    for _ in range(2):  # marking it held again changes nothing
        await attendance.mark_by_organizer(seeded.event, meeting.pk, mark="held", by=seeded.organizer,
                                           now=meeting.starts_at)

    lead = await FinancingLead.get(enterprise=seeded.enterprises[0], institution_id=meeting.institution_id)
    assert await LeadLink.filter(lead=lead, meeting=meeting).count() == 1
    assert (await FinancingNeed.get(pk=lead.need_id)).status == NeedStatus.IN_TALKS

