"""The scheduling problem: frozen dataclasses and the `matchmaker.schedule-problem/1` JSON format.

`parse_problem` turns decoded JSON into a `Problem` or raises one `ProblemError` listing every
problem found (Chinese first, then English), so an organizer fixes an export in one pass.
Defaults are resolved at parse time: an omitted `available` becomes every slot id, `tables`
becomes 1, an omitted or null `max_meetings` becomes None (no cap).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

PROBLEM_FORMAT = "matchmaker.schedule-problem/1"


class ProblemError(ValueError):
    """A malformed problem; `problems` lists every message, `str()` joins them by line."""

    def __init__(self, problems: list[str]):
        self.problems = list(problems)
        super().__init__("\n".join(self.problems))


@dataclass(frozen=True)
class Slot:
    id: str
    start: datetime
    end: datetime


@dataclass(frozen=True)
class Enterprise:
    id: str
    available: tuple[str, ...]
    max_meetings: int | None = None


@dataclass(frozen=True)
class Institution:
    id: str
    available: tuple[str, ...]
    tables: int = 1
    max_meetings: int | None = None


@dataclass(frozen=True)
class Request:
    enterprise: str
    institution: str
    weight: int
    after_pitch: bool = False


@dataclass(frozen=True)
class Pitch:
    enterprise: str
    slot: str


@dataclass(frozen=True)
class LockedMeeting:
    enterprise: str
    institution: str
    slot: str
    table: int | None = None


@dataclass(frozen=True)
class Problem:
    """A validated problem. Ids are unique, every reference resolves, slots are in time order."""

    slots: tuple[Slot, ...]
    enterprises: tuple[Enterprise, ...]
    institutions: tuple[Institution, ...]
    requests: tuple[Request, ...]
    pitches: tuple[Pitch, ...] = ()
    locked: tuple[LockedMeeting, ...] = ()
    coverage_bonus: int = 0

    @property
    def slot_ids(self) -> tuple[str, ...]:
        return tuple(slot.id for slot in self.slots)


# --- reading -----------------------------------------------------------------------------------


def load_problem(path: str | Path) -> Problem:
    """Read and parse a problem file; unreadable files and bad JSON raise ProblemError too."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ProblemError([f"无法读取问题文件 {path} (cannot read problem file): {error}"]) from None
    return problem_from_json(text)


def problem_from_json(text: str) -> Problem:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        raise ProblemError([f"JSON 格式错误 (bad JSON): {error}"]) from None
    return parse_problem(data)


def parse_problem(data: Any) -> Problem:
    """Validate decoded JSON against the problem format; raise ProblemError with every problem."""
    if not isinstance(data, Mapping):
        raise ProblemError(["问题必须是 JSON 对象 (problem must be a JSON object)"])
    parser = _Parser(data)
    problem = parser.parse()
    if parser.problems:
        raise ProblemError(parser.problems)
    return problem


def _is_int(value: Any) -> bool:
    return isinstance(value, int) and not isinstance(value, bool)


class _Parser:
    """Collects every problem instead of stopping at the first one."""

    def __init__(self, data: Mapping[str, Any]):
        self.data = data
        self.problems: list[str] = []

    def fail(self, chinese: str, english: str, where: str) -> None:
        self.problems.append(f"{chinese} ({english}) in {where}")

    def items(self, key: str, required: bool) -> list[tuple[int, Mapping[str, Any]]]:
        """(index, entry) for each well-formed entry of the array `key`."""
        value = self.data.get(key)
        if value is None:
            if required:
                self.fail(f"缺少 '{key}'", f"missing '{key}'", "problem")
            return []
        if not isinstance(value, list):
            self.fail(f"'{key}' 必须是数组", f"'{key}' must be an array", "problem")
            return []
        good = []
        for index, item in enumerate(value):
            if isinstance(item, Mapping):
                good.append((index, item))
            else:
                self.fail("条目必须是对象", "entry must be an object", f"{key}[{index}]")
        return good

    def text(self, item: Mapping[str, Any], key: str, where: str) -> str | None:
        value = item.get(key)
        if isinstance(value, str) and value:
            return value
        self.fail(f"'{key}' 必须是非空字符串", f"'{key}' must be a non-empty string", where)
        return None

    def parse(self) -> Problem:
        fmt = self.data.get("format")
        if fmt != PROBLEM_FORMAT:
            self.fail(f"格式必须是 '{PROBLEM_FORMAT}'", f"format must be '{PROBLEM_FORMAT}', got {fmt!r}",
                      "format")
        slots = self.parse_slots()
        slot_ids = {slot.id for slot in slots}
        all_slots = tuple(slot.id for slot in slots)
        enterprises = self.parse_enterprises(slot_ids, all_slots)
        institutions = self.parse_institutions(slot_ids, all_slots)
        enterprise_ids = {e.id for e in enterprises}
        institution_ids = {i.id: i for i in institutions}
        requests = self.parse_requests(enterprise_ids, institution_ids)
        pitches = self.parse_pitches(enterprise_ids, slot_ids)
        self.check_after_pitch(requests, pitches)
        locked = self.parse_locked(enterprise_ids, institution_ids, slot_ids, requests)
        bonus = self.data.get("coverage_bonus", 0)
        if bonus is None:
            bonus = 0
        if not _is_int(bonus) or bonus < 0:
            self.fail("coverage_bonus 必须是非负整数", "coverage_bonus must be a non-negative integer",
                      "coverage_bonus")
            bonus = 0
        return Problem(tuple(slots), tuple(enterprises), tuple(institutions), tuple(requests),
                       tuple(pitches), tuple(locked), bonus)

    def parse_slots(self) -> list[Slot]:
        slots: list[Slot] = []
        seen: set[str] = set()
        for index, item in self.items("slots", required=True):
            where = f"slots[{index}]"
            slot_id = self.text(item, "id", where)
            start = self.moment(item, "start", where)
            end = self.moment(item, "end", where)
            if slot_id is None or start is None or end is None:
                continue
            if slot_id in seen:
                self.fail(f"重复的时段 id '{slot_id}'", f"duplicate slot id '{slot_id}'", where)
                continue
            seen.add(slot_id)
            if not self.ordered(start, end, strict=True):
                self.fail("时段结束必须晚于开始", "slot end must be after its start", where)
            elif slots and not self.ordered(slots[-1].end, start, strict=False):
                self.fail("时段未按时间顺序排列或有重叠",
                          f"slots not in time order: '{slot_id}' starts before '{slots[-1].id}' ends",
                          where)
            slots.append(Slot(slot_id, start, end))
        if not slots and not self.problems:
            self.fail("至少需要一个时段", "at least one slot is needed", "slots")
        return slots

    def ordered(self, first: datetime, second: datetime, *, strict: bool) -> bool:
        try:
            return first < second if strict else first <= second
        except TypeError:  # naive and aware datetimes mixed
            self.problems.append("时间必须统一带或不带时区 (mixed naive and timezone-aware times) in slots")
            return True

    def moment(self, item: Mapping[str, Any], key: str, where: str) -> datetime | None:
        value = item.get(key)
        try:
            return datetime.fromisoformat(value)  # type: ignore[arg-type]
        except (TypeError, ValueError):
            self.fail(f"'{key}' 必须是 ISO 日期时间", f"'{key}' must be an ISO datetime, got {value!r}",
                      where)
            return None

    def availability(self, item: Mapping[str, Any], slot_ids: set[str], all_slots: tuple[str, ...],
                     where: str) -> tuple[str, ...]:
        value = item.get("available")
        if value is None:
            return all_slots
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            self.fail("'available' 必须是时段 id 数组", "'available' must be an array of slot ids", where)
            return ()
        for slot_id in value:
            if slot_id not in slot_ids:
                self.fail(f"未知的时段 id '{slot_id}'", f"unknown slot id '{slot_id}'", where)
        wanted = set(value)
        return tuple(s for s in all_slots if s in wanted)

    def cap(self, item: Mapping[str, Any], where: str) -> int | None:
        value = item.get("max_meetings")
        if value is None:
            return None
        if not _is_int(value) or value < 0:
            self.fail("max_meetings 必须是非负整数或 null",
                      f"max_meetings must be a non-negative integer or null, got {value!r}", where)
            return None
        return value

    def parse_enterprises(self, slot_ids: set[str], all_slots: tuple[str, ...]) -> list[Enterprise]:
        result, seen = [], set()
        for index, item in self.items("enterprises", required=True):
            where = f"enterprises[{index}]"
            ident = self.text(item, "id", where)
            if ident is None:
                continue
            if ident in seen:
                self.fail(f"重复的企业 id '{ident}'", f"duplicate enterprise id '{ident}'", where)
                continue
            seen.add(ident)
            result.append(Enterprise(ident, self.availability(item, slot_ids, all_slots, where),
                                     self.cap(item, where)))
        return result

    def parse_institutions(self, slot_ids: set[str], all_slots: tuple[str, ...]) -> list[Institution]:
        result, seen = [], set()
        for index, item in self.items("institutions", required=True):
            where = f"institutions[{index}]"
            ident = self.text(item, "id", where)
            if ident is None:
                continue
            if ident in seen:
                self.fail(f"重复的机构 id '{ident}'", f"duplicate institution id '{ident}'", where)
                continue
            seen.add(ident)
            tables = item.get("tables", 1)
            if not _is_int(tables) or tables < 1:
                self.fail("桌数必须是至少为 1 的整数", f"tables must be an integer >= 1, got {tables!r}",
                          where)
                tables = 1
            result.append(Institution(ident, self.availability(item, slot_ids, all_slots, where),
                                      tables, self.cap(item, where)))
        return result

    def reference(self, item: Mapping[str, Any], key: str, known: Collection[str], kind_zh: str,
                  kind_en: str, where: str) -> str | None:
        value = item.get(key)
        if not isinstance(value, str) or value not in known:
            self.fail(f"未知的{kind_zh} id {value!r}", f"unknown {kind_en} id {value!r}", where)
            return None
        return value

    def parse_requests(self, enterprise_ids: set[str], institutions: dict[str, Institution]
                       ) -> list[Request]:
        result, seen = [], set()
        for index, item in self.items("requests", required=True):
            where = f"requests[{index}]"
            enterprise = self.reference(item, "enterprise", enterprise_ids, "企业", "enterprise", where)
            institution = self.reference(item, "institution", institutions, "机构", "institution", where)
            weight = item.get("weight")
            if not _is_int(weight) or weight < 0:
                self.fail("权重必须是非负整数", f"weight must be a non-negative integer, got {weight!r}",
                          where)
                weight = None
            after_pitch = item.get("after_pitch", False)
            if not isinstance(after_pitch, bool):
                self.fail("after_pitch 必须是布尔值", "after_pitch must be true or false", where)
                after_pitch = None
            if None in (enterprise, institution, weight, after_pitch):
                continue
            if (enterprise, institution) in seen:
                self.fail(f"重复的请求 {enterprise}–{institution}",
                          f"duplicate request {enterprise}–{institution}", where)
                continue
            seen.add((enterprise, institution))
            result.append(Request(enterprise, institution, weight, after_pitch))
        return result

    def parse_pitches(self, enterprise_ids: set[str], slot_ids: set[str]) -> list[Pitch]:
        result, seen = [], set()
        for index, item in self.items("pitches", required=False):
            where = f"pitches[{index}]"
            enterprise = self.reference(item, "enterprise", enterprise_ids, "企业", "enterprise", where)
            slot = self.reference(item, "slot", slot_ids, "时段", "slot", where)
            if enterprise is None or slot is None:
                continue
            if enterprise in seen:
                self.fail(f"企业 '{enterprise}' 有多个路演", f"enterprise '{enterprise}' pitches twice",
                          where)
                continue
            seen.add(enterprise)
            result.append(Pitch(enterprise, slot))
        return result

    def check_after_pitch(self, requests: list[Request], pitches: list[Pitch]) -> None:
        pitching = {p.enterprise for p in pitches}
        for request in requests:
            if request.after_pitch and request.enterprise not in pitching:
                self.fail(f"after_pitch 请求的企业 '{request.enterprise}' 没有路演",
                          f"after_pitch request but enterprise '{request.enterprise}' has no pitch",
                          f"requests {request.enterprise}–{request.institution}")

    def parse_locked(self, enterprise_ids: set[str], institutions: dict[str, Institution],
                     slot_ids: set[str], requests: list[Request]) -> list[LockedMeeting]:
        requested = {(r.enterprise, r.institution) for r in requests}
        result, seen = [], set()
        for index, item in self.items("locked", required=False):
            where = f"locked[{index}]"
            enterprise = self.reference(item, "enterprise", enterprise_ids, "企业", "enterprise", where)
            institution = self.reference(item, "institution", institutions, "机构", "institution", where)
            slot = self.reference(item, "slot", slot_ids, "时段", "slot", where)
            table = item.get("table")
            if table is not None and (not _is_int(table) or table < 1 or (
                    institution is not None and table > institutions[institution].tables)):
                self.fail("桌号超出范围", f"table must be within 1..tables, got {table!r}", where)
                continue
            if None in (enterprise, institution, slot):
                continue
            if (enterprise, institution) not in requested:
                self.fail(f"锁定的会面 {enterprise}–{institution} 没有对应的请求",
                          f"locked meeting {enterprise}–{institution} has no request", where)
            elif (enterprise, institution) in seen:
                self.fail(f"重复锁定 {enterprise}–{institution}",
                          f"meeting {enterprise}–{institution} locked twice", where)
            else:
                seen.add((enterprise, institution))
                result.append(LockedMeeting(enterprise, institution, slot, table))
        return result


# --- writing -----------------------------------------------------------------------------------


def problem_to_dict(problem: Problem) -> dict[str, Any]:
    """The JSON form of `problem`, with defaults written out explicitly."""
    return {
        "format": PROBLEM_FORMAT,
        "slots": [{"id": s.id, "start": s.start.isoformat(), "end": s.end.isoformat()}
                  for s in problem.slots],
        "enterprises": [{"id": e.id, "available": list(e.available), "max_meetings": e.max_meetings}
                        for e in problem.enterprises],
        "institutions": [{"id": i.id, "tables": i.tables, "available": list(i.available),
                          "max_meetings": i.max_meetings} for i in problem.institutions],
        "requests": [{"enterprise": r.enterprise, "institution": r.institution, "weight": r.weight,
                      "after_pitch": r.after_pitch} for r in problem.requests],
        "pitches": [{"enterprise": p.enterprise, "slot": p.slot} for p in problem.pitches],
        "locked": [{"enterprise": m.enterprise, "institution": m.institution, "slot": m.slot,
                    **({"table": m.table} if m.table is not None else {})} for m in problem.locked],
        "coverage_bonus": problem.coverage_bonus,
    }


def problem_to_json(problem: Problem) -> str:
    return json.dumps(problem_to_dict(problem), ensure_ascii=False)
