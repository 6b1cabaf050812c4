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


def random_problem(enterprises: int, institutions: int, slots: int, per_enterprise: int, seed: int) -> Problem:
    """A contested event: popular institutions (low index) draw most requests, everyone has a
    window of availability, a tenth of the enterprises pitch."""
    import random

    rng = random.Random(seed)
    slot_ids = [f"s{k + 1}" for k in range(slots)]

    def window() -> list[str]:
        start = rng.randrange(slots // 2)
        return slot_ids[start:start + rng.randint(slots // 2, slots)]

    ents = [{"id": f"E{k}", "available": window(), "max_meetings": rng.choice([None, 3, 5])}
            for k in range(enterprises)]
    insts = [{"id": f"I{k}", "tables": rng.choice([1, 1, 2, 3]), "available": window()}
             for k in range(institutions)]
    pitches = [(e["id"], e["available"][0]) for e in ents if rng.random() < 0.1]
    pitching = {e for e, _ in pitches}
    popularity = [1 / (k + 1) for k in range(institutions)]
    requests = []
    for e in ents:
        wanted = set(rng.choices(range(institutions), weights=popularity, k=per_enterprise))
        requests += [(e["id"], f"I{i}", rng.randint(1, 20), e["id"] in pitching and rng.random() < 0.5)
                     for i in sorted(wanted)]
    return make_problem(slots=slots, enterprises=ents, institutions=insts, requests=requests,
                        pitches=pitches, coverage_bonus=10)
