"""The iCalendar file sent with agendas (``agenda.ics``): pure, bytes out.

Calendar clients match an update to the event they already hold by UID and keep the copy with
the highest SEQUENCE. So:

- a meeting's UID is derived from what identifies it across schedule versions, the event and
  the enterprise–institution pair (a request is met at most once per event, §5), never from a
  database row id of one version's meeting: ``meeting-<event>-<enterprise>-<institution>@<domain>``,
  where the domain is the installation's mail domain (that of the ORGANIZER address), so that two
  installations writing to the same calendar never collide;
- SEQUENCE is the caller's counter for that meeting (the publishing service raises it whenever
  the meeting's time, table or status changes); this module never invents one;
- a cancellation is ``METHOD:CANCEL`` with the same UID, a higher SEQUENCE and
  ``STATUS:CANCELLED``. An agenda (``METHOD:PUBLISH``) may also list a cancelled meeting with
  ``STATUS:CANCELLED`` so that clients which imported an earlier version drop it.

Times are written as local Asia/Shanghai times with ``TZID=Asia/Shanghai`` and the matching
VTIMEZONE, which RFC 5545 requires for every TZID used.
"""

from __future__ import annotations

import functools
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, datetime, timezone
from typing import Literal
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event, Timezone, vCalAddress

SHANGHAI_TZID = "Asia/Shanghai"
SHANGHAI = ZoneInfo(SHANGHAI_TZID)
PRODID = "-//matchmaker//bank-enterprise docking//ZH"

Method = Literal["PUBLISH", "CANCEL"]


def meeting_uid(event_id: int | str, enterprise_id: int | str, institution_id: int | str, *, domain: str) -> str:
    """The UID a meeting keeps through every schedule version of its event, at one installation."""
    return f"{meeting_key(event_id, enterprise_id, institution_id)}@{domain}"


def meeting_key(event_id: int | str, enterprise_id: int | str, institution_id: int | str) -> str:
    """What identifies a meeting across schedule versions, within one installation."""
    return f"meeting-{event_id}-{enterprise_id}-{institution_id}"


def mail_domain(address: str) -> str:
    """The domain part of an e-mail address (``noreply@kjj.example.gov.cn`` -> ``kjj.example.gov.cn``)."""
    domain = address.rpartition("@")[2].strip().lower()
    if not domain:
        raise ValueError(f"no domain in {address!r}")
    return domain


@dataclass(frozen=True)
class CalendarMeeting:
    """One meeting as a calendar entry; `start`/`end` must be timezone-aware.

    `sequence` starts at 0 and rises with every change the participant is told about.
    `cancelled` marks a meeting dropped from the schedule (written as STATUS:CANCELLED).
    """

    event_id: int | str
    enterprise_id: int | str
    institution_id: int | str
    start: datetime
    end: datetime
    summary: str
    location: str
    description: str
    sequence: int
    cancelled: bool = False

    @property
    def key(self) -> str:
        return meeting_key(self.event_id, self.enterprise_id, self.institution_id)


def agenda_calendar(
    meetings: Iterable[CalendarMeeting],
    *,
    method: Method = "PUBLISH",
    organizer_email: str,
    dtstamp: datetime,
) -> bytes:
    """Serialize `meetings` as one VCALENDAR with one VEVENT each.

    `dtstamp` (aware) is when the outbox row was written, passed in so that the same input
    gives the same bytes. With ``method="CANCEL"`` every event is written as cancelled;
    with ``"PUBLISH"`` each meeting's own `cancelled` flag decides its STATUS.
    Raises ValueError for an unknown method, a naive datetime or an end not after its start.
    """
    if method not in ("PUBLISH", "CANCEL"):
        raise ValueError(f"unsupported METHOD {method!r}")
    _require_aware(dtstamp, "dtstamp")

    calendar = Calendar()
    calendar.add("PRODID", PRODID)
    calendar.add("VERSION", "2.0")
    calendar.add("CALSCALE", "GREGORIAN")
    calendar.add("METHOD", method)
    calendar.add_component(_shanghai_timezone())
    for meeting in meetings:
        calendar.add_component(
            _vevent(meeting, cancelled=method == "CANCEL" or meeting.cancelled,
                    organizer_email=organizer_email, dtstamp=dtstamp)
        )
    return calendar.to_ical()


def _vevent(meeting: CalendarMeeting, *, cancelled: bool, organizer_email: str,
            dtstamp: datetime) -> Event:
    _require_aware(meeting.start, "start")
    _require_aware(meeting.end, "end")
    if meeting.end <= meeting.start:
        raise ValueError(f"meeting {meeting.key} ends at or before its start")
    if meeting.sequence < 0:
        raise ValueError(f"meeting {meeting.key} has a negative SEQUENCE")

    event = Event()
    event.add("UID", meeting_uid(meeting.event_id, meeting.enterprise_id, meeting.institution_id,
                                 domain=mail_domain(organizer_email)))
    event.add("DTSTAMP", dtstamp.astimezone(timezone.utc))
    # icalendar writes TZID from the zoneinfo key of an aware datetime.
    event.add("DTSTART", meeting.start.astimezone(SHANGHAI))
    event.add("DTEND", meeting.end.astimezone(SHANGHAI))
    event.add("SEQUENCE", meeting.sequence)
    event.add("SUMMARY", meeting.summary)
    event.add("LOCATION", meeting.location)
    event.add("DESCRIPTION", meeting.description)
    event.add("STATUS", "CANCELLED" if cancelled else "CONFIRMED")
    organizer = vCalAddress(f"mailto:{organizer_email}")
    event.add("ORGANIZER", organizer)
    return event


@functools.cache
def _shanghai_timezone() -> Timezone:
    """VTIMEZONE for Asia/Shanghai, generated by icalendar from the zoneinfo database.

    The window starts in 2000, after China's last daylight-saving year (1991), so the component
    is a single STANDARD +0800 rule instead of a list of 1980s transitions. Cached because
    generation walks the whole window; safe to share since the component is only serialized.
    """
    return Timezone.from_tzid(SHANGHAI_TZID, first_date=date(2000, 1, 1),
                              last_date=date(2100, 1, 1))


def _require_aware(moment: datetime, name: str) -> None:
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise ValueError(f"{name} must be timezone-aware, got {moment!r}")
