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
    # the parallel portfolio of two workers (one of them LNS), like a plain model run: on
    # fragmented 300×60 it reaches 14,488 in 12 s where interleave_search (deterministic)
    # reaches 14,463 — the primal side matters here, the LP already gives the bound
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
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
                  seconds: float, early_floor: int = 0) -> int | None:
    """Improve `sched` with the exact model for about `seconds`, starting from it (complete
    hint; the answer is adopted only when better, so never below the incumbent); return a
    proven bound on the objective, or None. Neither `value ≥ incumbent` nor `value ≤ LP bound`
    is added: measured on fragmented 1,000×200, the cap made the search find far less
    (40,955 against 41,213 in 17 s) and the floor changed nothing. The first-hour floor is
    kept (`early_floor` meetings in the event's first hour), as in every phase after the
    construction; the bound stays valid only without it, so a floor returns no bound."""
    free = [r for r in range(inst.n_requests) if r not in inst.locked]
    hood = build_neighbourhood(inst, sched, free, gaps=False)
    value = sum(c * v for c, v in hood.weight_terms)
    fixed_value = sched.objective - free_value(inst, sched, free)
    if early_floor:
        early = [var for (r, s), var in hood.meet.items() if inst.early >> s & 1]
        fixed_early = sum(1 for r, (s, _) in inst.locked.items() if inst.early >> s & 1)
        hood.model.add(sum(early) >= early_floor - fixed_early)
    hood.model.maximize(value)
    solver = _solver(seed, seconds, deadline)
    status = solver.solve(hood.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None
    if solver.objective_value + fixed_value > sched.objective:
        _adopt(sched, hood, solver)
    if early_floor:
        return None
    return int(solver.best_objective_bound + 1e-6) + fixed_value
