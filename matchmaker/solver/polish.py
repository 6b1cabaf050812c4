"""Fast idle-gap removal before the CP-SAT neighbourhoods: re-pack one enterprise at a time.

Taking an enterprise's meetings out and placing them again with `place_enterprise` puts them in
the tightest run of slots the institutions' free tables allow. The move keeps the same meetings
(the objective cannot change) and is kept only when idle gaps — the enterprise's plus those of
the institutions it meets — strictly fall.
"""

from __future__ import annotations

import random

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import bits
from matchmaker.solver.model import ENTERPRISE_GAP
from matchmaker.solver.place import place_enterprise
from matchmaker.solver.schedule import UNMET, Schedule



def early_count(sched: Schedule, e: int) -> int:
    """Meetings of enterprise e in the event's first hour."""
    return (sched.ent_busy[e] & sched.inst.early).bit_count()


class EarlyFloor:
    """The first-hour floor as a budget: moves may take meetings out of the first hour while
    the schedule's total stays at or above `floor`."""

    def __init__(self, sched: Schedule, floor: int):
        self.floor = floor
        self.total = sum((busy & sched.inst.early).bit_count() for busy in sched.ent_busy)

    def allows(self, change: int) -> bool:
        return change >= 0 or self.total + change >= self.floor

    def apply(self, change: int) -> None:
        self.total += change


def _put_back(sched: Schedule, old: dict[int, int]) -> None:
    """Undo a re-placement that did not pay: each request back in the slot it had."""
    for r in old:
        if sched.slot_of[r] != UNMET:
            sched.remove(r)
    for r, s in old.items():
        sched.place(r, s)


def repack_enterprise(sched: Schedule, e: int, rng: random.Random,
                      early: EarlyFloor | None = None) -> bool:
    """Re-place e's meetings in the tightest run; kept when idle gaps strictly fall (and, with
    `early`, the schedule stays at its first-hour floor)."""
    inst = sched.inst
    mine = [r for r in inst.ent_requests[e] if sched.slot_of[r] != UNMET and r not in inst.locked]
    if not mine:
        return False
    institutions = {inst.req_institution[r] for r in mine}

    def gaps() -> int:
        return sched.ent_gaps(e) + sum(sched.inst_gaps(i) for i in institutions)

    before, early_before = gaps(), early_count(sched, e)
    old = {r: sched.slot_of[r] for r in mine}
    for r in mine:
        sched.remove(r)
    left = place_enterprise(sched, e, mine, rng, **({"early_pull": SHIFT_PULL} if early else {}))
    if not left and gaps() < before and (early is None or early.allows(early_count(sched, e) - early_before)):
        if early is not None:
            early.apply(early_count(sched, e) - early_before)
        return True
    _put_back(sched, old)
    return False


def repack_all(sched: Schedule, rng: random.Random, deadline: Deadline, passes: int = 3,
               early: EarlyFloor | None = None) -> int:
    """Repack every enterprise with an idle gap, a few passes; return how many moves were kept."""
    kept = 0
    for _ in range(passes):
        moved = 0
        for e in range(len(sched.ent_busy)):
            if deadline.remaining() < 0.1:
                return kept + moved
            if sched.ent_gaps(e) and repack_enterprise(sched, e, rng, early):
                moved += 1
        kept += moved
        if not moved:
            break
    return kept


def close_gaps(sched: Schedule, deadline: Deadline, *, previous: dict[int, int] | None = None,
               budget: int | None = None, rng: random.Random | None = None,
               early: EarlyFloor | None = None) -> int:
    """Move single meetings into idle gaps, then re-pack, enterprise by enterprise (most gaps
    first), keeping a change only when idle gaps (the enterprise's plus its institutions') fall.

    In a repair, `previous` holds the published slots: each previous meeting taken off its slot
    must be paid for by at least one idle gap removed (first the moves that remove two), and at
    most `budget` of them move in all.
    With `early`, a move out of the event's first hour is made only while the floor allows.
    Returns how many previous meetings left their slot.
    """
    inst = sched.inst
    previous = previous or {}
    rng = rng or random.Random(0)
    spent = 0

    def off(rs) -> int:
        return sum(1 for r in rs if r in previous and sched.slot_of[r] != previous[r])

    ratio = 2   # first the moves that remove two gaps per previous meeting moved, then one

    def affordable(gain: int, cost: int) -> bool:
        return gain > 0 and gain >= ratio * cost and (budget is None or spent + cost <= budget)

    for ratio in (2, 2, 1, 1):
        order = sorted((e for e in range(len(sched.ent_busy)) if sched.ent_gaps(e)),
                       key=lambda e: (-sched.ent_gaps(e), e))
        changed = False
        for e in order:
            while sched.ent_gaps(e) and deadline.remaining() > 0.05:
                move = _best_single_move(sched, e, off, affordable, early)
                if move is None:
                    break
                r, s, cost = move
                if early is not None:
                    early.apply((inst.early >> s & 1) - (inst.early >> sched.slot_of[r] & 1))
                sched.remove(r)
                sched.place(r, s)
                spent += cost
                changed = True
            if deadline.remaining() <= 0.05:
                return spent
            if sched.ent_gaps(e):
                mine = [r for r in inst.ent_requests[e] if sched.slot_of[r] != UNMET and r not in inst.locked]
                before_off = off(mine)
                institutions = {inst.req_institution[r] for r in mine}
                before = ENTERPRISE_GAP * sched.ent_gaps(e) + sum(sched.inst_gaps(i) for i in institutions)
                old = {r: sched.slot_of[r] for r in mine}
                early_before = early.total if early is not None else 0
                if repack_enterprise(sched, e, rng, early):
                    gain = before - ENTERPRISE_GAP * sched.ent_gaps(e) - sum(sched.inst_gaps(i) for i in institutions)
                    cost = off(mine) - before_off
                    if affordable(gain, cost):
                        spent += cost
                        changed = True
                    else:
                        _put_back(sched, old)
                        if early is not None:
                            early.total = early_before
        if not changed and ratio == 1:
            break
    return spent


def _best_single_move(sched: Schedule, e: int, off, affordable,
                      early: EarlyFloor | None = None) -> tuple[int, int, int] | None:
    """The move of one of e's meetings to another slot that removes most idle gaps (fewest
    previous meetings moved on a tie), as (request, slot, previous meetings moved), or None."""
    inst = sched.inst
    best, best_key = None, None
    for r in inst.ent_requests[e]:
        s0 = sched.slot_of[r]
        if s0 == UNMET or r in inst.locked:
            continue
        i = inst.req_institution[r]
        before = ENTERPRISE_GAP * sched.ent_gaps(e) + sched.inst_gaps(i)
        before_off = off((r,))
        sched.remove(r)
        targets = sched.free_slots(r) & ~(1 << s0)
        if early is not None and inst.early >> s0 & 1 and not early.allows(-1):
            targets &= inst.early
        for s in bits(targets):
            sched.place(r, s)
            gain = before - ENTERPRISE_GAP * sched.ent_gaps(e) - sched.inst_gaps(i)
            cost = off((r,)) - before_off
            sched.remove(r)
            key = (gain - cost, gain, -s)
            if affordable(gain, cost) and (best_key is None or key > best_key):
                best, best_key = (r, s, cost), key
        sched.place(r, s0)
    return best


def pull_early(sched: Schedule, deadline: Deadline, *, previous: dict[int, int] | None = None,
               passes: int = 2) -> int:
    """Move single meetings to earlier slots where that opens no idle gap for the enterprise
    and no more weighted idle gaps with its institution's: first into the event's first hour, then anywhere earlier, so that runs
    slide towards the start of the day and the hall fills from the first slot (DESIGN §5).
    Meetings in `previous` (a repair) stay. Returns how many moves were made."""
    inst = sched.inst
    previous = previous or {}
    moved = 0
    for _ in range(passes):
        changed = 0
        for e in range(len(sched.ent_busy)):
            if deadline.remaining() < 0.05:
                return moved + changed
            while True:
                move = _best_early_move(sched, e, previous)
                if move is None:
                    break
                r, s = move
                sched.remove(r)
                sched.place(r, s)
                changed += 1
        moved += changed
        if not changed:
            break
    return moved


def _best_early_move(sched: Schedule, e: int, previous: dict[int, int]) -> tuple[int, int] | None:
    inst = sched.inst
    best, best_key = None, (0, 0, 0)
    for r in inst.ent_requests[e]:
        s0 = sched.slot_of[r]
        if s0 == UNMET or r in inst.locked or r in previous:
            continue
        earlier = sched.free_slots(r) & ((1 << s0) - 1) if s0 else 0
        if not earlier:
            continue
        i = inst.req_institution[r]
        ent_before = sched.ent_gaps(e)
        before = ENTERPRISE_GAP * ent_before + sched.inst_gaps(i)
        was_early = inst.early >> s0 & 1
        sched.remove(r)
        for s in bits(sched.free_slots(r) & ((1 << s0) - 1)):
            sched.place(r, s)
            ent_after = sched.ent_gaps(e)
            gain = before - ENTERPRISE_GAP * ent_after - sched.inst_gaps(i)
            sched.remove(r)
            key = (gain, (inst.early >> s & 1) - was_early, s0 - s)
            if gain >= 0 and ent_after <= ent_before and key > best_key:
                best, best_key = (r, s), key
        sched.place(r, s0)
    return best


SHIFT_PULL = 50.0   # early pull of `shift_early`'s re-placement: the earliest run wins outright


def shift_early(sched: Schedule, deadline: Deadline, rng: random.Random, passes: int = 2) -> int:
    """Move whole runs earlier: re-place an enterprise's meetings in the earliest run the free
    tables allow, kept only when the enterprise gets more meetings into the event's first hour
    (or, as many, earlier slots in all) and neither its idle gaps nor the weighted idle gaps of
    it and its institutions rise. Single moves (`pull_early`) cannot do this: moving one meeting
    of a run to an early slot opens a gap. Returns how many enterprises moved."""
    inst = sched.inst
    moved = 0
    for _ in range(passes):
        changed = 0
        for e in range(len(sched.ent_busy)):
            if deadline.remaining() < 0.1:
                return moved + changed
            busy = sched.ent_busy[e]
            if not busy or not inst.ent_usable[e] & inst.early & ~busy:
                continue   # nothing met, or no free first-hour slot it could use
            if shift_enterprise(sched, e, rng):
                changed += 1
        moved += changed
        if not changed:
            break
    return moved


def shift_enterprise(sched: Schedule, e: int, rng: random.Random) -> bool:
    inst = sched.inst
    mine = [r for r in inst.ent_requests[e] if sched.slot_of[r] != UNMET and r not in inst.locked]
    if not mine:
        return False
    institutions = {inst.req_institution[r] for r in mine}

    def state() -> tuple[int, int, int, int]:
        ent = sched.ent_gaps(e)
        weighted = ENTERPRISE_GAP * ent + sum(sched.inst_gaps(i) for i in institutions)
        early = sum(1 for r in mine if inst.early >> sched.slot_of[r] & 1)
        return ent, weighted, early, sum(sched.slot_of[r] for r in mine)

    ent0, weighted0, early0, total0 = state()
    old = {r: sched.slot_of[r] for r in mine}
    for r in mine:
        sched.remove(r)
    left = place_enterprise(sched, e, mine, rng, early_pull=SHIFT_PULL)
    if not left:
        ent1, weighted1, early1, total1 = state()
        if ent1 <= ent0 and weighted1 <= weighted0 and (early1, -total1) > (early0, -total0):
            return True
    _put_back(sched, old)
    return False
