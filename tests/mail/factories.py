"""Factories for mail test data: realistic values, each overridable by keyword."""

from __future__ import annotations

from dataclasses import replace
from datetime import datetime, timezone
from email.message import EmailMessage
from typing import Any
from zoneinfo import ZoneInfo

from matchmaker.mail.calendar import CalendarMeeting, agenda_calendar
from matchmaker.mail.compose import AgendaLine, RenderedEmail
from matchmaker.mail.message import build_message

SHANGHAI = ZoneInfo("Asia/Shanghai")
PUBLISHED_AT = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)  # 10:00 in Shanghai


def at(day: int, hour: int, minute: int = 0) -> datetime:
    """A wall-clock time in Shanghai in December 2026, the month of the docking event."""
    return datetime(2026, 12, day, hour, minute, tzinfo=SHANGHAI)


def agenda_line(**overrides: Any) -> AgendaLine:
    line = AgendaLine(start=at(8, 9, 0), end=at(8, 9, 20), counterpart="中国银行苏州分行",
                      topic="科技成果转化贷款 500万元", table=3)
    return replace(line, **overrides)


def calendar_meeting(**overrides: Any) -> CalendarMeeting:
    meeting = CalendarMeeting(
        event_id=7, enterprise_id=101, institution_id=202,
        start=at(8, 9, 0), end=at(8, 9, 20),
        summary="洽谈：中国银行苏州分行", location="苏州国际博览中心 B馆 第3桌",
        description="事项：科技成果转化贷款 500万元", sequence=0,
    )
    return replace(meeting, **overrides)


def email_message(number: int = 1, *, recipient: str = "张三 <zhangsan@example.cn>",
                  calendar: bytes | None = None) -> EmailMessage:
    """A complete agenda message, as the outbox worker would build it."""
    rendered = RenderedEmail(subject=f"【2026 科技金融银企对接会】您的洽谈日程（第{number}版）",
                             text="张三，您好：\n", html="<p>张三，您好：</p>\n")
    if calendar is None:
        calendar = agenda_calendar([calendar_meeting(sequence=number)],
                                   organizer_email="kjj@example.gov.cn", dtstamp=PUBLISHED_AT)
    return build_message(rendered, sender="银企对接平台 <noreply@example.gov.cn>",
                         recipient=recipient, message_id=f"<agenda-{number}@example.gov.cn>",
                         date=PUBLISHED_AT, calendar=calendar)


def publish_calendar(*meetings: CalendarMeeting, method: str = "PUBLISH") -> bytes:
    return agenda_calendar(meetings, method=method, organizer_email="kjj@example.gov.cn",
                           dtstamp=PUBLISHED_AT)


def outgoing_mail(number: int = 1, **overrides: Any):
    """An agenda mail for participant `number`, ready for `services.outbox.enqueue_all`."""
    from matchmaker.services.mailing.outbox import OutgoingMail

    mail = OutgoingMail(
        rendered=RenderedEmail(subject=f"【2026 科技金融银企对接会】您的洽谈日程（参会方{number}）",
                               text=f"参会方{number}，您好：\n", html=f"<p>参会方{number}，您好：</p>\n"),
        recipient_email=f"participant{number}@example.cn", recipient_name=f"参会方{number}",
        kind="agenda", idempotency_key=f"agenda:7:{number}:1",
        ics=publish_calendar(calendar_meeting(enterprise_id=number, sequence=1)),
    )
    return replace(mail, **overrides)
