"""The matchmaker.schedule-solution/1 format: write, read back, refuse what is not a solution."""

from __future__ import annotations

import pytest

from matchmaker.solver.solution import (Meeting, Solution, SolutionError, Unscheduled, parse_solution,
                                        solution_to_dict)


def test_round_trip_keeps_everything():
    solution = Solution("feasible", 12, 15, (Meeting("E1", "I1", "s2", 2),),
                        (Unscheduled("E2", "I1", "共同可用时段已排满 (every common slot is taken)"),),
                        {"seconds": 0.5, "idle_gaps": 0, "gap": 0.2})

    data = solution_to_dict(solution)

    assert data["format"] == "matchmaker.schedule-solution/1"
    assert data["meetings"] == [{"enterprise": "E1", "institution": "I1", "slot": "s2", "table": 2}]
    assert parse_solution(data) == solution


def test_infeasible_solution_carries_its_reason():
    solution = Solution("infeasible", 0, None, (), reason="锁定的会面冲突 (locked meetings clash): E1–I2 at s1 and E1–I1")

    data = solution_to_dict(solution)

    assert (data["status"], data["upper_bound"], data["reason"]) == ("infeasible", None, solution.reason)
    assert parse_solution(data) == solution


@pytest.mark.parametrize(("data", "message"), [
    ({"format": "other"}, "格式必须是 (format must be) 'matchmaker.schedule-solution/1'"),
    ({"format": "matchmaker.schedule-solution/1", "status": "great"}, "未知状态 (unknown status) 'great'"),
    ({"format": "matchmaker.schedule-solution/1", "status": "optimal", "objective": 1, "meetings": [{}]},
     "解答文件格式错误 (malformed solution): KeyError('enterprise')"),
])
def test_malformed_solutions_are_refused(data, message):
    with pytest.raises(SolutionError) as caught:
        parse_solution(data)

    assert str(caught.value) == message
