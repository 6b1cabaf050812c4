"""Trade first-hour meetings for idle gaps, keeping the first-hour floor.

At the floor, the re-packings that would close most idle gaps (eject.py) are refused because
they take a meeting out of the event's first hour: an enterprise present from 08:50 and again
after lunch, started at 08:50, waits through the end of its morning. Elsewhere other
enterprises could fill those first-hour tables by starting their run earlier, at the price of
a gap or two. A round lets the re-packing go `slack` meetings below the floor, then brings the
first hour back to the floor with the cheapest such earlier runs (fewest weighted idle gaps
added per first-hour meeting gained), and keeps the round only when the schedule's weighted
idle gaps fell; otherwise it is undone and the trade stops.
"""

from __future__ import annotations

import random

from matchmaker.solver.clock import Deadline
from matchmaker.solver.eject import repack_ejecting_all
from matchmaker.solver.model import ENTERPRISE_GAP
from matchmaker.solver.place import place_enterprise
from matchmaker.solver.polish import SHIFT_PULL, EarlyFloor, _put_back
from matchmaker.solver.schedule import UNMET, Schedule

SLACK = 5    # first-hour meetings a round may lend to the re-packing: after the exact model on
             # fragmented 3,000×500, 5 rounds of 5 took 1,151 enterprise gaps to 1,051 in 1.1 s,
             # of 15 to 1,042 in 3.3 s; on 1,000×200, 20 or 40 removed fewer than 5 (the refill
             # then costs more gaps than the re-packing saved)
ROUNDS = 8


def trade_first_hour(sched: Schedule, deadline: Deadline, early: EarlyFloor, rng: random.Random,
                     slack: int = SLACK, rounds: int = ROUNDS) -> int:
    """Rounds of re-packing below the floor and refilling the first hour up to it; returns
    how many rounds were kept. `early` is kept up to date."""
    kept = 0
    for _ in range(rounds):
        if deadline.remaining() < 0.2:
            break
        saved = list(sched.slot_of)
        before = weighted_gaps(sched)
        repack_ejecting_all(sched, deadline, EarlyFloor(sched, early.floor - slack))
        refilled = refill_first_hour(sched, early.floor, deadline, rng)
        if not refilled or weighted_gaps(sched) >= before:
            _reset(sched, saved)
            break
        kept += 1
    early.total = first_hour_meetings(sched)
    return kept


def weighted_gaps(sched: Schedule) -> int:
    enterprise_gaps, institution_gaps = sched.gaps()
    return ENTERPRISE_GAP * enterprise_gaps + institution_gaps


def first_hour_meetings(sched: Schedule) -> int:
    return sum((busy & sched.inst.early).bit_count() for busy in sched.ent_busy)


def refill_first_hour(sched: Schedule, floor: int, deadline: Deadline, rng: random.Random) -> bool:
    """Move enterprises' runs earlier, cheapest first, until the first hour holds `floor`
    meetings; False if it cannot."""
    inst = sched.inst
    total = first_hour_meetings(sched)
    if total >= floor:
        return True
    candidates = []
    for e in range(len(sched.ent_busy)):
        if sched.ent_busy[e] and inst.ent_usable[e] & inst.early & ~sched.ent_busy[e]:
            shift = earlier_run(sched, e, rng)
            if shift is not None:
                cost, gained, _ = shift
                candidates.append((cost / gained, e))
    for _, e in sorted(candidates):
        if total >= floor or deadline.remaining() < 0.05:
            break
        shift = earlier_run(sched, e, rng)   # the schedule has changed since it was priced
        if shift is None:
            continue
        _, gained, slots = shift
        for r in slots:
            sched.remove(r)
        for r, s in slots.items():
            sched.place(r, s)
        total += gained
    return total >= floor


def earlier_run(sched: Schedule, e: int, rng: random.Random) -> tuple[int, int, dict[int, int]] | None:
    """e's meetings re-placed in the earliest run the free tables allow, if that puts more of
    them in the first hour: (weighted idle gaps added, first-hour meetings gained, slots)."""
    inst = sched.inst
    mine = [r for r in inst.ent_requests[e] if sched.slot_of[r] != UNMET and r not in inst.locked]
    if not mine:
        return None
    institutions = {inst.req_institution[r] for r in mine}

    def state() -> tuple[int, int]:
        gaps = ENTERPRISE_GAP * sched.ent_gaps(e) + sum(sched.inst_gaps(i) for i in institutions)
        return gaps, (sched.ent_busy[e] & inst.early).bit_count()

    gaps_before, early_before = state()
    old = {r: sched.slot_of[r] for r in mine}
    for r in mine:
        sched.remove(r)
    result = None
    if not place_enterprise(sched, e, mine, rng, early_pull=SHIFT_PULL):
        gaps_after, early_after = state()
        if early_after > early_before:
            result = (gaps_after - gaps_before, early_after - early_before,
                      {r: sched.slot_of[r] for r in mine})
    _put_back(sched, old)
    return result


def _reset(sched: Schedule, slots: list[int]) -> None:
    """Put every request back where `slots` has it."""
    changed = [r for r, s in enumerate(slots) if sched.slot_of[r] != s]
    for r in changed:
        if sched.slot_of[r] != UNMET:
            sched.remove(r)
    for r in changed:
        if slots[r] != UNMET:
            sched.place(r, slots[r])
