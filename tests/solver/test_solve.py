"""The solver on tiny hand-built problems: one test per rule, exact values, checker always passes."""

from __future__ import annotations

import random
import time

from matchmaker.solver.check import check
from matchmaker.solver.solution import Meeting, Unscheduled
from matchmaker.solver.solve import ProgressEvent, solve
from tests.solver.factories import make_problem, random_problem


def solved(problem, **kwargs):
    solution = solve(problem, time_limit=kwargs.pop("time_limit", 5), seed=kwargs.pop("seed", 0), **kwargs)
    assert check(problem, solution) == []
    return solution


def test_one_meeting_per_enterprise_and_slot_keeps_the_heavier_request():
    problem = make_problem(slots=1, institutions=["I1", "I2"], requests=[("E1", "I1", 3), ("E1", "I2", 7)])

    solution = solved(problem)

    assert solution.meetings == (Meeting("E1", "I2", "s1", 1),)
    assert solution.unscheduled == (Unscheduled("E1", "I1", "企业已达会面上限 (enterprise at its meeting cap)"),)
    assert (solution.status, solution.objective, solution.upper_bound) == ("optimal", 7, 7)


def test_institution_tables_are_numbered_and_limit_the_slot():
    problem = make_problem(slots=1, enterprises=["E1", "E2", "E3"], institutions=[{"id": "I1", "tables": 2}],
                           requests=[("E1", "I1", 1), ("E2", "I1", 5), ("E3", "I1", 4)])

    solution = solved(problem)

    assert solution.meetings == (Meeting("E2", "I1", "s1", 1), Meeting("E3", "I1", "s1", 2))
    assert solution.objective == 9


def test_meetings_only_where_both_sides_are_available():
    problem = make_problem(slots=3, enterprises=[{"id": "E1", "available": ["s2", "s3"]}],
                           institutions=[{"id": "I1", "available": ["s1", "s2"]}], requests=[("E1", "I1", 2)])

    solution = solved(problem)

    assert solution.meetings == (Meeting("E1", "I1", "s2", 1),)


def test_no_meeting_during_own_pitch_and_follow_up_comes_after_it():
    problem = make_problem(slots=3, institutions=["I1", "I2"],
                           requests=[("E1", "I1", 2), ("E1", "I2", 2, True)], pitches=[("E1", "s2")])

    solution = solved(problem)

    assert solution.meetings == (Meeting("E1", "I1", "s1", 1), Meeting("E1", "I2", "s3", 1))


def test_caps_limit_meetings_of_both_sides():
    problem = make_problem(slots=3, enterprises=[{"id": "E1", "max_meetings": 1}, "E2"],
                           institutions=["I1", {"id": "I2", "max_meetings": 1}],
                           requests=[("E1", "I1", 5), ("E1", "I2", 9), ("E2", "I2", 4)])

    solution = solved(problem)

    assert sorted((m.enterprise, m.institution) for m in solution.meetings) == [("E1", "I2")]
    assert solution.objective == 9


def test_locked_meeting_is_kept_with_its_table():
    problem = make_problem(slots=3, institutions=[{"id": "I1", "tables": 3}], requests=[("E1", "I1", 1)],
                           locked=[("E1", "I1", "s3", 3)])

    solution = solved(problem)

    assert solution.meetings == (Meeting("E1", "I1", "s3", 3),)


def test_coverage_bonus_can_outweigh_a_heavier_request():
    # I1 has one slot: E1 could take it (10) but E2 meeting anyone earns the bonus (5 + 10).
    problem = make_problem(slots=2, enterprises=["E1", "E2"],
                           institutions=[{"id": "I1", "available": ["s1"]}, "I2"],
                           requests=[("E1", "I1", 10), ("E1", "I2", 1), ("E2", "I1", 5)], coverage_bonus=10)

    solution = solved(problem)

    assert sorted((m.enterprise, m.institution) for m in solution.meetings) == [("E1", "I2"), ("E2", "I1")]
    assert (solution.objective, solution.upper_bound, solution.status) == (26, 26, "optimal")


def test_meetings_are_packed_without_idle_gaps():
    problem = make_problem(slots=5, enterprises=["E1", "E2"], institutions=["I1", "I2", "I3"],
                           requests=[("E1", "I1", 1), ("E1", "I2", 1), ("E1", "I3", 1), ("E2", "I1", 1)],
                           locked=[("E1", "I3", "s1")])

    solution = solved(problem)

    assert solution.stats["idle_gaps"] == 0
    slots_of_e1 = sorted(m.slot for m in solution.meetings if m.enterprise == "E1")
    assert slots_of_e1 == ["s1", "s2", "s3"]


def test_clashing_locked_meetings_make_the_problem_infeasible():
    problem = make_problem(slots=2, institutions=["I1", "I2"], requests=[("E1", "I1", 1), ("E1", "I2", 1)],
                           locked=[("E1", "I1", "s1"), ("E1", "I2", "s1")])

    solution = solved(problem)

    assert (solution.status, solution.meetings, solution.upper_bound) == ("infeasible", (), None)
    assert solution.reason == "锁定的会面冲突 (locked meetings clash): E1–I2 at s1 and E1–I1"


def test_locked_meeting_in_an_unavailable_slot_is_infeasible():
    problem = make_problem(slots=2, enterprises=[{"id": "E1", "available": ["s2"]}], requests=[("E1", "I1", 1)],
                           locked=[("E1", "I1", "s1")])

    solution = solved(problem)

    assert solution.reason == ("锁定的会面时段不可用 (locked meeting in a slot that is unavailable, the pitch, "
                               "or not after the pitch): E1–I1 at s1")


def test_progress_events_arrive_in_time_order():
    problem = make_problem(slots=2, enterprises=["E1", "E2"], requests=[("E1", "I1", 3), ("E2", "I1", 2)])
    events: list[ProgressEvent] = []

    solved(problem, on_progress=events.append)

    assert [(e.objective, e.bound, e.phase) for e in events] == [(5, 5, "construct"), (5, 5, "done")]
    assert events[0].seconds <= events[1].seconds


def test_same_seed_gives_the_same_schedule():
    problem = make_problem(slots=4, enterprises=["E1", "E2", "E3"],
                           institutions=["I1", {"id": "I2", "tables": 2}],
                           requests=[("E1", "I1", 3), ("E1", "I2", 2), ("E2", "I1", 3), ("E2", "I2", 5),
                                     ("E3", "I1", 1), ("E3", "I2", 1)], coverage_bonus=2)

    first = solved(problem, seed=7)
    second = solved(problem, seed=7)

    assert first.meetings == second.meetings
    assert (first.objective, first.stats["idle_gaps"]) == (second.objective, second.stats["idle_gaps"])


def contested_problem():
    """Ten enterprises with scattered availability asking for four institutions (the
    hall-first construction now reaches its optimum with no idle gap by itself)."""
    rng = random.Random(10)
    slots = [f"s{k + 1}" for k in range(6)]
    enterprises = [{"id": f"E{k}", "available": sorted(rng.sample(slots, rng.randint(3, 6)), key=slots.index)}
                   for k in range(10)]
    institutions = [{"id": "I1"}, {"id": "I2", "tables": 2}, {"id": "I3", "available": ["s2", "s3", "s4", "s5"]},
                    {"id": "I4"}]
    requests = [(e["id"], i["id"], rng.randint(1, 9)) for e in enterprises for i in institutions
                if rng.random() < 0.6]
    return make_problem(slots=6, enterprises=enterprises, institutions=institutions, requests=requests,
                        coverage_bonus=3)


def test_same_seed_gives_the_same_schedule_when_the_search_runs():
    problem = contested_problem()

    first = solved(problem, seed=11, time_limit=20)
    second = solved(problem, seed=11, time_limit=20)

    assert first.meetings == second.meetings
    assert (first.status, first.objective, first.stats["idle_gaps"]) == ("optimal", 152, 0)
    assert (first.stats["lns_iterations"], first.stats["lns_improvements"]) == (
        second.stats["lns_iterations"], second.stats["lns_improvements"])


def test_time_limit_is_kept_and_the_incumbent_comes_back_checked():
    problem = random_problem(enterprises=600, institutions=80, slots=16, per_enterprise=6, seed=4)
    started = time.monotonic()

    solution = solve(problem, time_limit=1.0, seed=4)

    # The deadline holds for the whole solve; the margin absorbs a loaded 2-core machine (1.7 s was
    # seen with eight test runs side by side), not a solver that keeps searching past its limit.
    assert time.monotonic() - started < 2.5
    assert check(problem, solution) == []
    assert solution.status in ("optimal", "feasible")
    assert solution.upper_bound >= solution.objective > 0
