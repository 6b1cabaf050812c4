"""Meeting slots from an event's sessions, slot length and breaks. Pure: no ORM, no I/O.

A session is one half-day (上午 am / 下午 pm) of one event day. Slots run back to back from the
session's start; a slot that would overlap a break starts after the break instead, and a slot
that would run past the session's end is not made. Slot ids follow DESIGN §5: `d<day number>-HHMM`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")
PART_NAMES = {"am": "上午", "pm": "下午"}
ENGLISH_PART_NAMES = {"am": "morning", "pm": "afternoon"}
MIN_SLOT_MINUTES, MAX_SLOT_MINUTES = 5, 240


@dataclass(frozen=True)
class Session:
    day: date
    part: str  # am | pm
    start: time
    end: time

    @property
    def key(self) -> str:
        """Stable name used by availability rows, e.g. 2026-12-08-am."""
        return f"{self.day.isoformat()}-{self.part}"

    @property
    def label(self) -> str:
        return f"{self.day.month}月{self.day.day}日{PART_NAMES.get(self.part, self.part)}"

    def label_in(self, language: str) -> str:
        """`label` in `language` ("zh" or "en": Tue 8 Dec, morning)."""
        if language == "en":
            weekday = ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun")[self.day.weekday()]
            month = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")[self.day.month - 1]
            return f"{weekday} {self.day.day} {month}, {ENGLISH_PART_NAMES.get(self.part, self.part)}"
        return self.label

    def as_json(self) -> dict[str, str]:
        return {"day": self.day.isoformat(), "part": self.part, "start": self.start.strftime("%H:%M"),
                "end": self.end.strftime("%H:%M")}


@dataclass(frozen=True)
class Break:
    day: date
    start: time
    end: time

    def as_json(self) -> dict[str, str]:
        return {"day": self.day.isoformat(), "start": self.start.strftime("%H:%M"), "end": self.end.strftime("%H:%M")}


@dataclass(frozen=True)
class Slot:
    id: str
    session: str  # Session.key
    start: datetime  # aware, Asia/Shanghai
    end: datetime

    @property
    def label(self) -> str:
        return f"{self.start:%m-%d %H:%M}–{self.end:%H:%M}"


def parse_hhmm(text: str) -> time | None:
    try:
        hours, minutes = text.strip().split(":")
        return time(int(hours), int(minutes))
    except ValueError:
        return None


def sessions_from_json(rows: Iterable[Mapping[str, str]]) -> list[Session]:
    return [Session(date.fromisoformat(r["day"]), r["part"], parse_hhmm(r["start"]) or time(0),
                    parse_hhmm(r["end"]) or time(0)) for r in rows]


def breaks_from_json(rows: Iterable[Mapping[str, str]]) -> list[Break]:
    return [Break(date.fromisoformat(r["day"]), parse_hhmm(r["start"]) or time(0), parse_hhmm(r["end"]) or time(0))
            for r in rows]


def _minutes(moment: time) -> int:
    return moment.hour * 60 + moment.minute


def layout_problems(sessions: Sequence[Session], breaks: Sequence[Break], slot_minutes: int) -> dict[str, str]:
    """What is wrong with a session layout, by form field: empty when slots can be made."""
    problems: dict[str, str] = {}
    if not MIN_SLOT_MINUTES <= slot_minutes <= MAX_SLOT_MINUTES:
        problems["slot_minutes"] = f"每场洽谈时长须在 {MIN_SLOT_MINUTES}–{MAX_SLOT_MINUTES} 分钟之间"
        return problems
    if not sessions:
        problems["sessions"] = "请至少设置一个场次（上午或下午）"
        return problems
    for session in sessions:
        if session.end <= session.start:
            problems["sessions"] = f"{session.label}的结束时间须晚于开始时间"
            return problems
        if _minutes(session.end) - _minutes(session.start) < slot_minutes:
            problems["sessions"] = f"{session.label}不足一场洽谈的时长（{slot_minutes} 分钟），放不下任何时段"
            return problems
    ordered = sorted(sessions, key=lambda s: (s.day, s.start))
    for first, second in zip(ordered, ordered[1:]):
        if first.day == second.day and second.start < first.end:
            problems["sessions"] = f"{first.label}与{second.label}时间重叠"
            return problems
    for pause in breaks:
        if pause.end <= pause.start:
            problems["breaks"] = f"茶歇 {pause.start:%H:%M} 的结束时间须晚于开始时间"
            break
        if not any(s.day == pause.day and s.start <= pause.start and pause.end <= s.end for s in sessions):
            problems["breaks"] = f"茶歇 {pause.start:%H:%M}–{pause.end:%H:%M} 不在任何场次之内"
            break
    if not problems and not compute_slots(sessions, breaks, slot_minutes):
        problems["slot_minutes"] = "按此时长扣除茶歇后，场次内放不下任何时段"
    return problems


def compute_slots(sessions: Sequence[Session], breaks: Sequence[Break], slot_minutes: int) -> list[Slot]:
    """Every meeting slot of the event in time order (see the module docstring for the rule)."""
    days = sorted({session.day for session in sessions})
    day_number = {day: index for index, day in enumerate(days, start=1)}
    length = timedelta(minutes=slot_minutes)
    slots: list[Slot] = []
    for session in sorted(sessions, key=lambda s: (s.day, s.start)):
        start = datetime.combine(session.day, session.start, SHANGHAI)
        end = datetime.combine(session.day, session.end, SHANGHAI)
        pauses = sorted((datetime.combine(b.day, b.start, SHANGHAI), datetime.combine(b.day, b.end, SHANGHAI))
                        for b in breaks if b.day == session.day)
        moment = start
        while moment + length <= end:
            overlapping = [p for p in pauses if p[0] < moment + length and moment < p[1]]
            if overlapping:
                moment = max(p[1] for p in overlapping)
                continue
            slots.append(Slot(f"d{day_number[session.day]}-{moment:%H%M}", session.key, moment, moment + length))
            moment += length
    return slots


def slots_available(slots: Sequence[Slot], session: str, arrive_at: time | None, leave_at: time | None) -> list[str]:
    """The ids of the slots of `session` that lie between a participant's arrival and departure."""
    chosen = []
    for slot in slots:
        if slot.session != session:
            continue
        if arrive_at is not None and slot.start.time() < arrive_at:
            continue
        if leave_at is not None and slot.end.time() > leave_at:
            continue
        chosen.append(slot.id)
    return chosen
