"""Fast idle-gap removal before the CP-SAT neighbourhoods: re-pack one enterprise at a time.

Taking an enterprise's meetings out and placing them again with `place_enterprise` puts them in
the tightest run of slots the institutions' free tables allow. The move keeps the same meetings
(the objective cannot change) and is kept only when idle gaps — the enterprise's plus those of
the institutions it meets — strictly fall.
"""

from __future__ import annotations

import random

from matchmaker.solver.clock import Deadline
from matchmaker.solver.place import place_enterprise
from matchmaker.solver.schedule import UNMET, Schedule


def repack_enterprise(sched: Schedule, e: int, rng: random.Random) -> bool:
    inst = sched.inst
    mine = [r for r in inst.ent_requests[e] if sched.slot_of[r] != UNMET and r not in inst.locked]
    if not mine:
        return False
    institutions = {inst.req_institution[r] for r in mine}

    def gaps() -> int:
        return sched.ent_gaps(e) + sum(sched.inst_gaps(i) for i in institutions)

    before = gaps()
    old = {r: sched.slot_of[r] for r in mine}
    for r in mine:
        sched.remove(r)
    left = place_enterprise(sched, e, mine, rng)
    if not left and gaps() < before:
        return True
    for r in mine:
        if sched.slot_of[r] != UNMET:
            sched.remove(r)
    for r, s in old.items():
        sched.place(r, s)
    return False


def repack_all(sched: Schedule, rng: random.Random, deadline: Deadline, passes: int = 3) -> int:
    """Repack every enterprise with an idle gap, a few passes; return how many moves were kept."""
    kept = 0
    for _ in range(passes):
        moved = 0
        for e in range(len(sched.ent_busy)):
            if deadline.remaining() < 0.1:
                return kept + moved
            if sched.ent_gaps(e) and repack_enterprise(sched, e, rng):
                moved += 1
        kept += moved
        if not moved:
            break
    return kept
