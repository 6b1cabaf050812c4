"""Property tests on small random problems, against an exhaustive search that shares no code
with the solver (only the independent checker)."""

from __future__ import annotations

import itertools
from collections import defaultdict

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.solver.bound import lp_bound
from matchmaker.solver.check import check, check_meetings, objective_of
from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import compile_instance
from matchmaker.solver.problem import Problem
from matchmaker.solver.select import select_requests
from matchmaker.solver.solution import Meeting
from matchmaker.solver.solve import solve
from tests.solver.factories import make_problem


@st.composite
def small_problems(draw) -> Problem:
    n_slots = draw(st.integers(1, 3))
    slot_ids = [f"s{k + 1}" for k in range(n_slots)]
    subsets = st.lists(st.sampled_from(slot_ids), unique=True, min_size=1)
    enterprises = [{"id": f"E{k}", "available": draw(subsets),
                    "max_meetings": draw(st.sampled_from([None, 1, 2]))} for k in range(draw(st.integers(1, 3)))]
    institutions = [{"id": f"I{k}", "available": draw(subsets), "tables": draw(st.integers(1, 2)),
                     "max_meetings": draw(st.sampled_from([None, 1, 3]))} for k in range(draw(st.integers(1, 2)))]
    pairs = [(e["id"], i["id"]) for e in enterprises for i in institutions]
    chosen = draw(st.lists(st.sampled_from(pairs), unique=True, max_size=5))
    pitches = {e["id"]: draw(st.sampled_from(slot_ids)) for e in enterprises if draw(st.booleans())}
    requests = [(e, i, draw(st.integers(0, 9)), e in pitches and draw(st.booleans())) for e, i in chosen]
    return make_problem(slots=n_slots, enterprises=enterprises, institutions=institutions, requests=requests,
                        pitches=list(pitches.items()), coverage_bonus=draw(st.integers(0, 5)))


def brute_force_optimum(problem: Problem) -> int:
    """Try every slot (or none) for every request; tables numbered in order within a slot."""
    options = [None, *problem.slot_ids]
    best = 0
    for choice in itertools.product(options, repeat=len(problem.requests)):
        seats: dict[tuple[str, str], int] = defaultdict(int)
        meetings = []
        for request, slot in zip(problem.requests, choice, strict=True):
            if slot is not None:
                seats[request.institution, slot] += 1
                meetings.append(Meeting(request.enterprise, request.institution, slot,
                                        seats[request.institution, slot]))
        if not check_meetings(problem, meetings):
            best = max(best, objective_of(problem, meetings))
    return best


@settings(max_examples=40, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow])
@given(small_problems())
def test_solver_is_valid_optimal_and_bounds_hold(problem):
    optimum = brute_force_optimum(problem)

    solution = solve(problem, time_limit=5, seed=1)

    assert check(problem, solution) == []
    assert solution.objective == optimum
    assert solution.upper_bound >= optimum
    inst = compile_instance(problem)
    assert select_requests(inst).bound >= optimum
    assert lp_bound(inst, Deadline(5), share=1.0) >= optimum
