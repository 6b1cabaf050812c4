"""The cheap moves before and after the CP-SAT phases: single meetings into idle gaps, runs
sliding to the first slots, the slot-by-slot construction, exchanges, re-packings that move
other meetings aside, and first-hour meetings traded for gaps."""

from __future__ import annotations

import random

from bench.instances import generate
from matchmaker.solver.check import check
from matchmaker.solver.clock import Deadline
from matchmaker.solver.eject import repack_ejecting, repack_ejecting_all
from matchmaker.solver.instance import compile_instance
from matchmaker.solver.place import place_locked
from matchmaker.solver.polish import EarlyFloor, close_gaps, pull_early
from matchmaker.solver.report import build_solution
from matchmaker.solver.schedule import UNMET, Schedule
from matchmaker.solver.select import select_requests
from matchmaker.solver.swap import swap_into_gaps
from matchmaker.solver.sweep import sweep_schedule
from matchmaker.solver.trade import trade_first_hour
from tests.solver.factories import make_problem


def schedule_of(problem, placed: dict[tuple[str, str], int]) -> Schedule:
    inst = compile_instance(problem)
    sched = Schedule(inst)
    ent = {ident: e for e, ident in enumerate(inst.enterprise_ids)}
    ins = {ident: i for i, ident in enumerate(inst.institution_ids)}
    for (e, i), s in placed.items():
        sched.place(inst.pair[ent[e], ins[i]], s)
    return sched


def test_a_meeting_moves_into_its_enterprises_idle_gap():
    problem = make_problem(slots=5, institutions=["I1", "I2"], requests=[("E1", "I1", 3), ("E1", "I2", 3)])
    sched = schedule_of(problem, {("E1", "I1"): 0, ("E1", "I2"): 3})   # E1 waits through s2, s3
    assert sched.gaps() == (2, 0)

    moved = close_gaps(sched, Deadline(5))

    assert sched.gaps() == (0, 0) and sched.objective == 6
    assert moved == 0   # no previous (published) meeting was involved


def test_a_published_meeting_moves_only_within_the_budget():
    problem = make_problem(slots=5, institutions=["I1", "I2"], requests=[("E1", "I1", 3), ("E1", "I2", 3)])
    sched = schedule_of(problem, {("E1", "I1"): 0, ("E1", "I2"): 3})
    previous = {r: s for r, s in enumerate(sched.slot_of)}

    moved = close_gaps(sched, Deadline(5), previous=previous, budget=0)

    assert moved == 0 and sched.slot_of == [previous[0], previous[1]] and sched.gaps() == (2, 0)


def test_runs_slide_to_the_first_slots_without_opening_a_gap():
    problem = make_problem(slots=6, enterprises=["E1", "E2"], institutions=["I1", "I2"],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I1", 2)])
    sched = schedule_of(problem, {("E1", "I1"): 3, ("E1", "I2"): 4, ("E2", "I1"): 5})

    pull_early(sched, Deadline(5))

    inst = sched.inst
    assert sched.gaps() == (0, 0) and sched.objective == 8
    assert sorted(sched.slot_of[r] for r in inst.ent_requests[0]) == [0, 1]
    assert max(sched.slot_of) <= 2   # E2 slides too, and I1 keeps no idle slot


def test_sweep_fills_the_first_slot_on_an_open_day():
    problem = make_problem(slots=4, enterprises=["E1", "E2", "E3"], institutions=["I1", "I2", "I3"],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I2", 3), ("E2", "I3", 3),
                                     ("E3", "I3", 3), ("E3", "I1", 3)])
    inst = compile_instance(problem)
    sched = Schedule(inst)

    left = sweep_schedule(sched, frozenset(range(inst.n_requests)))

    assert left == []
    assert sorted(sched.slot_of) == [0, 0, 0, 1, 1, 1]   # three tables busy in each of s1, s2
    assert sched.gaps() == (0, 0)


def test_sweep_on_a_fragmented_day_gives_a_checked_schedule_the_same_for_the_same_seed():
    problem = generate("fragmented", 60, 12, 24, 360, seed=5)
    inst = compile_instance(problem)
    runs = []
    for _ in range(2):
        sched = Schedule(inst)
        place_locked(sched)
        left = sweep_schedule(sched, select_requests(inst).chosen)
        solution = build_solution(inst, sched, 10 ** 9, 0.0, {})
        assert check(problem, solution) == []
        assert all(sched.slot_of[r] == UNMET for r in left)
        runs.append(solution.meetings)
    assert runs[0] == runs[1] and len(runs[0]) > len(inst.locked)


def test_two_meetings_exchange_slots_to_close_a_gap_at_a_full_institution():
    # E1 meets I2 (there only at s1) and I1 (one table) at s3, waiting through s2, where E2
    # holds I1's table; E2 could as well meet at s3. No single move helps, the exchange does.
    problem = make_problem(slots=3, enterprises=["E1", {"id": "E2", "available": ["s2", "s3"]}],
                           institutions=["I1", {"id": "I2", "available": ["s1"]}],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I1", 3)])
    sched = schedule_of(problem, {("E1", "I2"): 0, ("E1", "I1"): 2, ("E2", "I1"): 1})
    assert sched.gaps() == (1, 0)
    close_gaps(sched, Deadline(5))
    assert sched.gaps() == (1, 0)   # a single move cannot do it

    made = swap_into_gaps(sched, Deadline(5))

    assert made == 1 and sched.gaps() == (0, 0) and sched.objective == 9
    inst = sched.inst
    assert [sched.slot_of[inst.pair[0, 0]], sched.slot_of[inst.pair[1, 0]]] == [1, 2]


def test_an_exchange_keeps_the_first_hour_floor():
    # E1 meets I1 at s1 (09:00, the first hour) and I2 (there only at s5), waiting through s4,
    # where E2 holds I1's one table; E2 could meet at s5 instead. The exchange would close the
    # gap but take the day's only first-hour meeting out of the first hour: at the floor, refused
    problem = make_problem(slots=5, enterprises=[{"id": "E1", "available": ["s1", "s4", "s5"]},
                                                 {"id": "E2", "available": ["s4", "s5"]}],
                           institutions=["I1", {"id": "I2", "available": ["s5"]}],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I1", 3)])
    placed = {("E1", "I1"): 0, ("E1", "I2"): 4, ("E2", "I1"): 3}
    sched = schedule_of(problem, placed)
    assert sched.gaps()[0] == 1

    assert swap_into_gaps(sched, Deadline(5), EarlyFloor(sched, floor=1)) == 0
    assert sched.gaps()[0] == 1

    assert swap_into_gaps(sched, Deadline(5), EarlyFloor(sched, floor=0)) == 1   # without a floor it is made
    assert sched.gaps()[0] == 0


def test_an_enterprise_present_twice_is_repacked_at_its_window_edges_moving_a_holder_aside():
    # E1 is present s1–s2 and s5–s6 (away s3–s4) and meets I1 (there s1–s2, one table) and I2
    # (there s5–s6): at s1 and s6 it waits through s2 and s5. The run s2+s5 closes both gaps,
    # but E2 holds I1's one table at s2; E2 can meet at s1 instead (its only other slot).
    problem = make_problem(slots=6, enterprises=[{"id": "E1", "available": ["s1", "s2", "s5", "s6"]},
                                                 {"id": "E2", "available": ["s1", "s2"]}],
                           institutions=[{"id": "I1", "available": ["s1", "s2"]},
                                         {"id": "I2", "available": ["s5", "s6"]}],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I1", 3)])
    sched = schedule_of(problem, {("E1", "I1"): 0, ("E1", "I2"): 5, ("E2", "I1"): 1})
    assert sched.gaps() == (2, 0)

    assert repack_ejecting(sched, 0)

    inst = sched.inst
    assert sched.gaps() == (0, 0) and sched.objective == 9
    assert [sched.slot_of[inst.pair[0, 0]], sched.slot_of[inst.pair[0, 1]], sched.slot_of[inst.pair[1, 0]]] == [1, 4, 0]
    assert check(problem, build_solution(inst, sched, 10 ** 9, 0.0, {})) == []


def test_a_repacking_that_takes_a_meeting_out_of_the_first_hour_keeps_the_floor():
    # E1 is present s3–s4 and s6–s7 and meets I1 (s3–s5, one table) at s3, in the first hour,
    # and I2 (s6–s7) at s7. The run s4+s6 means I1 at s4, where E2 sits and can move to s5,
    # but takes the day's only first-hour meeting out of it: at the floor only the run s3+s6
    # (one gap left) is allowed
    problem = make_problem(slots=7, enterprises=[{"id": "E1", "available": ["s3", "s4", "s6", "s7"]},
                                                 {"id": "E2", "available": ["s4", "s5"]}],
                           institutions=[{"id": "I1", "available": ["s3", "s4", "s5"]},
                                         {"id": "I2", "available": ["s6", "s7"]}],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I1", 3)])
    sched = schedule_of(problem, {("E1", "I1"): 2, ("E1", "I2"): 6, ("E2", "I1"): 3})
    assert sched.gaps() == (2, 0)

    inst = sched.inst
    assert repack_ejecting(sched, 0, EarlyFloor(sched, floor=1))
    assert sched.gaps() == (1, 0)
    assert [sched.slot_of[inst.pair[0, 0]], sched.slot_of[inst.pair[0, 1]], sched.slot_of[inst.pair[1, 0]]] == [2, 5, 3]

    assert repack_ejecting(sched, 0, EarlyFloor(sched, floor=0))   # without a floor: s4+s6
    assert sched.gaps() == (0, 0)
    assert [sched.slot_of[inst.pair[0, 0]], sched.slot_of[inst.pair[0, 1]], sched.slot_of[inst.pair[1, 0]]] == [3, 5, 4]


def test_repacking_with_ejections_on_a_fragmented_day_keeps_every_rule_the_value_and_the_floor():
    problem = generate("fragmented", 120, 24, 24, 720, seed=3)
    inst = compile_instance(problem)
    sched = Schedule(inst)
    place_locked(sched)
    sweep_schedule(sched, select_requests(inst).chosen)
    value, (ent_gaps, inst_gaps) = sched.objective, sched.gaps()
    early = EarlyFloor(sched, floor=0)
    early.floor = early.total

    made = repack_ejecting_all(sched, Deadline(10), early)

    after = sched.gaps()
    assert made > 0 and sched.objective == value
    assert 2 * after[0] + after[1] < 2 * ent_gaps + inst_gaps and after[0] < ent_gaps
    assert early.total >= early.floor
    assert early.total == sum((busy & inst.early).bit_count() for busy in sched.ent_busy)
    assert check(problem, build_solution(inst, sched, 10 ** 9, 0.0, {})) == []


def test_a_first_hour_meeting_is_traded_for_two_gaps_when_another_enterprise_can_start_earlier():
    # The refused re-packing above, with E3 present all day and meeting I3 at s5: E3 starting
    # at s1 puts a meeting back into the first hour, so E1 may leave it and close both gaps
    problem = make_problem(slots=7, enterprises=[{"id": "E1", "available": ["s3", "s4", "s6", "s7"]},
                                                 {"id": "E2", "available": ["s4", "s5"]}, "E3"],
                           institutions=[{"id": "I1", "available": ["s3", "s4", "s5"]},
                                         {"id": "I2", "available": ["s6", "s7"]}, "I3"],
                           requests=[("E1", "I1", 3), ("E1", "I2", 3), ("E2", "I1", 3), ("E3", "I3", 3)])
    sched = schedule_of(problem, {("E1", "I1"): 2, ("E1", "I2"): 6, ("E2", "I1"): 3, ("E3", "I3"): 4})
    early = EarlyFloor(sched, floor=1)
    assert sched.gaps() == (2, 0) and early.total == 1

    kept = trade_first_hour(sched, Deadline(5), early, random.Random(0))

    inst = sched.inst
    assert kept == 1 and sched.gaps() == (0, 0) and sched.objective == 12
    assert sched.slot_of[inst.pair[2, 2]] < 3 and early.total == 1   # E3 now meets in the first hour
    assert check(problem, build_solution(inst, sched, 10 ** 9, 0.0, {})) == []
