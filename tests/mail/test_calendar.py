"""agenda.ics, checked with icalendar and, independently, with vobject."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import icalendar
import pytest
import vobject

from matchmaker.mail.calendar import agenda_calendar, meeting_uid
from tests.mail.factories import PUBLISHED_AT, at, calendar_meeting

ORGANIZER = "kjj@example.gov.cn"


def publish(*meetings, **options) -> bytes:
    options.setdefault("organizer_email", ORGANIZER)
    options.setdefault("dtstamp", PUBLISHED_AT)
    return agenda_calendar(meetings, **options)


def test_uid_names_the_event_both_sides_and_the_installations_mail_domain():
    assert meeting_uid(7, 101, 202, domain="kjj.example.gov.cn") == "meeting-7-101-202@kjj.example.gov.cn"


def test_two_installations_write_different_uids_for_the_same_ids():
    ours = icalendar.Calendar.from_ical(publish(calendar_meeting(), organizer_email="noreply@kjj.example.gov.cn"))
    theirs = icalendar.Calendar.from_ical(publish(calendar_meeting(), organizer_email="noreply@jrj.example.gov.cn"))

    assert [str(e["UID"]) for e in ours.walk("VEVENT")] == ["meeting-7-101-202@kjj.example.gov.cn"]
    assert [str(e["UID"]) for e in theirs.walk("VEVENT")] == ["meeting-7-101-202@jrj.example.gov.cn"]


def test_one_vevent_per_meeting_read_by_icalendar():
    first = calendar_meeting()
    second = calendar_meeting(institution_id=203, start=at(8, 10), end=at(8, 10, 20),
                              summary="洽谈：苏州银行", sequence=3)

    calendar = icalendar.Calendar.from_ical(publish(first, second))

    assert calendar["METHOD"] == "PUBLISH"
    events = calendar.walk("VEVENT")
    assert [str(e["UID"]) for e in events] == ["meeting-7-101-202@example.gov.cn",
                                               "meeting-7-101-203@example.gov.cn"]
    assert [e["SEQUENCE"] for e in events] == [0, 3]
    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CONFIRMED"]
    assert events[0].start == at(8, 9, 0)
    assert events[0].end == at(8, 9, 20)
    assert events[0].DTSTAMP == PUBLISHED_AT
    assert str(events[0]["SUMMARY"]) == "洽谈：中国银行苏州分行"
    assert str(events[0]["LOCATION"]) == "苏州国际博览中心 B馆 第3桌"
    assert str(events[0]["DESCRIPTION"]) == "事项：科技成果转化贷款 500万元"
    assert str(events[0]["ORGANIZER"]) == "mailto:kjj@example.gov.cn"
    assert calendar.get_missing_tzids() == set()


def test_times_carry_the_shanghai_tzid_and_its_vtimezone():
    data = publish(calendar_meeting(start=datetime(2026, 12, 8, 1, 0, tzinfo=timezone.utc),
                                    end=datetime(2026, 12, 8, 1, 20, tzinfo=timezone.utc)))

    assert b"DTSTART;TZID=Asia/Shanghai:20261208T090000\r\n" in data
    assert b"DTEND;TZID=Asia/Shanghai:20261208T092000\r\n" in data
    assert b"DTSTAMP:20261201T020000Z\r\n" in data
    timezones = icalendar.Calendar.from_ical(data).walk("VTIMEZONE")
    assert [str(tz["TZID"]) for tz in timezones] == ["Asia/Shanghai"]


def test_vobject_reads_the_same_calendar():
    data = publish(calendar_meeting(sequence=2))

    parsed = vobject.readOne(data.decode("utf-8"))

    assert parsed.method.value == "PUBLISH"
    assert parsed.vtimezone.tzid.value == "Asia/Shanghai"
    event = parsed.vevent
    assert event.uid.value == "meeting-7-101-202@example.gov.cn"
    assert event.sequence.value == "2"
    assert event.dtstart.value == at(8, 9, 0)
    assert event.dtstart.value.utcoffset() == timedelta(hours=8)
    assert event.dtend.value == at(8, 9, 20)
    assert event.summary.value == "洽谈：中国银行苏州分行"
    assert event.status.value == "CONFIRMED"


def test_uid_is_stable_across_versions_while_sequence_rises():
    version_1 = publish(calendar_meeting(sequence=0))
    version_2 = publish(calendar_meeting(start=at(8, 14), end=at(8, 14, 20), sequence=1))

    before = icalendar.Calendar.from_ical(version_1).walk("VEVENT")[0]
    after = icalendar.Calendar.from_ical(version_2).walk("VEVENT")[0]

    assert str(after["UID"]) == str(before["UID"])
    assert (before["SEQUENCE"], after["SEQUENCE"]) == (0, 1)


def test_same_input_gives_the_same_bytes():
    assert publish(calendar_meeting()) == publish(calendar_meeting())


def test_cancel_keeps_the_uid_and_marks_every_event_cancelled():
    data = publish(calendar_meeting(sequence=4), method="CANCEL")

    by_icalendar = icalendar.Calendar.from_ical(data)
    by_vobject = vobject.readOne(data.decode("utf-8"))

    assert by_icalendar["METHOD"] == "CANCEL"
    event = by_icalendar.walk("VEVENT")[0]
    assert (str(event["UID"]), event["SEQUENCE"], str(event["STATUS"])) == (
        "meeting-7-101-202@example.gov.cn", 4, "CANCELLED")
    assert by_vobject.method.value == "CANCEL"
    assert by_vobject.vevent.status.value == "CANCELLED"


def test_publish_can_carry_a_cancelled_meeting_beside_confirmed_ones():
    kept = calendar_meeting(sequence=1)
    dropped = calendar_meeting(institution_id=203, sequence=2, cancelled=True)

    events = icalendar.Calendar.from_ical(publish(kept, dropped)).walk("VEVENT")

    assert [str(e["STATUS"]) for e in events] == ["CONFIRMED", "CANCELLED"]


def test_long_chinese_text_is_folded_and_unfolds_intact():
    description = "事项：" + "科技成果转化贷款，知识产权质押；" * 12

    data = publish(calendar_meeting(description=description))

    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    assert str(icalendar.Calendar.from_ical(data).walk("VEVENT")[0]["DESCRIPTION"]) == description
    assert vobject.readOne(data.decode("utf-8")).vevent.description.value == description


@pytest.mark.parametrize("bad, message", [
    (dict(start=datetime(2026, 12, 8, 9, 0)), "start must be timezone-aware"),
    (dict(end=at(8, 9, 0)), "ends at or before its start"),
    (dict(sequence=-1), "negative SEQUENCE"),
])
def test_invalid_meetings_are_refused(bad, message):
    with pytest.raises(ValueError, match=message):
        publish(calendar_meeting(**bad))


def test_unknown_method_is_refused():
    with pytest.raises(ValueError, match="unsupported METHOD 'REQUEST'"):
        publish(calendar_meeting(), method="REQUEST")


def test_shanghai_times_stay_put_whatever_zone_they_came_in():
    tokyo = ZoneInfo("Asia/Tokyo")
    data = publish(calendar_meeting(start=datetime(2026, 12, 8, 10, 0, tzinfo=tokyo),
                                    end=datetime(2026, 12, 8, 10, 20, tzinfo=tokyo)))

    assert b"DTSTART;TZID=Asia/Shanghai:20261208T090000\r\n" in data
