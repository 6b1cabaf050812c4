"""`refill_problem(problem, previous, absent=, frozen=)`: the event-day refill as a repair.

On the day, some participants do not come and part of the day is over. The refill keeps every
meeting of the past and current slots as it is, drops the meetings of absent participants, and
lets the freed future table-slots be filled by participants who are present — moving as few of
the other future meetings as it can. It is an ordinary `repair` of a changed problem:

    changed = refill_problem(problem, published, absent={"E7", "B2"}, frozen=slot_ids[:8])
    solution = repair(changed, published, time_limit=5, seed=0)
    assert check(changed, solution) == []      # check against the changed problem

The changed problem:
- every previous meeting in a `frozen` slot whose participants are both present is `locked`
  (with its table), and so stays every future locked meeting of present participants; nothing else can go into a frozen slot, because each participant keeps a
  frozen slot in its availability only where it holds such a meeting;
- an absent participant has no availability at all (its meetings, past ones included, did not
  happen); an absent enterprise's pitch is dropped and its follow-up requests lose `after_pitch`;
- every other field is unchanged, so `repair` puts the still-valid future meetings back first
  and fills what the absent left free.
"""

from __future__ import annotations

from collections.abc import Iterable

from matchmaker.solver.problem import Enterprise, Institution, LockedMeeting, Problem, Request
from matchmaker.solver.solution import Solution


def refill_problem(problem: Problem, previous: Solution, *, absent: Iterable[str],
                   frozen: Iterable[str]) -> Problem:
    """The problem a refill solves: `absent` participant ids (enterprises or institutions) are
    gone, slots `frozen` (ids of past and current slots) keep exactly their present meetings."""
    absent, frozen = set(absent), set(frozen)
    kept = [m for m in previous.meetings
            if m.slot in frozen and m.enterprise not in absent and m.institution not in absent]
    holds: dict[str, set[str]] = {}
    for m in kept:
        holds.setdefault(m.enterprise, set()).add(m.slot)
        holds.setdefault(m.institution, set()).add(m.slot)

    def available(ident: str, slots: tuple[str, ...]) -> tuple[str, ...]:
        if ident in absent:
            return ()
        return tuple(s for s in slots if s not in frozen or s in holds.get(ident, ()))

    enterprises = tuple(Enterprise(e.id, available(e.id, e.available), e.max_meetings)
                        for e in problem.enterprises)
    institutions = tuple(Institution(i.id, available(i.id, i.available), i.tables, i.max_meetings)
                         for i in problem.institutions)
    pitches = tuple(p for p in problem.pitches if p.enterprise not in absent)
    pitching = {p.enterprise for p in pitches}
    requests = tuple(r if not r.after_pitch or r.enterprise in pitching
                     else Request(r.enterprise, r.institution, r.weight, False) for r in problem.requests)
    locked = tuple(LockedMeeting(m.enterprise, m.institution, m.slot, m.table) for m in kept) + tuple(
        m for m in problem.locked
        if m.slot not in frozen and m.enterprise not in absent and m.institution not in absent)
    return Problem(problem.slots, enterprises, institutions, requests, pitches, locked,
                   problem.coverage_bonus)
