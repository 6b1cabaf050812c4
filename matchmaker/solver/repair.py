"""`repair(problem, previous)`: re-solve a changed problem, moving as few published meetings as
possible.

A previous meeting is *still valid* when its pair is still requested and its slot is still
feasible for both sides. Still-valid meetings are put back first (where they still fit), new
or freed capacity is filled without moving anyone. Then idle gaps are closed (`close_gaps`):
a new meeting may go anywhere, and a previous meeting may move when that removes at least one
idle gap, at most 1.5 % of them (3 in a small event). Only then may the neighbourhood search
move meetings — each previous meeting that leaves its (now) slot costs `move_penalty` in the
first tier of the objective, so a move must buy more value than it costs.
"""

from __future__ import annotations

import random

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import Instance, compile_instance, locked_clashes
from matchmaker.solver.lns import Search, improve
from matchmaker.solver.place import fill_unmet, insert_with_one_move, place_locked
from matchmaker.solver.polish import close_gaps
from matchmaker.solver.problem import Problem
from matchmaker.solver.report import build_solution, infeasible_solution
from matchmaker.solver.schedule import UNMET, Schedule
from matchmaker.solver.select import select_requests
from matchmaker.solver.solution import Solution
from matchmaker.solver.solve import Progress, _Reporter, finishing_reserve

REPAIR_STALL_LIMIT = 60
GAP_MOVE_SHARE = 0.015  # of the movable still-valid meetings, at most this many move to close gaps
GAP_MOVES_AT_LEAST = 3  # however small the event


def still_valid(inst: Instance, previous: Solution) -> dict[int, tuple[int, int]]:
    """request -> (slot, table) for previous meetings that the changed problem still allows."""
    slot_index = {slot_id: s for s, slot_id in enumerate(inst.problem.slot_ids)}
    ent = {ident: e for e, ident in enumerate(inst.enterprise_ids)}
    ins = {ident: i for i, ident in enumerate(inst.institution_ids)}
    valid = {}
    for m in previous.meetings:
        r = inst.pair.get((ent.get(m.enterprise, -1), ins.get(m.institution, -1)))
        s = slot_index.get(m.slot)
        if r is not None and s is not None and inst.req_slots[r] >> s & 1:
            valid[r] = (s, m.table)
    return valid


def repair(problem: Problem, previous: Solution, *, time_limit: float = 10.0, seed: int = 0,
           move_penalty: int = 5, on_progress: Progress = None) -> Solution:
    deadline = Deadline(time_limit)
    inst = compile_instance(problem)
    deadline.keep(finishing_reserve(inst.n_requests))
    clashes = locked_clashes(inst)
    if clashes:
        return infeasible_solution(clashes, deadline.elapsed())
    report = _Reporter(deadline, on_progress)
    valid = still_valid(inst, previous)
    sched = Schedule(inst)
    place_locked(sched)
    for r, (s, _) in sorted(valid.items(), key=lambda item: -inst.req_weight[item[0]]):
        if sched.slot_of[r] == UNMET and sched.room_for(r) and sched.free_slots(r) >> s & 1:
            sched.place(r, s)
    selection = select_requests(inst)
    rng = random.Random(seed)
    for r in sorted(selection.chosen):
        if sched.slot_of[r] == UNMET:
            insert_with_one_move(sched, r, moves=False)
    fill_unmet(sched, rng, moves=False, deadline=deadline)
    previous_slot = {r: s for r, (s, _) in valid.items()}
    # cancellations leave holes and new meetings land where a table is free: close those idle
    # gaps by moving meetings, each moved previous meeting paid for by at least one gap removed
    movable = len(set(valid) - set(inst.locked))
    close_gaps(sched, deadline, previous=previous_slot, rng=rng,
               budget=max(GAP_MOVES_AT_LEAST, int(GAP_MOVE_SHARE * movable)))
    report(sched.objective, selection.bound, "construct", force=True)
    # the search then keeps meetings where they are now (a meeting moved to close a gap stays)
    anchor = {r: s if sched.slot_of[r] == UNMET else sched.slot_of[r] for r, s in previous_slot.items()}
    search = Search(inst, sched, deadline, seed, bound=selection.bound, previous=anchor,
                    move_penalty=move_penalty,
                    targets={r for r in selection.chosen if sched.slot_of[r] == UNMET},
                    on_improve=lambda: report(sched.objective, selection.bound, "lns"))
    stopped = improve(search, stall_limit=REPAIR_STALL_LIMIT,
                      done=lambda: sched.objective >= selection.bound and search.gaps == 0)
    report(sched.objective, selection.bound, "done", force=True)
    kept = sum(1 for r, s in previous_slot.items() if sched.slot_of[r] == s)
    extra = {"previous_meetings": len(previous.meetings), "still_valid": len(valid),
             "kept_slot": kept, "moved": sum(1 for r, s in previous_slot.items()
                                              if sched.slot_of[r] not in (s, UNMET)),
             "dropped": sum(1 for r in previous_slot if sched.slot_of[r] == UNMET),
             "bound_source": "flow", "lns_iterations": search.iterations, "stopped": stopped}
    return build_solution(inst, sched, selection.bound, deadline.elapsed(), extra, valid)
