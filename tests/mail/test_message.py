"""MIME structure of an agenda mail, and its round trip through bytes."""

from __future__ import annotations

from datetime import datetime

import icalendar
import pytest

from matchmaker.mail.compose import RenderedEmail
from matchmaker.mail.message import (
    build_message,
    calendar_method,
    message_from_bytes,
    message_to_bytes,
    new_message_id,
)
from tests.mail.factories import PUBLISHED_AT, calendar_meeting, email_message, publish_calendar

SUBJECT = "【2026 科技金融银企对接会】您的洽谈日程（第1版）"


def structure(message) -> list[tuple[int, str]]:
    """(depth, content type) for every part, depth-first."""
    def walk(part, depth):
        yield depth, part.get_content_type()
        for child in part.iter_parts():
            yield from walk(child, depth + 1)
    return list(walk(message, 0))


def test_agenda_mail_has_alternatives_and_the_calendar_attached_not_inline():
    """Outlook cannot import an inline METHOD:PUBLISH part and reads only its first VEVENT, so a
    multi-meeting agenda travels as a text/calendar attachment only."""
    message = email_message(1)

    assert structure(message) == [
        (0, "multipart/mixed"),
        (1, "multipart/alternative"),
        (2, "text/plain"),
        (2, "text/html"),
        (1, "text/calendar"),
    ]
    attachment = next(message.iter_attachments())
    assert attachment.get_content_type() == "text/calendar"
    assert attachment.get_param("method") == "PUBLISH"
    assert attachment.get_filename() == "agenda.ics"
    assert attachment.get_content_disposition() == "attachment"


def test_round_trip_keeps_headers_bodies_and_calendar():
    calendar = publish_calendar(calendar_meeting(sequence=1))
    original = email_message(1, calendar=calendar)

    parsed = message_from_bytes(message_to_bytes(original))

    assert parsed["Subject"] == SUBJECT
    assert parsed["From"] == "银企对接平台 <noreply@example.gov.cn>"
    assert parsed["To"] == "张三 <zhangsan@example.cn>"
    assert parsed["Message-ID"] == "<agenda-1@example.gov.cn>"
    assert parsed["Date"] == "Tue, 01 Dec 2026 02:00:00 +0000"
    assert parsed["Auto-Submitted"] == "auto-generated"
    # Text bodies travel in canonical form, with CRLF line ends (RFC 2046 §4.1.1).
    assert parsed.get_body(("plain",)).get_content() == "张三，您好：\r\n"
    assert parsed.get_body(("html",)).get_content() == "<p>张三，您好：</p>\r\n"
    attached = next(parsed.iter_attachments()).get_content()
    assert attached == calendar.decode("utf-8")
    assert icalendar.Calendar.from_ical(attached)["METHOD"] == "PUBLISH"


def test_chinese_subject_is_encoded_as_ascii_on_the_wire():
    data = message_to_bytes(email_message(1))

    headers = data.split(b"\r\n\r\n", 1)[0]
    headers.decode("ascii")  # raises if any raw UTF-8 byte went out in a header
    assert b"Subject: =?utf-8?b?" in headers


def test_only_the_top_level_declares_mime_version():
    data = message_to_bytes(email_message(1))

    assert data.count(b"MIME-Version: 1.0") == 1


def test_cancel_calendar_goes_inline_and_attached_with_its_method():
    calendar = publish_calendar(calendar_meeting(sequence=5), method="CANCEL")

    message = email_message(1, calendar=calendar)

    assert structure(message) == [(0, "multipart/mixed"), (1, "multipart/alternative"), (2, "text/plain"),
                                  (2, "text/html"), (2, "text/calendar"), (1, "text/calendar")]
    inline, attached = [p for p in message.walk() if p.get_content_type() == "text/calendar"]
    assert inline.get_content_disposition() is None
    assert attached.get_content_disposition() == "attachment"
    assert inline.get_param("method") == attached.get_param("method") == "CANCEL"


def test_without_calendar_the_message_is_just_the_alternatives():
    rendered = RenderedEmail(subject="s", text="t\n", html="<p>t</p>\n")

    message = build_message(rendered, sender="a@example.cn", recipient="b@example.cn",
                            message_id="<m1@example.cn>", date=PUBLISHED_AT)

    assert structure(message) == [(0, "multipart/alternative"), (1, "text/plain"),
                                  (1, "text/html")]


@pytest.mark.parametrize("message_id", ["m1@example.cn", "<m1>", "<a b@example.cn>", ""])
def test_malformed_message_id_is_refused(message_id):
    with pytest.raises(ValueError, match="Message-ID must look like <local@domain>"):
        build_message(RenderedEmail("s", "t", "h"), sender="a@example.cn",
                      recipient="b@example.cn", message_id=message_id, date=PUBLISHED_AT)


def test_naive_date_is_refused():
    with pytest.raises(ValueError, match="timezone-aware"):
        build_message(RenderedEmail("s", "t", "h"), sender="a@example.cn",
                      recipient="b@example.cn", message_id="<m1@example.cn>",
                      date=datetime(2026, 12, 1, 10, 0))


def test_new_message_id_uses_the_domain_and_is_unique():
    first, second = new_message_id("example.gov.cn"), new_message_id("example.gov.cn")

    assert first.startswith("<") and first.endswith("@example.gov.cn>")
    assert first != second


def test_calendar_method_reads_the_method_line():
    assert calendar_method(b"BEGIN:VCALENDAR\r\nMETHOD:CANCEL\r\nEND:VCALENDAR\r\n") == "CANCEL"
    with pytest.raises(ValueError, match="no METHOD"):
        calendar_method(b"BEGIN:VCALENDAR\r\nEND:VCALENDAR\r\n")
