"""Turn the working schedule into a `Solution`: tables, unscheduled reasons, status and stats."""

from __future__ import annotations

from typing import Any

from matchmaker.solver.instance import Instance
from matchmaker.solver.schedule import UNMET, Schedule
from matchmaker.solver.solution import Meeting, Solution, Unscheduled
from matchmaker.solver.tables import assign_tables


def unscheduled_reason(inst: Instance, sched: Schedule, r: int) -> str:
    e, i = inst.req_enterprise[r], inst.req_institution[r]
    if not inst.req_slots[r]:
        return "没有共同可用时段 (no common available slot)"
    if sched.ent_count[e] >= inst.ent_cap[e]:
        return "企业已达会面上限 (enterprise at its meeting cap)"
    if sched.inst_count[i] >= inst.inst_cap[i]:
        return "机构已达会面上限 (institution at its meeting cap)"
    if not sched.free_slots(r):
        return "共同可用时段已排满 (every common slot is taken)"
    return "让位于权重更高的会面 (gave way to higher-value meetings)"


def build_solution(inst: Instance, sched: Schedule, bound: int, seconds: float,
                   extra: dict[str, Any], previous_tables: dict[int, tuple[int, int]] | None = None
                   ) -> Solution:
    slot_ids = inst.problem.slot_ids
    table_of = assign_tables(inst, sched, previous_tables)
    meetings = tuple(Meeting(inst.enterprise_ids[inst.req_enterprise[r]],
                             inst.institution_ids[inst.req_institution[r]], slot_ids[s], table_of[r])
                     for r, s in enumerate(sched.slot_of) if s != UNMET)
    unscheduled = tuple(Unscheduled(inst.enterprise_ids[inst.req_enterprise[r]],
                                    inst.institution_ids[inst.req_institution[r]],
                                    unscheduled_reason(inst, sched, r))
                        for r, s in enumerate(sched.slot_of) if s == UNMET)
    enterprise_gaps, institution_gaps = sched.gaps()
    objective = sched.objective
    stats = {
        "seconds": round(seconds, 3),
        "idle_gaps": enterprise_gaps + institution_gaps,
        "enterprise_idle_gaps": enterprise_gaps,
        "institution_idle_gaps": institution_gaps,
        "gap": round((bound - objective) / bound, 6) if bound else 0.0,
        "requests": inst.n_requests,
        "met_requests": len(meetings),
        "covered_enterprises": sched.covered,
        **extra,
    }
    status = "optimal" if objective == bound else "feasible"
    return Solution(status, objective, bound, meetings, unscheduled, stats)


def infeasible_solution(reasons: list[str], seconds: float) -> Solution:
    return Solution("infeasible", 0, None, (), (), {"seconds": round(seconds, 3)},
                    reason="; ".join(reasons))
