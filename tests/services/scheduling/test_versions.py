"""The scheduling use cases on a small seeded event, on the real database."""

from __future__ import annotations

import asyncio

import pytest

from matchmaker.errors import Conflict, InvalidInput
from matchmaker.models import (
    AuditLog,
    Meeting,
    MeetingRequest,
    MeetingState,
    OutboxMail,
    RequestState,
    RunKind,
    RunState,
    ScheduleVersion,
    VersionState,
)
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.scheduling.solver_runs import wait_for_run
from matchmaker.solver.check import check_meetings
from matchmaker.solver.problem import parse_problem
from matchmaker.solver.solution import Meeting as SolverMeeting
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event


async def _draft(seeded, **kwargs) -> ScheduleVersion:
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer,
                                                        time_limit=SOLVE_SECONDS, **kwargs))
    assert run.state == RunState.DONE, run.error
    return await scheduling.save_draft(run, by=seeded.organizer)


async def _meetings(version: ScheduleVersion) -> list[Meeting]:
    return await Meeting.filter(version=version).order_by("id")


async def test_a_run_solves_records_progress_and_saves_a_checked_numbered_draft(client, make_organization):
    seeded = await seeded_event(make_organization)

    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    first = await scheduling.save_draft(run, by=seeded.organizer)
    second = await _draft(seeded)

    assert run.state == RunState.DONE and run.finished_at is not None and run.error == ""
    assert run.progress[0]["phase"] == "construct" and run.progress[-1]["phase"] == "done"
    assert set(run.progress[-1]) == {"seconds", "objective", "bound", "phase"}
    # 4 enterprises × (bank + guarantor) = 8 requests; 6 slots and 3 tables hold them all
    assert run.solution["objective"] == 4 * (15 + 10) + 4 * 10
    assert (first.number, second.number) == (1, 2)
    assert first.state == VersionState.DRAFT and first.objective == 140
    meetings = await _meetings(first)
    assert len(meetings) == 8
    assert all(m.request_id is not None and m.state == MeetingState.PLANNED and not m.locked for m in meetings)
    placed = [SolverMeeting(f"E{m.enterprise_id}", f"I{m.institution_id}", m.slot, m.table) for m in meetings]
    assert check_meetings(parse_problem(run.problem), placed) == []


async def test_saving_the_same_run_twice_returns_the_same_draft(client, make_organization):
    seeded = await seeded_event(make_organization)
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))

    first = await scheduling.save_draft(run, by=seeded.organizer)
    again = await scheduling.save_draft(run, by=seeded.organizer)

    assert again.pk == first.pk
    assert await ScheduleVersion.filter(event=seeded.event).count() == 1


async def test_a_time_limit_outside_one_to_600_seconds_is_refused(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)

    with pytest.raises(InvalidInput) as refused:
        await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=0)

    assert refused.value.problems == {"time_limit": "求解时间须在 1–600 秒之间"}


async def test_locked_meetings_of_the_working_draft_are_kept_by_the_next_run(client, make_organization):
    seeded = await seeded_event(make_organization)
    draft = await _draft(seeded)
    pinned = (await _meetings(draft))[0]
    await scheduling.lock_meeting(draft, pinned.pk, locked=True, by=seeded.organizer)

    next_draft = await _draft(seeded, seed=7)

    kept = await Meeting.get(version=next_draft, enterprise_id=pinned.enterprise_id,
                             institution_id=pinned.institution_id)
    assert (kept.slot, kept.table, kept.locked) == (pinned.slot, pinned.table, True)


async def test_moving_into_an_occupied_table_is_refused_naming_who_is_there(client, make_organization):
    seeded = await seeded_event(make_organization)
    draft = await _draft(seeded)
    at_guarantor = [m for m in await _meetings(draft) if m.institution_id == seeded.guarantor.pk]
    moving, occupant = at_guarantor[0], at_guarantor[1]
    occupant_name = next(e.name for e in seeded.enterprises if e.pk == occupant.enterprise_id)

    with pytest.raises(InvalidInput) as refused:
        await scheduling.move_meeting(draft, moving.pk, slot=occupant.slot, table=1, by=seeded.organizer)

    when = occupant.starts_at.astimezone(SHANGHAI).strftime("%m-%d %H:%M")
    assert f"星河担保第 1 桌在 {when} 已安排{occupant_name}" in refused.value.problems["slot"]
    unchanged = await Meeting.get(id=moving.pk)
    assert (unchanged.slot, unchanged.locked) == (moving.slot, False)


async def test_moving_into_a_free_slot_is_saved_locked_and_checked(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    draft = await _draft(seeded)
    meeting = (await _meetings(draft))[0]
    busy = {m.slot for m in await _meetings(draft)}
    free = next(s for s in ("d1-0900", "d1-0920", "d1-0940", "d1-1400", "d1-1420", "d1-1440") if s not in busy)

    moved = await scheduling.move_meeting(draft, meeting.pk, slot=free, table=None, by=seeded.organizer)

    stored = await Meeting.get(id=meeting.pk)
    assert (stored.slot, stored.table, stored.locked) == (free, 1, True)
    assert moved.starts_at.isoformat().startswith("2026-12-08T")
    assert await AuditLog.filter(action="schedule.meeting.move").count() == 1


async def test_a_published_version_cannot_be_edited(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    draft = await _draft(seeded)
    await scheduling.publish_version(draft, by=seeded.organizer, replaces=None)

    with pytest.raises(Conflict):
        await scheduling.lock_meeting(draft, (await _meetings(draft))[0].pk, locked=True, by=seeded.organizer)


async def test_compare_lists_added_moved_and_cancelled_meetings_per_participant(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=2)
    first = await _draft(seeded)
    second = await _draft(seeded)
    one, two = seeded.enterprises
    # The second draft: one's guarantor meeting is gone, two's bank meeting moves table.
    await Meeting.filter(version=second, enterprise_id=one.pk, institution_id=seeded.guarantor.pk).update(
        state=MeetingState.CANCELLED)
    bank_meeting = await Meeting.get(version=second, enterprise_id=two.pk, institution_id=seeded.bank.pk)
    bank_meeting.table = 3 - bank_meeting.table
    await bank_meeting.save()

    changes = {c.organization.name: c.summary() for c in await scheduling.compare_versions(first, second)}

    assert changes == {
        one.name: {"added": 0, "moved": 0, "cancelled": 1},
        two.name: {"added": 0, "moved": 1, "cancelled": 0},
        "星河银行": {"added": 0, "moved": 1, "cancelled": 0},
        "星河担保": {"added": 0, "moved": 0, "cancelled": 1},
    }


async def test_publishing_numbers_versions_supersedes_the_old_one_and_reports_changes(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=2)
    first = await _draft(seeded)
    second = await _draft(seeded)
    two = seeded.enterprises[1]
    await Meeting.filter(version=second, enterprise_id=two.pk, institution_id=seeded.guarantor.pk).update(
        state=MeetingState.CANCELLED)

    v1_changes = await scheduling.publish_version(first, by=seeded.organizer, replaces=None)
    v2_changes = await scheduling.publish_version(second, by=seeded.organizer, replaces=1)

    assert len(v1_changes) == 4  # everyone with a meeting gets the first agenda
    assert sorted(c.organization_id for c in v2_changes) == sorted([two.pk, seeded.guarantor.pk])
    await first.refresh_from_db()
    await second.refresh_from_db()
    assert (first.state, first.published_number) == (VersionState.SUPERSEDED, 1)
    assert (second.state, second.published_number) == (VersionState.PUBLISHED, 2)


async def test_publishing_the_same_draft_twice_is_a_no_op(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    draft = await _draft(seeded)

    first = await scheduling.publish_version(draft, by=seeded.organizer, replaces=None)
    again = await scheduling.publish_version(draft, by=seeded.organizer, replaces=None)

    assert (len(first), again) == (3, [])  # the enterprise, the bank and the guarantor
    assert await AuditLog.filter(action="schedule.publish").count() == 1
    assert await OutboxMail.filter(kind="agenda").count() == 3  # one member each, mailed once


async def test_two_organizers_publishing_at_once_one_wins_and_the_other_is_told(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    mine, theirs = await _draft(seeded), await _draft(seeded)

    results = await asyncio.gather(
        scheduling.publish_version(mine, by=seeded.organizer, replaces=None),
        scheduling.publish_version(theirs, by=seeded.organizer, replaces=None),
        return_exceptions=True)

    conflicts = [r for r in results if isinstance(r, Conflict)]
    assert len(conflicts) == 1 and "已被其他组织者发布" in conflicts[0].message
    assert conflicts[0].status_code == 409
    assert await ScheduleVersion.filter(event=seeded.event, state=VersionState.PUBLISHED).count() == 1
    assert await ScheduleVersion.filter(event=seeded.event, published_number=1).count() == 1


async def test_repair_after_a_cancellation_keeps_every_unaffected_meeting(client, make_organization):
    seeded = await seeded_event(make_organization)
    published = await _draft(seeded)
    await scheduling.publish_version(published, by=seeded.organizer, replaces=None)
    gone = seeded.enterprises[0]
    await MeetingRequest.filter(event=seeded.event, enterprise=gone).update(state=RequestState.WITHDRAWN)

    run = await wait_for_run(await scheduling.repair_run(seeded.event, published, by=seeded.organizer,
                                                         time_limit=SOLVE_SECONDS))
    repaired = await scheduling.save_draft(run, by=seeded.organizer)
    changes = await scheduling.compare_versions(published, repaired)

    assert run.kind == RunKind.REPAIR and run.state == RunState.DONE
    before = {(m.enterprise_id, m.institution_id): (m.slot, m.table) for m in await _meetings(published)
              if m.enterprise_id != gone.pk}
    after = {(m.enterprise_id, m.institution_id): (m.slot, m.table) for m in await _meetings(repaired)}
    assert after == before
    # Only the cancelled enterprise and its two institutions are told.
    assert sorted(c.organization_id for c in changes) == sorted([gone.pk, seeded.bank.pk, seeded.guarantor.pk])
    assert all(c.added == [] and c.moved == [] for c in changes)
