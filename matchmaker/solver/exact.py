"""The exact time-indexed model, for instances small enough to prove optimality outright.

Only the first tier of the objective (value) is solved here: its best bound is a proven upper
bound, since the model is the whole problem. Idle gaps are left to the neighbourhood search,
which closes them far faster than the full model with gap variables does.
"""

from __future__ import annotations

from ortools.sat.python import cp_model

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import Instance
from matchmaker.solver.model import build_neighbourhood, free_value
from matchmaker.solver.schedule import UNMET, Schedule

EXACT_VARIABLES = 120_000   # meeting literals; beyond this the decomposition does better (measured:
                            # at 85,000 on fragmented 3,000×500 the exact model still wins on value)


def exact_size(inst: Instance) -> int:
    return sum(mask.bit_count() for mask in inst.req_slots)


def _solver(seed: int, seconds: float, deadline: Deadline) -> cp_model.CpSolver:
    solver = cp_model.CpSolver()
    # interleave_search makes the two workers deterministic for a given seed (sat_parameters.proto)
    solver.parameters.num_workers = 2
    solver.parameters.interleave_search = True
    solver.parameters.random_seed = seed
    # the deterministic budget decides where the search stops; measured at about a third of
    # wall time on two workers, so the wall-clock guard rarely fires (and then only on slow machines)
    solver.parameters.max_deterministic_time = seconds / 3
    solver.parameters.max_time_in_seconds = max(0.01, min(seconds, deadline.remaining()))
    return solver


def _adopt(sched: Schedule, hood, solver: cp_model.CpSolver) -> None:
    for r in hood.free:
        if sched.slot_of[r] != UNMET:
            sched.remove(r)
    for (r, s), var in hood.meet.items():
        if solver.boolean_value(var):
            sched.place(r, s)


def solve_exactly(inst: Instance, sched: Schedule, deadline: Deadline, seed: int,
                  seconds: float) -> int | None:
    """Improve `sched` with the exact model for about `seconds`; return a proven bound on the
    objective, or None."""
    free = [r for r in range(inst.n_requests) if r not in inst.locked]
    hood = build_neighbourhood(inst, sched, free, gaps=False)
    value = sum(c * v for c, v in hood.weight_terms)
    hood.model.maximize(value)
    solver = _solver(seed, seconds, deadline)
    status = solver.solve(hood.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    fixed_value = sched.objective - free_value(inst, sched, free)
    if solver.objective_value + fixed_value > sched.objective:
        _adopt(sched, hood, solver)
    return int(solver.best_objective_bound + 1e-6) + fixed_value
