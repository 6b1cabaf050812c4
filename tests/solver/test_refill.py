"""The event-day refill: past slots frozen, absent participants gone, freed slots refilled."""

from __future__ import annotations

from matchmaker.solver.check import check
from matchmaker.solver.problem import LockedMeeting
from matchmaker.solver.refill import refill_problem
from matchmaker.solver.repair import repair
from matchmaker.solver.solution import Meeting, Solution
from tests.solver.factories import make_problem


def test_refill_keeps_the_past_drops_the_absent_and_fills_freed_slots_with_those_present():
    problem = make_problem(slots=3, enterprises=["E1", "E2", "E3"], institutions=["I1", "I2"],
                           requests=[("E1", "I1", 5), ("E2", "I1", 5), ("E3", "I1", 4), ("E2", "I2", 3),
                                     ("E3", "I2", 2)])
    published = Solution("optimal", 0, None, (
        Meeting("E1", "I1", "s1", 1), Meeting("E2", "I1", "s2", 1), Meeting("E3", "I1", "s3", 1),
        Meeting("E2", "I2", "s1", 1), Meeting("E3", "I2", "s2", 1)))

    changed = refill_problem(problem, published, absent={"E2"}, frozen=["s1"])
    solution = repair(changed, published, time_limit=5, seed=0)

    assert changed.locked == (LockedMeeting("E1", "I1", "s1", 1),)
    assert [(e.id, e.available) for e in changed.enterprises] == [
        ("E1", ("s1", "s2", "s3")), ("E2", ()), ("E3", ("s2", "s3"))]
    assert [(i.id, i.available) for i in changed.institutions] == [("I1", ("s1", "s2", "s3")), ("I2", ("s2", "s3"))]
    assert check(changed, solution) == []
    assert solution.meetings == (Meeting("E1", "I1", "s1", 1), Meeting("E3", "I1", "s3", 1),
                                 Meeting("E3", "I2", "s2", 1))
