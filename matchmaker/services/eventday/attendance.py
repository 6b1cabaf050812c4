"""Attendance per meeting (DESIGN §3): a meeting of the published schedule ends held or no-show.

Either side's representative marks their own meeting from the agenda page: 已洽谈 (held) or
对方未到 (the counterpart did not come); the organizer's members (and its event staff) set or
correct any meeting from the live board, and may put it back to planned. No meeting is marked
before its slot begins. Every mark records who and when and is written to the audit trail; once
the organizer has set a meeting, the participants' marks no longer change it.

A meeting that *becomes* held joins its financing lead (`outcomes.leads.attach_meeting`) inside
the marking transaction, so the lead commits or fails with the mark itself.
"""

from __future__ import annotations

from datetime import datetime

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import Event, Meeting, MeetingState, Membership, Organization, User, VersionState
from matchmaker.services.audit import audit
from matchmaker.services.clock import utc_now
from matchmaker.services.outcomes.leads import attach_meeting
from matchmaker.services.tenancy import row_id

SIDES = ("enterprise", "institution", "both")
MARKS = {"held": MeetingState.HELD, "no_show": MeetingState.NO_SHOW, "planned": MeetingState.PLANNED}
SIDE_LABELS = {"enterprise": "企业未到", "institution": "机构未到", "both": "双方未到"}


async def published_meeting(event: Event, meeting_id: object) -> Meeting:
    """A meeting of the event's published schedule; anything else answers 404."""
    meeting = await Meeting.get_or_none(id=row_id(meeting_id), event=event, version__state=VersionState.PUBLISHED)
    if meeting is None:
        raise NotFound()
    return meeting


def _started(meeting: Meeting, now: datetime) -> None:
    if now < meeting.starts_at:
        raise InvalidInput({"mark": "洽谈尚未开始，开始后才能登记到场情况"},
                           message="洽谈尚未开始，开始后才能登记到场情况")


async def _set_by_organizer(meeting: Meeting) -> bool:
    if meeting.attendance_by_id is None:
        return False
    membership = await Membership.get_or_none(user_id=meeting.attendance_by_id).prefetch_related("organization")
    return membership is not None and membership.organization.is_organizer


async def _record(meeting: Meeting, state: MeetingState, absent_side: str, by: User | None, now: datetime,
                  action: str) -> Meeting:
    before = {"state": meeting.state.value, "absent_side": meeting.absent_side}
    became_held = state == MeetingState.HELD and meeting.state != MeetingState.HELD
    async with in_transaction():
        meeting.state, meeting.absent_side = state, absent_side
        meeting.attendance_by = by if state != MeetingState.PLANNED else None
        meeting.attendance_at = now if state != MeetingState.PLANNED else None
        await meeting.save(update_fields=["state", "absent_side", "attendance_by_id", "attendance_at"])
        await audit(by, action, meeting, before=before, after={"state": state.value, "absent_side": absent_side})
        if became_held:
            await attach_meeting(meeting, by=by)
    return meeting


async def mark_by_participant(event: Event, meeting_id: object, *, organization: Organization, mark: str,
                              by: User | None, now: datetime | None = None) -> Meeting:
    """`organization`'s representative marks one of its meetings `held` or `no_show` (the
    counterpart did not come). Another organization's meeting answers 404."""
    meeting = await published_meeting(event, meeting_id)
    if organization.pk not in (meeting.enterprise_id, meeting.institution_id):
        raise NotFound()
    if mark not in ("held", "no_show"):
        raise InvalidInput({"mark": "请选择“已洽谈”或“对方未到”"})
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict("该洽谈已取消 (meeting cancelled)")
    now = now or utc_now()
    _started(meeting, now)
    if await _set_by_organizer(meeting):
        raise Conflict("组织方已登记该洽谈的到场情况，如需更正请联系组织方 (set by the organizer)")
    own_side = "enterprise" if organization.pk == meeting.enterprise_id else "institution"
    absent = "" if mark == "held" else ("institution" if own_side == "enterprise" else "enterprise")
    return await _record(meeting, MARKS[mark], absent, by, now, "meeting.attendance")


async def mark_by_organizer(event: Event, meeting_id: object, *, mark: str, absent_side: str = "",
                            by: User | None, now: datetime | None = None) -> Meeting:
    """The organizer sets or corrects any meeting of the published schedule: held, no-show with
    the absent side, or back to planned."""
    meeting = await published_meeting(event, meeting_id)
    if mark not in MARKS:
        raise InvalidInput({"mark": "请选择到场情况"})
    if mark == "no_show" and absent_side not in SIDES:
        raise InvalidInput({"absent_side": "请选择哪一方未到"})
    if meeting.state == MeetingState.CANCELLED:
        raise Conflict("该洽谈已取消 (meeting cancelled)")
    now = now or utc_now()
    if mark != "planned":
        _started(meeting, now)
    return await _record(meeting, MARKS[mark], absent_side if mark == "no_show" else "", by, now,
                         "meeting.attendance.organizer")


async def agenda_marks(event: Event, organization: Organization, meetings: list[Meeting], *,
                       now: datetime | None = None) -> dict[int, str]:
    """Per meeting id of `organization`'s agenda: "open" (may be marked now), "later" (not begun),
    "locked" (set by the organizer) or "" (cancelled)."""
    now = now or utc_now()
    result: dict[int, str] = {}
    for meeting in meetings:
        if meeting.state == MeetingState.CANCELLED:
            result[meeting.pk] = ""
        elif now < meeting.starts_at:
            result[meeting.pk] = "later"
        elif await _set_by_organizer(meeting):
            result[meeting.pk] = "locked"
        else:
            result[meeting.pk] = "open"
    return result
