"""Slots from sessions, slot length and breaks (pure)."""

from datetime import date, time

from matchmaker.services.events.slots import Break, Session, compute_slots, layout_problems, slots_available

DAY = date(2026, 12, 8)
MORNING = Session(DAY, "am", time(9, 0), time(10, 0))
AFTERNOON = Session(DAY, "pm", time(14, 0), time(15, 0))


def test_slots_run_back_to_back_from_the_session_start():
    slots = compute_slots([MORNING], [], 20)

    assert [slot.id for slot in slots] == ["d1-0900", "d1-0920", "d1-0940"]
    assert slots[0].start.isoformat() == "2026-12-08T09:00:00+08:00"
    assert slots[-1].end.isoformat() == "2026-12-08T10:00:00+08:00"


def test_a_slot_that_would_overlap_a_break_starts_after_it():
    slots = compute_slots([MORNING], [Break(DAY, time(9, 20), time(9, 30))], 20)

    assert [slot.id for slot in slots] == ["d1-0900", "d1-0930"]


def test_a_slot_that_would_run_past_the_session_end_is_not_made():
    assert [slot.id for slot in compute_slots([MORNING], [], 25)] == ["d1-0900", "d1-0925"]


def test_days_are_numbered_in_date_order_and_sessions_keep_their_keys():
    second_day = Session(date(2026, 12, 9), "am", time(9, 0), time(9, 30))

    slots = compute_slots([second_day, AFTERNOON, MORNING], [], 30)

    assert [(slot.id, slot.session) for slot in slots] == [
        ("d1-0900", "2026-12-08-am"), ("d1-0930", "2026-12-08-am"),
        ("d1-1400", "2026-12-08-pm"), ("d1-1430", "2026-12-08-pm"), ("d2-0900", "2026-12-09-am")]


def test_overlapping_sessions_are_refused():
    late_morning = Session(DAY, "pm", time(9, 30), time(11, 0))

    assert layout_problems([MORNING, late_morning], [], 20) == {"sessions": "12月8日上午与12月8日下午时间重叠"}


def test_a_session_shorter_than_one_slot_is_refused():
    assert layout_problems([MORNING], [], 90) == {
        "sessions": "12月8日上午不足一场洽谈的时长（90 分钟），放不下任何时段"}


def test_a_session_ending_before_it_starts_is_refused():
    backwards = Session(DAY, "am", time(11, 0), time(9, 0))

    assert layout_problems([backwards], [], 20) == {"sessions": "12月8日上午的结束时间须晚于开始时间"}


def test_a_break_outside_every_session_is_refused():
    assert layout_problems([MORNING], [Break(DAY, time(12, 0), time(12, 30))], 20) == {
        "breaks": "茶歇 12:00–12:30 不在任何场次之内"}


def test_an_unreasonable_slot_length_is_refused():
    assert layout_problems([MORNING], [], 3) == {"slot_minutes": "每场洽谈时长须在 5–240 分钟之间"}


def test_a_good_layout_has_no_problems():
    assert layout_problems([MORNING, AFTERNOON], [Break(DAY, time(9, 20), time(9, 30))], 20) == {}


def test_arriving_late_and_leaving_early_narrow_the_available_slots():
    slots = compute_slots([MORNING], [], 20)

    assert slots_available(slots, "2026-12-08-am", time(9, 20), None) == ["d1-0920", "d1-0940"]
    assert slots_available(slots, "2026-12-08-am", None, time(9, 40)) == ["d1-0900", "d1-0920"]
    assert slots_available(slots, "2026-12-08-pm", None, None) == []
