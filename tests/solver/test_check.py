"""The independent checker: a valid hand-made schedule passes; each rule broken once is caught."""

from __future__ import annotations

from dataclasses import replace

import pytest

from matchmaker.solver.check import IdleGaps, check, check_meetings, idle_gaps, objective_of
from matchmaker.solver.solution import Meeting, Solution
from tests.solver.factories import make_problem


def base_problem(**overrides):
    """E1 pitches at s2 and follows up with I2 after it; E2–I1 is locked at s1, table 2."""
    spec = dict(
        slots=4,
        enterprises=[{"id": "E1", "max_meetings": 2}, {"id": "E2", "available": ["s1", "s2", "s3"]}, "E3"],
        institutions=[{"id": "I1", "tables": 2, "max_meetings": 4}, "I2",
                      {"id": "I3", "tables": 2, "available": ["s3", "s4"]}],
        requests=[("E1", "I1", 5), ("E1", "I2", 3, True), ("E2", "I1", 4), ("E2", "I2", 2),
                  ("E3", "I1", 1), ("E3", "I3", 1)],
        pitches=[("E1", "s2")], locked=[("E2", "I1", "s1", 2)], coverage_bonus=10)
    spec.update(overrides)
    return make_problem(**spec)


VALID = (Meeting("E1", "I1", "s1", 1), Meeting("E1", "I2", "s3", 1), Meeting("E2", "I1", "s1", 2),
         Meeting("E2", "I2", "s2", 1), Meeting("E3", "I1", "s4", 1), Meeting("E3", "I3", "s3", 1))


def changed(*meetings: Meeting, drop: tuple[str, str] | None = None) -> list[Meeting]:
    """VALID with each given meeting replacing the one of the same pair (or added), `drop` removed."""
    pairs = {(m.enterprise, m.institution): m for m in meetings}
    out = [pairs.pop((m.enterprise, m.institution), m) for m in VALID if (m.enterprise, m.institution) != drop]
    return out + list(pairs.values())


def test_valid_schedule_passes_and_figures_are_recomputed():
    problem = base_problem()
    solution = Solution("feasible", 46, 50, VALID, stats={"idle_gaps": 2})

    assert check(problem, solution) == []
    assert objective_of(problem, VALID) == 5 + 3 + 4 + 2 + 1 + 1 + 3 * 10
    assert idle_gaps(problem, VALID) == IdleGaps(0, 2)   # I1 meets at s1 and s4 only


@pytest.mark.parametrize(("meetings", "overrides", "expected"), [
    pytest.param(VALID + (Meeting("E3", "I1", "s2", 1),), {},
                 ["请求被安排了 2 次 (request met 2 times): E3–I1"], id="met twice"),
    pytest.param(changed(Meeting("E2", "I3", "s3", 2)), {},
                 ["未请求的会面 (meeting not requested): E2–I3"], id="not requested"),
    pytest.param(changed(Meeting("E2", "I2", "s4", 1)), {},
                 ["企业不在场 (enterprise unavailable): E2 at s4"], id="enterprise away"),
    pytest.param(changed(Meeting("E3", "I3", "s2", 1)), {},
                 ["机构不在场 (institution unavailable): I3 at s2"], id="institution away"),
    pytest.param(changed(Meeting("E1", "I1", "s2", 1)), {},
                 ["企业路演时有会面 (meeting during own pitch): E1 at s2"], id="during pitch"),
    pytest.param(changed(Meeting("E3", "I1", "s3", 1)), {},
                 ["企业同一时段有 2 场会面 (enterprise double-booked): E3 at s3"], id="double-booked"),
    pytest.param(changed(Meeting("E2", "I2", "s3", 1)), {},
                 ["机构桌数不足 (institution over its 1 tables): I2 has 2 at s3",
                  "同一桌重复安排 (table used twice): I2 table 1 at s3"], id="over tables"),
    pytest.param(changed(Meeting("E1", "I1", "s1", 2)), {},
                 ["同一桌重复安排 (table used twice): I1 table 2 at s1"], id="table twice"),
    pytest.param(changed(Meeting("E3", "I1", "s4", 3)), {},
                 ["桌号超出范围 (table outside 1..2): I1 table 3 at s4"], id="table out of range"),
    pytest.param(VALID, {"enterprises": [{"id": "E1", "max_meetings": 1},
                                         {"id": "E2", "available": ["s1", "s2", "s3"]}, "E3"]},
                 ["企业超过会面上限 (enterprise over cap 1): E1 has 2"], id="enterprise cap"),
    pytest.param(VALID, {"institutions": [{"id": "I1", "tables": 2, "max_meetings": 2}, "I2",
                                          {"id": "I3", "tables": 2, "available": ["s3", "s4"]}]},
                 ["机构超过会面上限 (institution over cap 2): I1 has 3"], id="institution cap"),
    pytest.param(changed(Meeting("E1", "I1", "s4", 2), Meeting("E1", "I2", "s1", 1)), {},
                 ["路演后会面排在路演之前或同时 (after-pitch meeting not after the pitch): E1–I2 at s1"],
                 id="before pitch"),
    pytest.param(changed(Meeting("E1", "I1", "s1", 2), Meeting("E2", "I1", "s1", 1)), {},
                 ["锁定的会面未保留 (locked meeting not kept): E2–I1 at s1"], id="locked table moved"),
    pytest.param(changed(drop=("E2", "I1")), {},
                 ["锁定的会面未保留 (locked meeting not kept): E2–I1 at s1"], id="locked dropped"),
])
def test_each_broken_rule_is_caught(meetings, overrides, expected):
    problem = base_problem(**overrides)

    assert check_meetings(problem, meetings) == expected


def test_claimed_figures_must_match():
    problem = base_problem()
    solution = Solution("optimal", 45, 47, VALID, stats={"idle_gaps": 1})

    assert check(problem, solution) == [
        "目标值不符 (objective mismatch): claimed 45, recomputed 46",
        "状态为最优但目标值不等于上界 (status optimal but objective != bound)",
    ]


def test_bound_below_objective_is_caught():
    solution = Solution("feasible", 46, 30, VALID)

    assert check(base_problem(), solution) == ["上界小于目标值 (upper bound 30 below objective 46)"]


def test_idle_gaps_count_available_empty_slots_between_meetings_only():
    problem = make_problem(slots=5, enterprises=[{"id": "E1", "available": ["s1", "s2", "s4", "s5"]}],
                           institutions=["I1", "I2", "I3"],
                           requests=[("E1", "I1", 1), ("E1", "I2", 1), ("E1", "I3", 1)])
    meetings = [Meeting("E1", "I1", "s1", 1), Meeting("E1", "I2", "s4", 1), Meeting("E1", "I3", "s5", 1)]

    # s2 is an idle gap for E1; s3 is not (E1 is away). Each institution has one meeting: no gap.
    assert idle_gaps(problem, meetings) == IdleGaps(1, 0)


def test_pitch_slot_is_not_idle_and_institution_gap_needs_an_empty_slot():
    problem = make_problem(slots=3, enterprises=["E1", "E2", "E3"], institutions=[{"id": "I1", "tables": 2}],
                           requests=[("E1", "I1", 1), ("E2", "I1", 1), ("E3", "I1", 1)],
                           pitches=[("E1", "s2")])
    meetings = [Meeting("E1", "I1", "s1", 1), Meeting("E2", "I1", "s1", 2), Meeting("E3", "I1", "s3", 1)]

    assert idle_gaps(problem, meetings) == IdleGaps(0, 1)


def test_infeasible_solution_must_not_list_meetings():
    solution = replace(Solution("infeasible", 0, None, VALID[:1]), reason="clash")

    assert check(base_problem(), solution) == ["不可行的解答不应包含会面 (infeasible solution lists meetings)"]


def test_infeasible_claim_holds_only_when_locked_meetings_clash():
    consistent = base_problem()
    clashing = base_problem(locked=[("E2", "I1", "s1"), ("E2", "I2", "s1")])
    claim = replace(Solution("infeasible", 0, None, ()), reason="clash")

    assert check(consistent, claim) == ["声称不可行但锁定的会面互不冲突 (claimed infeasible, but the locked "
                                        "meetings are consistent)"]
    assert check(clashing, claim) == []
