"""Repair: a changed problem re-solved around a published schedule."""

from __future__ import annotations

from dataclasses import replace

from matchmaker.solver.check import check
from matchmaker.solver.repair import repair
from matchmaker.solver.solution import Meeting, Solution
from matchmaker.solver.solve import solve
from tests.solver.factories import make_problem, random_problem

ENTERPRISES = ["E1", "E2", "E3", "E4"]
INSTITUTIONS = ["I1", "I2", {"id": "I3", "tables": 2}]
REQUESTS = [("E1", "I1", 5), ("E1", "I3", 4), ("E2", "I1", 3), ("E2", "I2", 6), ("E3", "I2", 2),
            ("E3", "I3", 2), ("E4", "I3", 7), ("E4", "I1", 1)]


def test_cancelled_enterprise_frees_slots_and_everyone_else_keeps_theirs():
    problem = make_problem(slots=4, enterprises=ENTERPRISES, institutions=INSTITUTIONS, requests=REQUESTS)
    published = solve(problem, time_limit=5, seed=3)
    changed = make_problem(slots=4, enterprises=["E1", {"id": "E2", "available": []}, "E3", "E4"],
                           institutions=INSTITUTIONS, requests=REQUESTS)

    repaired = repair(changed, published, time_limit=5, seed=3)

    assert check(changed, repaired) == []
    unaffected = {m for m in published.meetings if m.enterprise != "E2"}
    kept = {m for m in repaired.meetings if m in unaffected}
    assert {(m.enterprise, m.institution, m.slot) for m in kept} == {
        (m.enterprise, m.institution, m.slot) for m in unaffected}
    assert repaired.stats["kept_slot"] == len(unaffected)
    assert repaired.stats["dropped"] == 0


def test_new_request_is_added_without_moving_published_meetings():
    problem = make_problem(slots=3, enterprises=["E1", "E2"], institutions=["I1", "I2"],
                           requests=[("E1", "I1", 5), ("E2", "I2", 5)])
    published = solve(problem, time_limit=5, seed=0)
    changed = make_problem(slots=3, enterprises=["E1", "E2"], institutions=["I1", "I2"],
                           requests=[("E1", "I1", 5), ("E2", "I2", 5), ("E1", "I2", 4)])

    repaired = repair(changed, published, time_limit=5, seed=0)

    assert check(changed, repaired) == []
    assert set(published.meetings) <= set(repaired.meetings)
    assert repaired.objective == 14
    assert (repaired.stats["kept_slot"], repaired.stats["moved"]) == (2, 0)


def single_slot_contest(move_penalty: int):
    """Published: E1–I1 (weight 5) in the only slot. Now E2–I1 (weight 9) wants it too."""
    problem = make_problem(slots=1, enterprises=["E1", "E2"], requests=[("E1", "I1", 5)])
    published = solve(problem, time_limit=5, seed=0)
    changed = make_problem(slots=1, enterprises=["E1", "E2"], requests=[("E1", "I1", 5), ("E2", "I1", 9)])
    return published, repair(changed, published, time_limit=5, seed=0, move_penalty=move_penalty)


def test_published_meeting_gives_way_when_the_gain_beats_the_penalty():
    published, repaired = single_slot_contest(move_penalty=3)   # 9 > 5 + 3

    assert published.meetings == (Meeting("E1", "I1", "s1", 1),)
    assert repaired.meetings == (Meeting("E2", "I1", "s1", 1),)
    assert (repaired.objective, repaired.stats["kept_slot"], repaired.stats["dropped"]) == (9, 0, 1)


def test_published_meeting_stays_when_the_penalty_outweighs_the_gain():
    published, repaired = single_slot_contest(move_penalty=5)   # 9 < 5 + 5

    assert repaired.meetings == (Meeting("E1", "I1", "s1", 1),)
    assert (repaired.objective, repaired.stats["kept_slot"]) == (5, 1)


def test_after_five_percent_cancel_unaffected_meetings_keep_their_slots():
    problem = random_problem(enterprises=200, institutions=30, slots=10, per_enterprise=5, seed=8)
    published = solve(problem, time_limit=3, seed=8)
    gone = {e.id for e in problem.enterprises[::20]}          # every 20th enterprise cancels
    changed = replace(problem, enterprises=tuple(replace(e, available=()) if e.id in gone else e
                                                 for e in problem.enterprises),
                      pitches=tuple(p for p in problem.pitches if p.enterprise not in gone),
                      requests=tuple(replace(r, after_pitch=False) if r.enterprise in gone else r
                                     for r in problem.requests))

    repaired = repair(changed, published, time_limit=3, seed=8)

    assert check(changed, repaired) == []
    unaffected = [m for m in published.meetings if m.enterprise not in gone]
    now = {(m.enterprise, m.institution): m.slot for m in repaired.meetings}
    kept = sum(1 for m in unaffected if now.get((m.enterprise, m.institution)) == m.slot)
    assert kept >= 0.95 * len(unaffected)
    assert repaired.stats["kept_slot"] == kept
    assert not any(m.enterprise in gone for m in repaired.meetings)


def test_a_newly_accepted_request_leaves_no_idle_gap_where_a_fresh_solve_would_leave_none():
    """E1 met I1, I3, I4 in s1–s3; I2 (one table, from s4) is booked by E2–E4 in s4–s6. The new
    E1–I2 request can only go to s7 or s8: left there, E1 would wait through s4–s6. The repair
    moves E1's own three meetings next to it instead (three moves pay for three idle gaps)."""
    institutions = ["I1", {"id": "I2", "available": ["s4", "s5", "s6", "s7", "s8"]}, "I3", "I4"]
    before = [("E1", "I1", 5), ("E1", "I3", 5), ("E1", "I4", 5), ("E2", "I2", 5), ("E3", "I2", 5),
              ("E4", "I2", 5)]
    enterprises = ["E1", "E2", "E3", "E4"]
    published = Solution("optimal", 30, 30, tuple(
        Meeting(e, i, slot, 1) for (e, i, _), slot in zip(before, ["s1", "s2", "s3", "s4", "s5", "s6"],
                                                          strict=True)))
    changed = make_problem(slots=8, enterprises=enterprises, institutions=institutions,
                           requests=[*before, ("E1", "I2", 4)])
    assert check(make_problem(slots=8, enterprises=enterprises, institutions=institutions,
                              requests=before), published) == []

    repaired = repair(changed, published, time_limit=5, seed=0)
    fresh = solve(changed, time_limit=5, seed=0)

    assert check(changed, repaired) == []
    assert repaired.objective == fresh.objective == 34
    assert repaired.stats["enterprise_idle_gaps"] == fresh.stats["enterprise_idle_gaps"] == 0
    assert repaired.stats["moved"] == 3 and repaired.stats["kept_slot"] == 3   # E2–E4 stay put
