"""The enterprise's short word on each meeting it had: 满意度 1–5, whether it goes on, free text,
open from the meeting's start until 14 days after it."""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import Meeting, MeetingState, Organization, User, VersionState
from matchmaker.models.outcomes import MeetingFeedback
from matchmaker.services.audit import audit
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.tenancy import row_id

FEEDBACK_DAYS = 14
CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


@dataclass
class MeetingFeedbackRow:
    meeting: Meeting
    feedback: MeetingFeedback | None
    open: bool


def window_open(meeting: Meeting, now: datetime) -> bool:
    return meeting.starts_at <= now <= meeting.ends_at + timedelta(days=FEEDBACK_DAYS)


async def meetings_for_feedback(enterprise: Organization, *, now: datetime | None = None) -> list[MeetingFeedbackRow]:
    """The enterprise's meetings of published schedules that have begun, newest first, with any feedback."""
    now = now or utc_now()
    meetings = await (Meeting.filter(enterprise_id=enterprise.pk, version__state=VersionState.PUBLISHED,
                                     starts_at__lte=db_time(now))
                      .exclude(state__in=(MeetingState.CANCELLED, MeetingState.NO_SHOW))
                      .order_by("-starts_at").limit(50).select_related("institution", "event"))
    given = {f.meeting_id: f for f in await MeetingFeedback.filter(enterprise_id=enterprise.pk,
                                                                    meeting_id__in=[m.pk for m in meetings])}
    return [MeetingFeedbackRow(m, given.get(m.pk), window_open(m, now)) for m in meetings]


async def save_feedback(enterprise: Organization, meeting_id: object, raw: dict[str, str], *, by: User | None,
                        now: datetime | None = None) -> MeetingFeedback:
    now = now or utc_now()
    meeting = await Meeting.get_or_none(pk=row_id(meeting_id), enterprise_id=enterprise.pk,
                                        version__state=VersionState.PUBLISHED)
    if meeting is None:
        raise NotFound()
    if not window_open(meeting, now):
        raise Conflict(f"洽谈反馈在洽谈开始后、活动结束 {FEEDBACK_DAYS} 天内开放")
    key = f"_{meeting.pk}"
    problems: dict[str, str] = {}
    text = (raw.get("satisfaction") or "").strip()
    if text not in {"1", "2", "3", "4", "5"}:
        problems["satisfaction" + key] = "请选择满意度（1–5 分）"
    follow = (raw.get("follow_up") or "").strip()
    if follow not in ("yes", "no"):
        problems["follow_up" + key] = "请选择是否有后续"
    note = (raw.get("text") or "").strip()
    if len(note) > 500:
        problems["text" + key] = "反馈最多 500 字"
    elif CONTROL.search(note):
        problems["text" + key] = "不能包含控制字符"
    if problems:
        raise InvalidInput(problems)
    values = {"satisfaction": int(text), "follow_up": follow == "yes", "text": note, "by": by}
    async with in_transaction():
        row = await MeetingFeedback.get_or_none(meeting_id=meeting.pk, enterprise_id=enterprise.pk)
        if row is None:
            row = await MeetingFeedback.create(meeting_id=meeting.pk, enterprise_id=enterprise.pk,
                                               institution_id=meeting.institution_id, event_id=meeting.event_id,
                                               **values)
        else:
            await row.update_from_dict(values).save()
        await audit(by, "meeting.feedback", row, organization=enterprise,
                    after={"meeting": meeting.pk, "satisfaction": row.satisfaction, "follow_up": row.follow_up})
    return row
