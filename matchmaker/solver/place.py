"""Phase (b): put chosen requests into slots — greedy by enterprise, then repair, then fill.

Each enterprise takes the shortest run of its usable slots (no idle gap inside) into which its
chosen meetings can be matched given the tables still free; among equally short runs it takes
the one that loads busy institutions least and opens fewest institution gaps. What cannot be
placed is repaired by moving one blocking meeting elsewhere (an ejection chain of depth one);
CP-SAT neighbourhoods (lns.py) take over from there.
"""

from __future__ import annotations

import random

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import bits
from matchmaker.solver.schedule import UNMET, Schedule, mask_gaps

EARLY_PULL = 3.0   # cost of the last slot against the first: the hall fills from the first slot
LOAD_WEIGHT = 0.3  # cost of a full table against an empty one


def match_into(free: dict[int, int], window: int) -> dict[int, int]:
    """Maximum matching of requests into distinct slots of `window`; `free[r]` is where r can go."""
    return maximum_matching({r: bits(free[r] & window) for r in free})


def maximum_matching(options: dict[int, list[int]], *, complete: bool = False) -> dict[int, int] | None:
    """Requests into distinct slots by augmenting paths, each request trying its `options` in
    order, the most constrained first; with `complete`, None as soon as one cannot be placed."""
    holder: dict[int, int] = {}

    def augment(r: int, seen: set[int]) -> bool:
        for s in options[r]:
            if s not in seen:
                seen.add(s)
                if s not in holder or augment(holder[s], seen):
                    holder[s] = r
                    return True
        return False

    for r in sorted(options, key=lambda r: len(options[r])):
        if not augment(r, set()) and complete:
            return None
    return {r: s for s, r in holder.items()}


def _inst_busy(sched: Schedule, i: int) -> int:
    return sum(1 << s for s, n in enumerate(sched.inst_load[i]) if n)


def placement_cost(sched: Schedule, r: int, s: int, early_pull: float = EARLY_PULL) -> float:
    """Lower is better: how loaded the institution already is at s, plus the idle gaps it opens
    for both sides (an enterprise's too: a single added meeting must not land mid-morning far
    from its others), plus a slight pull towards the first slots (the hall fills from the start)."""
    inst = sched.inst
    e, i = inst.req_enterprise[r], inst.req_institution[r]
    busy = _inst_busy(sched, i)
    gap_delta = mask_gaps(busy | 1 << s, inst.inst_available[i]) - mask_gaps(busy, inst.inst_available[i])
    ent_busy = sched.ent_busy[e]
    gap_delta += mask_gaps(ent_busy | 1 << s, inst.ent_usable[e]) - mask_gaps(ent_busy, inst.ent_usable[e])
    return LOAD_WEIGHT * sched.inst_load[i][s] / inst.inst_tables[i] + gap_delta + early_pull * s / inst.n_slots


def place_enterprise(sched: Schedule, e: int, requests: list[int], rng: random.Random,
                     early_pull: float = EARLY_PULL, anchored: bool = False) -> list[int]:
    """Place `requests` of enterprise e in the tightest run of slots; return those left out.
    `early_pull` weighs the cost of the last slot against the first. `anchored`: e already
    has meetings and the run must continue from its last one (or, failing that, any run)."""
    usable = bits(sched.inst.ent_usable[e] & ~sched.ent_busy[e])
    k = len(requests)
    if k == 0:
        return []
    if anchored and sched.ent_busy[e] & sched.inst.early:
        last = sched.ent_busy[e].bit_length() - 1
        after = [s for s in usable if s > last]
        free = {r: sched.free_slots(r) for r in requests}
        for length in range(k, min(len(after), k + 1) + 1):   # at most one idle slot inside
            window = sum(1 << s for s in after[:length])
            matching = match_into(free, window)
            if len(matching) == k:
                for r, s in matching.items():
                    sched.place(r, s)
                return []
    free = {r: sched.free_slots(r) for r in requests}   # unchanged while we try windows
    union = 0
    for mask in free.values():
        union |= mask
    for length in range(k, len(usable) + 1):
        best, best_cost = None, None
        for start in range(len(usable) - length + 1):
            window = sum(1 << s for s in usable[start:start + length])
            if (union & window).bit_count() < k or any(not mask & window for mask in free.values()):
                continue   # cheap necessary conditions before the matching
            matching = match_into(free, window)
            if len(matching) < k:
                continue
            cost = sum(placement_cost(sched, r, s, early_pull) for r, s in matching.items()) + rng.random() * 1e-3
            if best_cost is None or cost < best_cost:
                best, best_cost = matching, cost
        if best is not None:
            for r, s in best.items():
                sched.place(r, s)
            return []
    matching = match_into(free, sum(1 << s for s in usable))
    for r, s in matching.items():
        sched.place(r, s)
    return [r for r in requests if r not in matching]


def place_locked(sched: Schedule) -> None:
    for r, (s, _) in sorted(sched.inst.locked.items()):
        sched.place(r, s)


def greedy_schedule(sched: Schedule, chosen: frozenset[int], rng: random.Random,
                    deadline: Deadline | None = None, anchored: bool = False) -> list[int]:
    """Place every chosen request that is not yet met; return the ones that could not be placed
    (including, if the deadline passes first, those of enterprises not reached)."""
    inst = sched.inst
    todo: dict[int, list[int]] = {}
    for r in sorted(chosen):
        if sched.slot_of[r] == UNMET:
            todo.setdefault(inst.req_enterprise[r], []).append(r)
    demand = [0] * len(inst.institution_ids)
    for r in chosen:
        demand[inst.req_institution[r]] += 1
    pressure = [demand[i] / max(1, inst.inst_tables[i] * inst.inst_available[i].bit_count())
                for i in range(len(demand))]

    def urgency(e: int) -> tuple[bool, float, float, float]:
        slack = (inst.ent_usable[e] & ~sched.ent_busy[e]).bit_count() - len(todo[e])
        started = anchored and bool(sched.ent_busy[e] & inst.early)
        return (not started, slack, -max(pressure[inst.req_institution[r]] for r in todo[e]), rng.random())

    unplaced = []
    for e in sorted(todo, key=urgency):
        if deadline is not None and deadline.expired():
            unplaced += todo[e]
            continue
        unplaced += place_enterprise(sched, e, todo[e], rng, anchored=anchored)
    if deadline is not None and deadline.expired():
        return unplaced
    return [r for r in unplaced if not insert_with_one_move(sched, r)]


def insert_with_one_move(sched: Schedule, r: int, moves: bool = True) -> bool:
    """Place unmet request r, moving at most one other meeting out of its way (if `moves`)."""
    inst = sched.inst
    if not sched.room_for(r):
        return False
    free = sched.free_slots(r)
    if free:
        sched.place(r, min(bits(free), key=lambda s: placement_cost(sched, r, s)))
        return True
    if not moves:
        return False
    e, i = inst.req_enterprise[r], inst.req_institution[r]
    for s in bits(inst.req_slots[r]):
        blockers = (sched.meetings_at("e", e, s) if sched.ent_busy[e] >> s & 1 else
                    sched.meetings_at("i", i, s))
        if sched.ent_busy[e] >> s & 1 and sched.inst_load[i][s] >= inst.inst_tables[i]:
            continue  # both sides blocked: would need two moves
        for q in blockers:
            # q's other options do not depend on r taking s (r and q share a side only at s)
            elsewhere = sched.free_slots(q) if q not in inst.locked else 0
            if elsewhere:
                sched.remove(q)
                sched.place(r, s)
                sched.place(q, bits(elsewhere)[0])
                return True
    return False


def fill_unmet(sched: Schedule, rng: random.Random, moves: bool = True,
               deadline: Deadline | None = None) -> int:
    """Add any unmet request that still fits, heaviest first, until the deadline; return how
    many were added. With `moves`, one other meeting may be moved to make room."""
    inst = sched.inst
    order = sorted((r for r in range(inst.n_requests) if sched.slot_of[r] == UNMET),
                   key=lambda r: (-(inst.req_weight[r] + (inst.coverage_bonus if not
                                  sched.ent_count[inst.req_enterprise[r]] else 0)), rng.random()))
    added = 0
    for r in order:
        if deadline is not None and deadline.expired():
            break
        if sched.room_for(r) and insert_with_one_move(sched, r, moves):
            added += 1
    return added
