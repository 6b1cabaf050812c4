"""The comparison the scheduler benchmark prints: a plain time-indexed CP-SAT model of the value
alone (no decomposition, no idle gaps), the way an outside user would first write it.

One literal per (request, feasible slot); at most one slot per request; an enterprise at one
table per slot; an institution within its tables per slot; caps; locked meetings fixed; a
coverage literal per enterprise. Maximise weight + bonus × covered. Two workers (the machine
has two cores), the same time limit as the solver.
"""

from __future__ import annotations

from collections import defaultdict

from ortools.sat.python import cp_model

from matchmaker.solver.instance import bits, compile_instance
from matchmaker.solver.problem import Problem

MAX_LITERALS = 150_000   # beyond this, building the model alone eats the time limit


def plain_value(problem: Problem, time_limit: float, seed: int = 0) -> tuple[int | None, int]:
    """(best value found or None, literals). None also when the model is too big to try."""
    value, literals, _ = plain_solve(problem, time_limit, seed)
    return value, literals


def plain_solve(problem: Problem, time_limit: float, seed: int = 0) -> tuple[int | None, int, bool]:
    """(best value found or None, literals, proven optimal)."""
    inst = compile_instance(problem)
    literals = sum(mask.bit_count() for mask in inst.req_slots)
    if literals > MAX_LITERALS:
        return None, literals, False
    model = cp_model.CpModel()
    meet = {(r, s): model.new_bool_var("") for r in range(inst.n_requests) for s in bits(inst.req_slots[r])}
    by_r, by_es, by_is, by_e, by_i = (defaultdict(list) for _ in range(5))
    for (r, s), var in meet.items():
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        by_r[r].append(var), by_es[e, s].append(var), by_is[i, s].append(var)
        by_e[e].append(var), by_i[i].append(var)
    for group in (*by_r.values(), *by_es.values()):
        model.add_at_most_one(group)
    for (i, _), group in by_is.items():
        model.add(sum(group) <= inst.inst_tables[i])
    for e, group in by_e.items():
        model.add(sum(group) <= inst.ent_cap[e])
    for i, group in by_i.items():
        model.add(sum(group) <= inst.inst_cap[i])
    for r, (s, _) in inst.locked.items():
        model.add(meet[r, s] == 1) if (r, s) in meet else model.add_bool_or([])
    covered = {}
    for e, group in by_e.items():
        covered[e] = model.new_bool_var("")
        model.add_bool_or(group).only_enforce_if(covered[e])
    model.maximize(sum(inst.req_weight[r] * var for (r, _), var in meet.items())
                   + inst.coverage_bonus * sum(covered.values()))
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = 2
    solver.parameters.random_seed = seed
    solver.parameters.max_time_in_seconds = time_limit
    status = solver.solve(model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return None, literals, False
    return round(solver.objective_value), literals, status == cp_model.OPTIMAL
