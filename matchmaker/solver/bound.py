"""Upper bound from the LP relaxation of the time-indexed model, solved with GLOP.

The bound is not GLOP's objective value (floating point, tolerances, possibly cut short by the
time limit) but a Lagrangian bound recomputed from its duals: for any y >= 0 on the <= rows,
    b·y + Σ_j u_j · max(0, c_j − a_jᵀy)
is at least the LP optimum, hence at least the integer optimum. Any duals give a valid bound;
good duals give a tight one.
"""

from __future__ import annotations

import math
from collections import defaultdict

from ortools.linear_solver import pywraplp

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import Instance, bits

LP_VARIABLES = 150_000    # GLOP plus building the model in Python: ~7 s at this size


def lp_bound(inst: Instance, deadline: Deadline, share: float) -> int | None:
    """A proven bound on the objective, or None if the LP is too big or GLOP is unavailable."""
    columns = _columns(inst)
    if len(columns) > LP_VARIABLES:
        return None
    solver = pywraplp.Solver.CreateSolver("GLOP")
    if solver is None:
        return None
    solver.SetTimeLimit(int(1000 * max(0.1, deadline.remaining() * share)))
    rows: dict[tuple, tuple[pywraplp.Constraint, float]] = {}

    def row(key: tuple, limit: float) -> pywraplp.Constraint:
        if key not in rows:
            rows[key] = (solver.Constraint(-solver.infinity(), limit), limit)
        return rows[key][0]

    locked_e, locked_i, locked_is = _locked_use(inst)
    objective = solver.Objective()
    variables = []
    for (r, s) in columns:
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        x = solver.NumVar(0.0, 1.0, "")
        objective.SetCoefficient(x, inst.req_weight[r])
        keys = [(("r", r), 1), (("es", e, s), 1), (("is", i, s), inst.inst_tables[i] - locked_is[i, s]),
                (("e", e), inst.ent_cap[e] - locked_e[e]), (("i", i), inst.inst_cap[i] - locked_i[i])]
        entries = [(key, 1.0) for key, _ in keys]
        for key, limit in keys:
            row(key, limit).SetCoefficient(x, 1.0)
        if inst.coverage_bonus and not locked_e[e]:
            row(("cov", e), 0.0).SetCoefficient(x, -1.0)
            entries.append((("cov", e), -1.0))
        variables.append((x, inst.req_weight[r], entries))
    for e in {inst.req_enterprise[r] for r, _ in columns}:
        if inst.coverage_bonus and not locked_e[e]:
            y = solver.NumVar(0.0, 1.0, "")
            objective.SetCoefficient(y, inst.coverage_bonus)
            row(("cov", e), 0.0).SetCoefficient(y, 1.0)
            variables.append((y, inst.coverage_bonus, [(("cov", e), 1.0)]))
    objective.SetMaximization()
    if solver.Solve() not in (pywraplp.Solver.OPTIMAL, pywraplp.Solver.FEASIBLE):
        return None
    dual = {key: max(0.0, constraint.dual_value()) for key, (constraint, _) in rows.items()}
    value = sum(dual[key] * limit for key, (_, limit) in rows.items())
    value += sum(max(0.0, cost - sum(dual[key] * a for key, a in entries)) for _, cost, entries in variables)
    fixed = sum(inst.req_weight[r] for r in inst.locked) + inst.coverage_bonus * sum(
        1 for n in locked_e.values() if n)
    return math.floor(value * (1 + 1e-9) + 1e-6) + fixed


def _columns(inst: Instance) -> list[tuple[int, int]]:
    ent_locked = defaultdict(int)
    for r, (s, _) in inst.locked.items():
        ent_locked[inst.req_enterprise[r]] |= 1 << s
    return [(r, s) for r in range(inst.n_requests) if r not in inst.locked
            for s in bits(inst.req_slots[r] & ~ent_locked[inst.req_enterprise[r]])]


def _locked_use(inst: Instance):
    locked_e, locked_i, locked_is = defaultdict(int), defaultdict(int), defaultdict(int)
    for r, (s, _) in inst.locked.items():
        locked_e[inst.req_enterprise[r]] += 1
        locked_i[inst.req_institution[r]] += 1
        locked_is[inst.req_institution[r], s] += 1
    return locked_e, locked_i, locked_is
