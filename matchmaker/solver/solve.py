"""`solve(problem)`: the whole pipeline under one deadline, returning the best schedule found.

select (min-cost flow: which requests, plus a proven bound) -> place (greedy + repair + fill)
-> LP bound when affordable -> exact CP-SAT when the instance is small -> large-neighbourhood
search until the deadline, a stall, or a proven optimum with no idle gap. Every phase checks
the shared deadline, and every CP-SAT call gets at most what remains, so the incumbent comes
back on time. `on_progress` receives a ProgressEvent at each improvement.
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass

from matchmaker.solver.bound import lp_bound
from matchmaker.solver.clock import Deadline
from matchmaker.solver.eject import repack_ejecting_all
from matchmaker.solver.exact import EXACT_VARIABLES, exact_size, solve_exactly
from matchmaker.solver.instance import Instance, compile_instance, locked_clashes
from matchmaker.solver.lns import Search, improve
from matchmaker.solver.model import ENTERPRISE_GAP
from matchmaker.solver.place import fill_unmet, greedy_schedule, insert_with_one_move, place_locked
from matchmaker.solver.polish import EarlyFloor, close_gaps, pull_early, repack_all, shift_early
from matchmaker.solver.problem import Problem
from matchmaker.solver.report import build_solution, infeasible_solution
from matchmaker.solver.schedule import UNMET, Schedule
from matchmaker.solver.select import Selection, select_requests
from matchmaker.solver.solution import Solution
from matchmaker.solver.swap import swap_into_gaps
from matchmaker.solver.sweep import sweep_schedule
from matchmaker.solver.trade import trade_first_hour

SWEEP_REQUESTS = 20_000   # the slot-by-slot construction is tried up to this many requests
VALUE_SLACK = 1e-3        # candidates this close to the best construction's value compete on the rest
EARLY_FLOOR = 0.97        # share of the sweep's first-hour meetings every later phase keeps:
                          # the sweep fills the first hour as self-booking does (1.01× FCFS on
                          # docking 1,000×200), the per-enterprise runs only 0.60×
STALL_LIMIT = 400   # neighbourhoods in a row without improvement before giving up early
EXACT_BUILD = 1e-4  # seconds of remaining time needed per literal of the exact model: building it
                    # cannot be interrupted (0.98 s for 27,710 literals on the loaded 2-core
                    # machine), and with less left it would overrun the limit
EXACT_SHARE = 0.85  # of the remaining time, for the exact model of the value: on fragmented days
                    # it beats the neighbourhoods on value; the rest goes to idle gaps (1,000×200
                    # at load 3-4: 99.867/99.872 % against 99.836 % at 0.7, gaps 0.41× either way)


def finishing_reserve(n_requests: int) -> float:
    """Seconds kept for tables, statistics and the solution itself after the search stops
    (about 1 s at 60,000 requests), so the whole call returns within its limit."""
    return 0.05 + 2e-5 * n_requests


@dataclass(frozen=True)
class ProgressEvent:
    seconds: float
    objective: int
    bound: int
    phase: str


Progress = Callable[[ProgressEvent], None] | None


class _Reporter:
    """Sends a ProgressEvent at phase ends and improvements: at once when the objective or the
    bound moves, at most every THROTTLE seconds for idle-gap-only improvements (a web page
    streaming them needs no more)."""

    THROTTLE = 0.25

    def __init__(self, deadline: Deadline, on_progress: Progress):
        self.deadline, self.on_progress = deadline, on_progress
        self.last: tuple[int, int] | None = None
        self.last_at = -1.0

    def __call__(self, objective: int, bound: int, phase: str, force: bool = False) -> None:
        now = self.deadline.elapsed()
        if self.on_progress is None or (not force and self.last == (objective, bound)
                                        and now - self.last_at < self.THROTTLE):
            return
        self.last, self.last_at = (objective, bound), now
        self.on_progress(ProgressEvent(round(now, 3), objective, bound, phase))


def solve(problem: Problem, *, time_limit: float = 30.0, seed: int = 0,
          on_progress: Progress = None) -> Solution:
    """Best schedule within `time_limit` seconds; deterministic for a given seed when the search
    ends before the deadline (see docs/scheduling.md)."""
    deadline = Deadline(time_limit)
    inst = compile_instance(problem)
    deadline.keep(finishing_reserve(inst.n_requests))
    clashes = locked_clashes(inst)
    if clashes:
        return infeasible_solution(clashes, deadline.elapsed())
    report = _Reporter(deadline, on_progress)
    selection = select_requests(inst)
    sched, unplaced, floor = construct(inst, selection, random.Random(seed), deadline)
    report(sched.objective, selection.bound, "construct", force=True)
    bound, bound_source, exact = tighten_bound(inst, sched, selection.bound, deadline, seed, report, floor)
    # after the exact model the construction's unplaced requests say nothing: it re-chose them
    targets = set() if exact else set(unplaced)
    search = Search(inst, sched, deadline, seed, bound=bound, targets=targets, early_floor=floor,
                    on_improve=lambda: report(sched.objective, bound, "lns"))
    stopped = improve(search, stall_limit=STALL_LIMIT,
                      done=lambda: sched.objective >= bound and search.gaps == 0)
    if search.proven and sched.objective < bound:  # the whole instance was one optimal neighbourhood
        bound, bound_source = sched.objective, "cp-sat"
    report(sched.objective, bound, "done", force=True)
    return build_solution(inst, sched, bound, deadline.elapsed(),
                          {"bound_source": bound_source, "lns_iterations": search.iterations,
                           "lns_improvements": search.improvements, "stopped": stopped})


def construct(inst: Instance, selection: Selection, rng: random.Random,
              deadline: Deadline) -> tuple[Schedule, list[int], int]:
    """Two constructions, each followed by fill and polish, keeping the better by (value, first
    hour at the floor, weighted idle gaps, first-hour meetings):

    - per enterprise: the flow's choice placed greedily, each enterprise in its tightest run;
    - hall first: the slot-by-slot sweep over the event's first hour only (it fills those
      tables as self-booking does), then every enterprise that started there continues its run
      from its last meeting, then the others as above.

    The hall-first construction's first-hour meetings set the floor (EARLY_FLOOR of them) that
    polish and the search keep. Below the flow bound (fragmented days), the full-day sweep is
    a third candidate. Returns the schedule, the chosen requests not placed, and the floor."""
    candidates = []
    sched = Schedule(inst)
    place_locked(sched)
    unplaced = greedy_schedule(sched, selection.chosen, rng, deadline)
    fill_unmet(sched, rng, deadline=deadline)
    candidates.append((sched, unplaced))
    hall = Schedule(inst)
    place_locked(hall)
    sweep_schedule(hall, selection.chosen, until=inst.early.bit_length())
    floor = int(EARLY_FLOOR * early_meetings(hall))
    if not deadline.expired():
        left = greedy_schedule(hall, selection.chosen, rng, deadline, anchored=True)
        fill_unmet(hall, rng, deadline=deadline)
        candidates.append((hall, left))
    if (sched.objective < selection.bound and inst.n_requests <= SWEEP_REQUESTS
            and not deadline.expired()):
        alt = Schedule(inst)
        place_locked(alt)
        left = [r for r in sweep_schedule(alt, selection.chosen) if not insert_with_one_move(alt, r)]
        fill_unmet(alt, rng, deadline=deadline)
        candidates.append((alt, left))
    for candidate, _ in candidates:
        polish(candidate, rng, deadline, floor)
    # value first, but a candidate within VALUE_SLACK of the best competes on the rest: the
    # search then places its few missing meetings (docking 10,000×1,500: hall first is 7 short
    # of the bound, 593,854 of 593,861, and fills the first hour 0.93× FCFS against 0.62×)
    top = max(candidate.objective for candidate, _ in candidates)
    near = [item for item in candidates if item[0].objective >= top - VALUE_SLACK * top]
    best, left = max(near, key=lambda item: score(item[0], floor)[1:] + (item[0].objective,))
    return best, left, floor


def early_meetings(sched: Schedule) -> int:
    """Meetings in the event's first hour."""
    return sum((busy & sched.inst.early).bit_count() for busy in sched.ent_busy)


def score(sched: Schedule, floor: int = 0) -> tuple[int, bool, int, int]:
    """(objective, first hour at the floor, −weighted idle gaps, first-hour meetings): larger
    is better."""
    enterprise_gaps, institution_gaps = sched.gaps()
    early = early_meetings(sched)
    return sched.objective, early >= floor, -(ENTERPRISE_GAP * enterprise_gaps + institution_gaps), early


def polish(sched: Schedule, rng: random.Random, deadline: Deadline, floor: int = 0,
           deep: bool = False) -> None:
    """Same meetings, fewer idle gaps, earlier: re-pack enterprises, move single meetings into
    gaps, exchange two meetings into a gap at a full institution (taking meetings out of the
    first hour only down to `floor`), then move whole runs and single meetings towards the
    first slots where that opens no gap.

    `deep` (after the exact model) adds, before the moves towards the first slots, re-packings
    that move other meetings out of the way (eject.py) and first-hour meetings traded for gaps
    (trade.py): about 1 s on fragmented 3,000×500 for 1,151 → 1,058 enterprise gaps, but 31 s
    on a constructed docking 10,000×1,500 (5,700 enterprises with gaps), which the
    neighbourhoods handle better there."""
    early = EarlyFloor(sched, floor)
    repack_all(sched, rng, deadline, early=early)
    close_gaps(sched, deadline, rng=rng, early=early)
    swap_into_gaps(sched, deadline, early)
    if deep:
        repack_ejecting_all(sched, deadline, early)
        trade_first_hour(sched, deadline, early, rng)
    shift_early(sched, deadline, rng)
    pull_early(sched, deadline)


def tighten_bound(inst: Instance, sched: Schedule, bound: int, deadline: Deadline, seed: int,
                  report: _Reporter, floor: int = 0) -> tuple[int, str, bool]:
    """While the schedule is below the flow bound, try the LP bound, then (small instances) the
    exact model, which may also improve the schedule. Returns the bound, where it came from,
    and whether the exact model ran."""
    source, exact = "flow", False
    if sched.objective < bound and deadline.remaining() > 1.0:
        proven = lp_bound(inst, deadline, share=0.3)
        if proven is not None and proven < bound:
            bound, source = proven, "lp"
            report(sched.objective, bound, "bound")
    size = exact_size(inst)
    if size <= EXACT_VARIABLES and sched.objective < bound and deadline.remaining() > EXACT_BUILD * size:
        exact = True
        proven = solve_exactly(inst, sched, deadline, seed, seconds=deadline.remaining() * EXACT_SHARE,
                               early_floor=floor)
        # the exact model places for value alone and scatters meetings: re-pack before the search
        polish(sched, random.Random(seed), deadline, floor, deep=True)
        if proven is not None and proven < bound:
            bound, source = proven, "cp-sat"
        report(sched.objective, bound, "exact")
    return bound, source, exact
