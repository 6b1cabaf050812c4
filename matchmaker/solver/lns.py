"""Phase (c): large-neighbourhood search — free a group of enterprises that share institutions,
re-solve their meetings exactly with CP-SAT around everything else, keep the result if better.

Score, compared lexicographically: (objective + move_penalty × kept previous meetings, −idle
gaps). Every CP-SAT call is single-threaded with a deterministic-time budget and a fixed seed,
so for a given seed the search is reproducible unless the wall-clock deadline cuts it short.
"""

from __future__ import annotations

import random
import time
from collections.abc import Callable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaker.solver.clock import Deadline
from matchmaker.solver.instance import Instance, bits
from matchmaker.solver.model import ENTERPRISE_GAP, build_neighbourhood, free_value
from matchmaker.solver.schedule import UNMET, Schedule

MAX_VARIABLES = 800         # summed feasible slots of freed requests: CP-SAT closes these in ~0.1 s
CALL_SECONDS = 2.0          # wall-clock guard per call
CALL_WORK = 0.2             # deterministic-time budget per call (about seconds of work)


@dataclass
class Search:
    inst: Instance
    sched: Schedule
    deadline: Deadline
    seed: int
    previous: dict[int, int] = field(default_factory=dict)   # repair: request -> previous slot
    move_penalty: int = 0
    bound: int = 0                                           # proven bound on the objective
    targets: set[int] = field(default_factory=set)           # chosen requests not yet placed
    on_improve: Callable[[], None] = lambda: None
    iterations: int = 0
    improvements: int = 0
    proven: bool = False     # a neighbourhood holding every request was solved to optimality
    build_seconds: float = 0.05   # recent worst time to build a neighbourhood model
    early_floor: int = 0     # first-hour meetings the schedule keeps (a constraint, see solve.py)

    def __post_init__(self):
        self.rng = random.Random(self.seed)
        enterprise_gaps, institution_gaps = self.sched.gaps()
        self.gaps = ENTERPRISE_GAP * enterprise_gaps + institution_gaps   # weighted; kept up to date
        self.whole = [r for r in range(self.inst.n_requests) if r not in self.inst.locked]
        self.fits_whole = sum(mask.bit_count() for mask in self.inst.req_slots) <= MAX_VARIABLES


def local_score(search: Search, free: list[int]) -> tuple[int, int, int]:
    """(value + move_penalty × kept, −idle gaps, meetings in the first hour) of the participants
    of `free`: compared lexicographically."""
    inst, sched = search.inst, search.sched
    kept = sum(1 for r in free if r in search.previous and sched.slot_of[r] == search.previous[r])
    ents = {inst.req_enterprise[r] for r in free}
    insts = {inst.req_institution[r] for r in free}
    gaps = ENTERPRISE_GAP * sum(sched.ent_gaps(e) for e in ents) + sum(sched.inst_gaps(i) for i in insts)
    early = sum(1 for r in free if sched.slot_of[r] != UNMET and inst.early >> sched.slot_of[r] & 1)
    return sched.objective + search.move_penalty * kept, -gaps, early


def solve_neighbourhood(search: Search, free: list[int], *, workers: int = 1,
                        work: float = CALL_WORK, seconds: float = CALL_SECONDS) -> bool:
    """Re-decide `free` exactly; apply the answer when it scores at least as well. True if better.

    The model may not lose first-tier value, and its value may not exceed what the proven bound
    leaves for it: both are redundant for correctness but let CP-SAT prove optimality at once
    instead of fighting a weak relaxation. With the value already at the bound, only idle gaps
    are left to minimise.
    """
    inst, sched = search.inst, search.sched
    started = time.monotonic()
    hood = build_neighbourhood(inst, sched, free, previous=search.previous or None)
    value = sum(c * v for c, v in hood.weight_terms)
    kept = search.move_penalty * sum(hood.kept_terms)
    now_value = free_value(inst, sched, free)
    now_kept = search.move_penalty * sum(1 for r in free if r in search.previous
                                         and sched.slot_of[r] == search.previous[r])
    room = search.bound - (sched.objective - now_value)
    hood.model.add(value + kept >= now_value + now_kept)
    hood.model.add(value <= room)
    # third tier: meetings in the first hour, worth less than any idle gap
    early = [var for (r, s), var in hood.meet.items() if inst.early >> s & 1]
    if search.early_floor:
        total = sum((busy & inst.early).bit_count() for busy in sched.ent_busy)
        here = sum(1 for r in free if sched.slot_of[r] != UNMET and inst.early >> sched.slot_of[r] & 1)
        hood.model.add(sum(early) >= here - max(0, total - search.early_floor))
    late_cost = (len(early) + 1) * sum(hood.idle_terms) - sum(early)
    if now_value >= room and not search.move_penalty:
        hood.model.minimize(late_cost)
    else:
        big = (len(early) + 1) * len(hood.idle_terms) + len(early) + 1
        hood.model.maximize(big * (value + kept) - late_cost)
    search.build_seconds = max(search.build_seconds * 0.8, time.monotonic() - started)
    solver = cp_model.CpSolver()
    solver.parameters.num_workers = workers
    # with two workers, interleave_search keeps the answer deterministic (sat_parameters.proto)
    solver.parameters.interleave_search = workers > 1
    # the full LP relaxation pays for itself on these small models (measured: ~2x fewer CPU
    # seconds per neighbourhood than the default level on contested instances)
    solver.parameters.linearization_level = 2
    solver.parameters.random_seed = search.seed + search.iterations
    solver.parameters.max_deterministic_time = work
    solver.parameters.max_time_in_seconds = max(0.01, min(seconds, search.deadline.remaining()))
    search.iterations += 1
    status = solver.solve(hood.model)
    if status not in (cp_model.OPTIMAL, cp_model.FEASIBLE):
        return False
    search.proven = status == cp_model.OPTIMAL and len(free) + len(inst.locked) == inst.n_requests
    before = local_score(search, free)
    old = {r: sched.slot_of[r] for r in free}
    _move(sched, old, {r: s for (r, s), var in hood.meet.items() if solver.boolean_value(var)})
    after = local_score(search, free)
    if after < before:
        _move(sched, {r: sched.slot_of[r] for r in free}, old)
        return False
    search.gaps += before[1] - after[1]
    search.targets -= {r for r in free if sched.slot_of[r] != UNMET}
    # a move that only makes meetings earlier is kept, but is not progress that resets the stall
    return after[:2] > before[:2]


def _move(sched: Schedule, current: dict[int, int], wanted: dict[int, int]) -> None:
    for r, s in current.items():
        if s != UNMET:
            sched.remove(r)
    for r, s in wanted.items():
        if s != UNMET:
            sched.place(r, s)


def grow_neighbourhood(search: Search, seed_enterprise: int) -> list[int]:
    """Free requests of `seed_enterprise` and of enterprises meeting the same institutions
    (every request, when the whole instance fits in one neighbourhood)."""
    inst, sched, rng = search.inst, search.sched, search.rng
    if search.fits_whole:
        return list(search.whole)
    chosen, free, size = set(), [], 0
    frontier = [seed_enterprise]
    while frontier and size < MAX_VARIABLES:
        e = frontier.pop(0)
        if e in chosen:
            continue
        chosen.add(e)
        for r in inst.ent_requests[e]:
            if r not in inst.locked:
                free.append(r)
                size += inst.req_slots[r].bit_count()
        frontier += _blockers(search, e)
        institutions = [inst.req_institution[r] for r in inst.ent_requests[e]]
        rng.shuffle(institutions)
        for i in institutions[:3]:
            partners = [inst.req_enterprise[q] for q in inst.inst_requests[i]
                        if sched.slot_of[q] != UNMET]
            frontier += rng.sample(partners, min(3, len(partners)))
    return free


def _blockers(search: Search, e: int) -> list[int]:
    """Enterprises holding, in e's idle slots, a table of an institution e meets: freeing them
    with e lets a meeting of e move into its gap while the blocker takes e's old slot."""
    inst, sched = search.inst, search.sched
    busy = sched.ent_busy[e]
    if busy & (busy - 1) == 0:
        return []
    span = ((1 << busy.bit_length()) - 1) & ~((busy & -busy) - 1)
    idle = span & inst.ent_usable[e] & ~busy
    out = []
    for r in inst.ent_requests[e]:
        if sched.slot_of[r] == UNMET:
            continue
        i = inst.req_institution[r]
        for s in bits(idle & inst.req_slots[r]):
            out += [inst.req_enterprise[q] for q in sched.meetings_at("i", i, s)]
    search.rng.shuffle(out)
    return out[:6]


def pick_seed_enterprise(search: Search) -> int:
    """Unplaced chosen requests first; then, while value is below the bound, enterprises with an
    unmet request that has room; otherwise participants with idle gaps (an enterprise with one,
    or one meeting an institution with one); now and then anyone."""
    inst, sched, rng = search.inst, search.sched, search.rng
    if search.targets and rng.random() < 0.7:
        return inst.req_enterprise[rng.choice(sorted(search.targets))]
    roll = rng.random()
    # enterprise gaps get most seeds (15 % value, 65 % enterprise gaps, 10 % institution gaps):
    # near the bound few unmet requests can still be placed, and enterprise gaps are the
    # waiting people (from a post-exact fragmented 1,000×200 in 10 s: 365 gaps against 380)
    if roll < 0.15 and sched.objective < search.bound:
        for _ in range(20):
            r = rng.randrange(inst.n_requests)
            if sched.slot_of[r] == UNMET and sched.room_for(r):
                return inst.req_enterprise[r]
    if roll < 0.8:
        for _ in range(30):
            e = rng.randrange(len(inst.enterprise_ids))
            if sched.ent_gaps(e):
                return e
    if roll < 0.9:
        for _ in range(30):
            i = rng.randrange(len(inst.institution_ids))
            if sched.inst_gaps(i):
                met = [r for r in inst.inst_requests[i] if sched.slot_of[r] != UNMET]
                return inst.req_enterprise[rng.choice(met)]
    return rng.randrange(len(inst.enterprise_ids))


def improve(search: Search, *, stall_limit: int, done: Callable[[], bool]) -> str:
    """Run neighbourhoods until `stall_limit` in a row bring nothing, `done()`, or the deadline;
    return why it stopped: "optimal" (done or proven), "stalled" or "time limit"."""
    stall = 0
    # stop while a model can still be built and solved briefly before the deadline: building
    # cannot be interrupted, and on a loaded machine it takes a good part of a second
    while (stall < stall_limit and not done() and not search.proven
           and search.deadline.remaining() > 2 * search.build_seconds + 0.05):
        free = grow_neighbourhood(search, pick_seed_enterprise(search))
        if free and solve_neighbourhood(search, free):
            search.improvements += 1
            stall = 0
            search.on_improve()
        else:
            stall += 1
    if done() or search.proven:
        return "optimal"
    return "stalled" if stall >= stall_limit else "time limit"
