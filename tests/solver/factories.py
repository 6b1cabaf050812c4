"""Build small schedule problems as JSON dicts (for the parser) or as parsed Problems."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

from matchmaker.solver.problem import PROBLEM_FORMAT, Problem, parse_problem

SHANGHAI = timezone(timedelta(hours=8))


def slot_data(n: int) -> list[dict[str, str]]:
    """Slots s1..sn of 20 minutes from 09:00 on 2026-12-08 (Asia/Shanghai)."""
    start = datetime(2026, 12, 8, 9, 0, tzinfo=SHANGHAI)
    return [{"id": f"s{k + 1}", "start": (start + timedelta(minutes=20 * k)).isoformat(),
             "end": (start + timedelta(minutes=20 * k + 20)).isoformat()} for k in range(n)]


def _participant(item: str | dict[str, Any]) -> dict[str, Any]:
    return {"id": item} if isinstance(item, str) else dict(item)


def _request(item: tuple | dict[str, Any]) -> dict[str, Any]:
    if isinstance(item, dict):
        return dict(item)
    enterprise, institution, weight, *rest = item
    return {"enterprise": enterprise, "institution": institution, "weight": weight,
            "after_pitch": bool(rest and rest[0])}


def problem_data(slots: int = 3, enterprises=("E1",), institutions=("I1",), requests=(),
                 pitches=(), locked=(), coverage_bonus: int | None = None) -> dict[str, Any]:
    """The JSON form. Pitches are (enterprise, slot); locked are (enterprise, institution, slot[, table])."""
    data: dict[str, Any] = {
        "format": PROBLEM_FORMAT,
        "slots": slot_data(slots),
        "enterprises": [_participant(e) for e in enterprises],
        "institutions": [_participant(i) for i in institutions],
        "requests": [_request(r) for r in requests],
    }
    if pitches:
        data["pitches"] = [{"enterprise": e, "slot": s} for e, s in pitches]
    if locked:
        data["locked"] = [{"enterprise": m[0], "institution": m[1], "slot": m[2],
                           **({"table": m[3]} if len(m) > 3 else {})} for m in locked]
    if coverage_bonus is not None:
        data["coverage_bonus"] = coverage_bonus
    return data


def make_problem(**kwargs) -> Problem:
    return parse_problem(problem_data(**kwargs))
