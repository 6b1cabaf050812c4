"""MIME assembly: a rendered email (and its calendar) in, an `EmailMessage` out.

The shape is the one calendar-aware clients (Outlook, Apple Mail, Foxmail, Gmail) understand:

    multipart/mixed
      multipart/alternative
        text/plain; charset=utf-8
        text/html; charset=utf-8
        text/calendar; method=CANCEL; charset=utf-8    (a cancellation only: the calendar, inline)
      text/calendar; method=…; name=agenda.ics         (the calendar, attached)

An agenda (METHOD:PUBLISH, several meetings) goes as the attachment only: Outlook, common at
banks, cannot import a METHOD:PUBLISH inline part and reads only the first VEVENT of one
([MS-STANOICAL]), while every client imports a text/calendar attachment with all its events.
A cancellation names one meeting and is what calendar clients act on to remove it, so it is
also sent inline. Without a calendar the message is just the multipart/alternative. Bodies are
base64 so that Chinese text survives any relay, 8BITMIME or not; headers with Chinese are
RFC 2047 encoded by the email package's policy.

The Message-ID is the caller's: the outbox freezes it when it inserts a row, so a resend after a
timeout carries the same id and receiving systems can drop the duplicate.
"""

from __future__ import annotations

import email.policy
import re
from datetime import datetime
from email.message import EmailMessage
from email.parser import BytesParser
from email.utils import format_datetime, make_msgid

from matchmaker.mail.compose import RenderedEmail
from matchmaker.text import header_text

CALENDAR_FILENAME = "agenda.ics"
_MESSAGE_ID = re.compile(r"^<[^<>@\s]+@[^<>@\s]+>$")
_ICS_METHOD = re.compile(rb"^METHOD:([A-Z-]+)\r?$", re.MULTILINE)


def new_message_id(domain: str) -> str:
    """A fresh ``<…@domain>`` id, to be stored with the outbox row before the first send."""
    return make_msgid(domain=domain)


def build_message(
    rendered: RenderedEmail,
    *,
    sender: str,
    recipient: str,
    message_id: str,
    date: datetime,
    calendar: bytes | None = None,
) -> EmailMessage:
    """Assemble the message for ONE recipient (the outbox holds one row per participant).

    `sender` and `recipient` are header values such as ``"银企对接平台 <noreply@example.cn>"``;
    `date` must be timezone-aware; `calendar` is the output of
    `matchmaker.mail.calendar.agenda_calendar`, whose METHOD is copied into the calendar parts'
    ``method`` parameter. Raises ValueError for a malformed Message-ID, a naive date or a
    calendar without a METHOD.
    """
    if not _MESSAGE_ID.match(message_id):
        raise ValueError(f"Message-ID must look like <local@domain>, got {message_id!r}")
    if date.tzinfo is None or date.utcoffset() is None:
        raise ValueError("the Date header needs a timezone-aware datetime")

    message = EmailMessage(policy=email.policy.SMTP)
    # One line each, whatever a stored name holds: a CR/LF would make the header invalid.
    message["From"] = header_text(sender)
    message["To"] = header_text(recipient)
    message["Subject"] = header_text(rendered.subject)
    message["Date"] = format_datetime(date)
    message["Message-ID"] = message_id
    # RFC 3834: tells vacation responders and mailing lists not to answer a robot.
    message["Auto-Submitted"] = "auto-generated"

    message.set_content(rendered.text, cte="base64")
    message.add_alternative(rendered.html, subtype="html", cte="base64")
    if calendar is not None:
        method = calendar_method(calendar)
        if method == "CANCEL":
            message.add_alternative(
                calendar.decode("utf-8"), subtype="calendar", params={"method": method}, cte="base64"
            )
        message.add_attachment(
            calendar.decode("utf-8"), subtype="calendar", filename=CALENDAR_FILENAME, cte="base64",
            params={"method": method, "name": CALENDAR_FILENAME},
        )
    # add_alternative/add_attachment create the subparts as EmailMessage objects, which each
    # carry their own MIME-Version header; RFC 2045 wants it once, at the top.
    for part in message.iter_parts():
        _drop_nested_mime_version(part)
    return message


def _drop_nested_mime_version(part: EmailMessage) -> None:
    del part["MIME-Version"]
    for child in part.iter_parts():
        _drop_nested_mime_version(child)


def calendar_method(calendar: bytes) -> str:
    """The METHOD of a serialized VCALENDAR (``PUBLISH``, ``CANCEL`` …)."""
    found = _ICS_METHOD.search(calendar)
    if found is None:
        raise ValueError("calendar has no METHOD property")
    return found.group(1).decode("ascii")


def message_to_bytes(message: EmailMessage) -> bytes:
    """The message as sent on the wire (CRLF line ends), e.g. for an .eml file."""
    return message.as_bytes(policy=email.policy.SMTP)


def message_from_bytes(data: bytes) -> EmailMessage:
    """Parse bytes written by `message_to_bytes` (or received by a server) back into a message."""
    parsed = BytesParser(policy=email.policy.default).parsebytes(data)
    assert isinstance(parsed, EmailMessage)  # guaranteed by policy.default's message_factory
    return parsed
