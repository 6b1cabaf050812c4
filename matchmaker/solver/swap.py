"""Two-meeting exchanges into idle gaps: the move `close_gaps` cannot make.

An enterprise waits in slot g while the institution it meets is full there. Moving one of its
meetings (with that institution) into g means moving the occupant of g's table elsewhere — to
the slot just freed, or to any slot where the occupant's enterprise and a table are free. The
exchange is kept when it lowers the weighted idle gaps of everyone involved (both enterprises,
both institutions) and the schedule stays at its first-hour floor. On fragmented days most
idle gaps are at popular one-table institutions, where no single move is possible.
"""

from __future__ import annotations

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import bits
from matchmaker.solver.model import ENTERPRISE_GAP
from matchmaker.solver.polish import EarlyFloor
from matchmaker.solver.schedule import UNMET, Schedule


def swap_into_gaps(sched: Schedule, deadline: Deadline, early: EarlyFloor | None = None,
                   passes: int = 3) -> int:
    """Exchanges until none helps (at most `passes` sweeps over the enterprises with idle
    gaps); returns how many were made."""
    made = 0
    for _ in range(passes):
        changed = 0
        for e in range(len(sched.ent_busy)):
            while sched.ent_gaps(e) and deadline.remaining() > 0.05 and _best_swap(sched, e, early):
                changed += 1
            if deadline.remaining() <= 0.05:
                return made + changed
        made += changed
        if not changed:
            break
    return made


def _idle_slots(sched: Schedule, e: int) -> int:
    busy = sched.ent_busy[e]
    span = ((1 << busy.bit_length()) - 1) & ~((busy & -busy) - 1)
    return span & sched.inst.ent_usable[e] & ~busy


def _best_swap(sched: Schedule, e: int, early: EarlyFloor | None) -> bool:
    """Apply the exchange that removes most weighted idle gaps for e's gaps; False if none."""
    inst = sched.inst
    best, best_gain = None, 0
    idle = _idle_slots(sched, e)
    for r in inst.ent_requests[e]:
        t = sched.slot_of[r]
        if t == UNMET or r in inst.locked:
            continue
        i = inst.req_institution[r]
        for g in bits(idle & inst.req_slots[r]):
            if sched.inst_load[i][g] < inst.inst_tables[i]:
                continue   # a single move: close_gaps' job
            for q in sched.meetings_at("i", i, g):
                if q in inst.locked:
                    continue
                move = _try(sched, r, g, q, early)
                if move is not None and move[1] > best_gain:
                    best, best_gain = move[0], move[1]
    if best is None:
        return False
    r, g, q, u = best
    _apply(sched, r, g, q, u, early)
    return True


def _weighted(sched: Schedule, ents, insts) -> int:
    return ENTERPRISE_GAP * sum(sched.ent_gaps(x) for x in ents) + sum(sched.inst_gaps(x) for x in insts)


def _try(sched: Schedule, r: int, g: int, q: int, early: EarlyFloor | None):
    """Best slot u for the occupant q when r moves into g: ((r, g, q, u), gain) or None."""
    inst = sched.inst
    e, e2 = inst.req_enterprise[r], inst.req_enterprise[q]
    i = inst.req_institution[r]
    t = sched.slot_of[r]
    ents, insts = {e, e2}, {i}
    before = _weighted(sched, ents, insts)
    sched.remove(q)
    sched.remove(r)
    sched.place(r, g)
    best = None
    for u in bits(sched.free_slots(q)):
        change = _early_change(inst, ((t, g), (g, u)))
        if early is not None and not early.allows(change):
            continue
        sched.place(q, u)
        gain = before - _weighted(sched, ents, insts)
        sched.remove(q)
        if gain > 0 and (best is None or gain > best[1]):
            best = ((r, g, q, u), gain)
    sched.remove(r)
    sched.place(r, t)
    sched.place(q, g)
    return best


def _early_change(inst, moves) -> int:
    return sum((inst.early >> new & 1) - (inst.early >> old & 1) for old, new in moves)


def _apply(sched: Schedule, r: int, g: int, q: int, u: int, early: EarlyFloor | None) -> None:
    t = sched.slot_of[r]
    if early is not None:
        early.apply(_early_change(sched.inst, ((t, g), (g, u))))
    sched.remove(q)
    sched.remove(r)
    sched.place(r, g)
    sched.place(q, u)
