"""Re-pack an enterprise into a gap-free run, moving other enterprises' meetings out of the way.

`repack_enterprise` (polish.py) only uses free tables, and `swap_into_gaps` moves one meeting
and its one occupant. On fragmented days an enterprise present twice a day waits at the edges of
its windows because the tables it would need there are held by others at popular one-table
institutions: closing those gaps means moving several of its meetings at once, each into a
slot of one gap-free run, and moving the occupant of a full table elsewhere (wherever its own
enterprise and a table are free, preferring where it opens no gap). The re-packing is kept when
the weighted idle gaps of everyone it touches fall and the first-hour floor holds.
"""

from __future__ import annotations

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import bits
from matchmaker.solver.model import ENTERPRISE_GAP
from matchmaker.solver.place import maximum_matching
from matchmaker.solver.polish import EarlyFloor
from matchmaker.solver.schedule import UNMET, Schedule


def repack_ejecting_all(sched: Schedule, deadline: Deadline, early: EarlyFloor | None = None,
                        passes: int = 2) -> int:
    """Re-pack enterprises with idle gaps (most gaps first) until none helps or `passes`
    sweeps; returns how many re-packings were kept."""
    made = 0
    for _ in range(passes):
        changed = 0
        order = sorted((e for e in range(len(sched.ent_busy)) if sched.ent_gaps(e)),
                       key=lambda e: (-sched.ent_gaps(e), e))
        for e in order:
            if deadline.remaining() <= 0.05:
                return made + changed
            if sched.ent_gaps(e) and repack_ejecting(sched, e, early):
                changed += 1
        made += changed
        if not changed:
            break
    return made


def repack_ejecting(sched: Schedule, e: int, early: EarlyFloor | None = None) -> bool:
    """Move e's movable meetings into the gap-free run that lowers the weighted idle gaps of
    the participants involved most, ejecting occupants of full tables; False if none does."""
    inst = sched.inst
    mine = [r for r in inst.ent_requests[e] if sched.slot_of[r] != UNMET and r not in inst.locked]
    if not mine:
        return False
    fixed = sched.ent_busy[e] & ~sum(1 << sched.slot_of[r] for r in mine)
    usable = bits(inst.ent_usable[e])
    best, best_gain = None, 0
    for target in _runs(usable, len(mine), fixed, sched.ent_gaps(e)):
        moves = _plan(sched, e, mine, target)
        if moves is None:
            continue
        gain = _gain(sched, moves)
        change = sum((inst.early >> s & 1) - (inst.early >> sched.slot_of[r] & 1) for r, s in moves)
        if gain > best_gain and (early is None or early.allows(change)):
            best, best_gain = (moves, change), gain
    if best is None:
        return False
    moves, change = best
    _apply(sched, moves)
    if early is not None:
        early.apply(change)
    return True


def _runs(usable: list[int], k: int, fixed: int, gaps_now: int):
    """Slot sets for k movable meetings that, with the fixed (locked) ones, form a run of the
    usable slots with no idle gap, or with one when the enterprise has more than one now."""
    length = k + fixed.bit_count()
    for start in range(len(usable) - length + 1):
        span = sum(1 << s for s in usable[start:start + length])
        if not fixed & ~span:   # a locked meeting outside the run would leave a gap
            yield span & ~fixed
    if gaps_now < 2:
        return
    for start in range(len(usable) - length):
        span = usable[start:start + length + 1]
        mask = sum(1 << s for s in span)
        if fixed & ~mask:
            continue
        for hole in span[1:-1]:
            if not fixed >> hole & 1:
                yield mask & ~fixed & ~(1 << hole)


def _plan(sched: Schedule, e: int, mine: list[int], target: int) -> list[tuple[int, int]] | None:
    """Moves [(request, slot)] putting each of `mine` into a distinct slot of `target` and every
    ejected occupant elsewhere, worked out on the schedule and undone; None if impossible."""
    inst = sched.inst
    touched = {r: sched.slot_of[r] for r in mine}
    for r in mine:
        sched.remove(r)
    matching = _match(sched, mine, target)
    ok = matching is not None
    if ok:
        protected = set(mine)
        for r, s in sorted(matching.items(), key=lambda item: _full(sched, *item)):
            if _full(sched, r, s) and not _make_room(sched, inst.req_institution[r], s, protected,
                                                     touched, EJECT_DEPTH, 1 << s):
                ok = False
                break
            sched.place(r, s)
    moves = [(r, sched.slot_of[r]) for r in touched] if ok else None
    for r in touched:
        if sched.slot_of[r] != UNMET:
            sched.remove(r)
    for r, s in touched.items():
        if s != UNMET:
            sched.place(r, s)
    return moves


EJECT_DEPTH = 2   # an ejected meeting may itself push one other meeting aside


def _make_room(sched: Schedule, i: int, s: int, protected: set[int], touched: dict[int, int],
               depth: int, reserved: int) -> bool:
    """Free a table of institution i in slot s by moving one of its occupants elsewhere, to
    none of the `reserved` slots (those whose table the chain is freeing)."""
    inst = sched.inst
    for q in sched.meetings_at("i", i, s):
        if q in inst.locked or q in protected:
            continue
        touched.setdefault(q, s)
        sched.remove(q)
        protected.add(q)
        if _relocate(sched, q, protected, touched, depth - 1, reserved):
            return True
        protected.discard(q)
        sched.place(q, s)
    return False


def _relocate(sched: Schedule, q: int, protected: set[int], touched: dict[int, int], depth: int,
              reserved: int) -> bool:
    """Place unmet q where it opens the fewest weighted idle gaps; with depth left, also where
    a table of its institution is full but one occupant can move on."""
    u = _best_slot(sched, q, reserved)
    if u is not None:
        sched.place(q, u)
        return True
    if depth <= 0:
        return False
    inst = sched.inst
    e, i = inst.req_enterprise[q], inst.req_institution[q]
    for u in bits(inst.req_slots[q] & ~sched.ent_busy[e] & ~reserved):
        if _make_room(sched, i, u, protected, touched, depth, reserved | 1 << u):
            sched.place(q, u)
            return True
    return False


def _full(sched: Schedule, r: int, s: int) -> bool:
    i = sched.inst.req_institution[r]
    return sched.inst_load[i][s] >= sched.inst.inst_tables[i]


def _match(sched: Schedule, requests: list[int], target: int) -> dict[int, int] | None:
    """A perfect matching of `requests` into slots of `target` where the enterprise is free,
    preferring free tables over full ones (full ones need an ejection); None if there is none."""
    inst = sched.inst
    e = inst.req_enterprise[requests[0]]
    open_slots = target & ~sched.ent_busy[e]
    options = {}
    for r in requests:
        slots = bits(inst.req_slots[r] & open_slots)
        options[r] = sorted(slots, key=lambda s: _full(sched, r, s))
    return maximum_matching(options, complete=True)


def _best_slot(sched: Schedule, q: int, reserved: int) -> int | None:
    """Where ejected q opens the fewest weighted idle gaps for its enterprise and institution."""
    inst = sched.inst
    e, i = inst.req_enterprise[q], inst.req_institution[q]
    best, best_cost = None, None
    for u in bits(sched.free_slots(q) & ~reserved):
        sched.place(q, u)
        # fewest gaps, then in the first hour: the floor is usually what stops a re-packing
        cost = (ENTERPRISE_GAP * sched.ent_gaps(e) + sched.inst_gaps(i), -(inst.early >> u & 1))
        sched.remove(q)
        if best_cost is None or cost < best_cost:
            best, best_cost = u, cost
    return best


def _involved(sched: Schedule, moves) -> tuple[set[int], set[int]]:
    inst = sched.inst
    return ({inst.req_enterprise[r] for r, _ in moves}, {inst.req_institution[r] for r, _ in moves})


def _weighted(sched: Schedule, ents, insts) -> int:
    return ENTERPRISE_GAP * sum(sched.ent_gaps(x) for x in ents) + sum(sched.inst_gaps(x) for x in insts)


def _gain(sched: Schedule, moves) -> int:
    ents, insts = _involved(sched, moves)
    before = _weighted(sched, ents, insts)
    old = _apply(sched, moves)
    after = _weighted(sched, ents, insts)
    _apply(sched, list(old.items()))
    return before - after


def _apply(sched: Schedule, moves) -> dict[int, int]:
    """Carry out moves (request, slot); returns each moved request's previous slot."""
    old = {}
    for r, _ in moves:
        if r not in old:
            old[r] = sched.slot_of[r]
    for r in old:
        sched.remove(r)
    final = dict(moves)   # an ejected request may appear once; a request's last move wins
    for r, s in final.items():
        sched.place(r, s)
    return old
