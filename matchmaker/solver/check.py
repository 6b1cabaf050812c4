"""Independent checker: re-verifies a schedule against the problem, knowing nothing of OR-Tools.

`check(problem, solution)` returns a list of violations (empty means valid). `objective_of` and
`idle_gaps` recompute the figures a solution claims, from the problem and meetings alone.

An idle gap is an empty available slot between a participant's first and last meeting. For an
enterprise its pitch slot is busy (it is on stage), so it never counts as idle; for an
institution a slot is idle when none of its tables has a meeting in it.
"""

from __future__ import annotations

from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from matchmaker.solver.problem import Problem
from matchmaker.solver.solution import Meeting, Solution


@dataclass(frozen=True)
class IdleGaps:
    enterprises: int
    institutions: int

    @property
    def total(self) -> int:
        return self.enterprises + self.institutions


def objective_of(problem: Problem, meetings: Iterable[Meeting]) -> int:
    """Sum of weights of met requests plus the coverage bonus per enterprise with a meeting.

    Meetings for pairs that were not requested add nothing (the checker reports them)."""
    weight = {(r.enterprise, r.institution): r.weight for r in problem.requests}
    met = {(m.enterprise, m.institution) for m in meetings}
    covered = {enterprise for enterprise, _ in met}
    return sum(weight.get(pair, 0) for pair in met) + problem.coverage_bonus * len(covered)


def idle_gaps(problem: Problem, meetings: Iterable[Meeting]) -> IdleGaps:
    meetings = list(meetings)
    position = {slot.id: index for index, slot in enumerate(problem.slots)}
    pitch = {p.enterprise: position[p.slot] for p in problem.pitches}
    busy_e: dict[str, set[int]] = defaultdict(set)
    busy_i: dict[str, set[int]] = defaultdict(set)
    for m in meetings:
        busy_e[m.enterprise].add(position[m.slot])
        busy_i[m.institution].add(position[m.slot])
    enterprise_gaps = sum(
        _gaps(busy_e[e.id], {position[s] for s in e.available} - {pitch.get(e.id)})
        for e in problem.enterprises if busy_e[e.id])
    institution_gaps = sum(_gaps(busy_i[i.id], {position[s] for s in i.available})
                           for i in problem.institutions if busy_i[i.id])
    return IdleGaps(enterprise_gaps, institution_gaps)


def _gaps(busy: set[int], available: set[int]) -> int:
    first, last = min(busy), max(busy)
    return sum(1 for s in available if first < s < last and s not in busy)


def check(problem: Problem, solution: Solution) -> list[str]:
    """Every hard rule of DESIGN §5, plus the figures the solution claims about itself."""
    if solution.status == "infeasible":
        return _infeasibility_claim(problem, solution)
    violations = check_meetings(problem, solution.meetings)
    claimed = objective_of(problem, solution.meetings)
    if claimed != solution.objective:
        violations.append(f"目标值不符 (objective mismatch): claimed {solution.objective}, "
                          f"recomputed {claimed}")
    if solution.upper_bound is not None and solution.upper_bound < solution.objective:
        violations.append(f"上界小于目标值 (upper bound {solution.upper_bound} below objective "
                          f"{solution.objective})")
    if solution.status == "optimal" and solution.upper_bound != solution.objective:
        violations.append("状态为最优但目标值不等于上界 (status optimal but objective != bound)")
    if "idle_gaps" in solution.stats and not violations:
        gaps = idle_gaps(problem, solution.meetings)
        if solution.stats["idle_gaps"] != gaps.total:
            violations.append(f"空档数不符 (idle gap mismatch): claimed {solution.stats['idle_gaps']}, "
                              f"recomputed {gaps.total}")
    return violations


def _infeasibility_claim(problem: Problem, solution: Solution) -> list[str]:
    """Only locked meetings are compulsory, so a problem is infeasible exactly when the locked
    meetings alone (at their tables, or the lowest free ones) break a rule."""
    if solution.meetings:
        return ["不可行的解答不应包含会面 (infeasible solution lists meetings)"]
    taken = {(m.institution, m.slot, m.table) for m in problem.locked if m.table is not None}
    meetings = []
    for m in problem.locked:
        table = m.table
        if table is None:
            table = next(t for t in range(1, len(problem.locked) + 2) if (m.institution, m.slot, t) not in taken)
            taken.add((m.institution, m.slot, table))
        meetings.append(Meeting(m.enterprise, m.institution, m.slot, table))
    if not check_meetings(problem, meetings):
        return ["声称不可行但锁定的会面互不冲突 (claimed infeasible, but the locked meetings are consistent)"]
    return []


def check_meetings(problem: Problem, meetings: Iterable[Meeting]) -> list[str]:
    meetings = list(meetings)
    violations: list[str] = []
    for rule in (_known_and_requested, _met_once, _available, _one_per_slot_and_not_pitching,
                 _tables, _caps, _after_pitch, _locked_kept):
        violations.extend(rule(problem, meetings))
    return violations


def _known_and_requested(problem: Problem, meetings: list[Meeting]) -> list[str]:
    slots = set(problem.slot_ids)
    requested = {(r.enterprise, r.institution) for r in problem.requests}
    out = []
    for m in meetings:
        if m.slot not in slots:
            out.append(f"未知时段 (unknown slot) '{m.slot}' for {m.enterprise}–{m.institution}")
        if (m.enterprise, m.institution) not in requested:
            out.append(f"未请求的会面 (meeting not requested): {m.enterprise}–{m.institution}")
    return out


def _met_once(problem: Problem, meetings: list[Meeting]) -> list[str]:
    counts = Counter((m.enterprise, m.institution) for m in meetings)
    return [f"请求被安排了 {n} 次 (request met {n} times): {e}–{i}"
            for (e, i), n in counts.items() if n > 1]


def _available(problem: Problem, meetings: list[Meeting]) -> list[str]:
    free_e = {e.id: set(e.available) for e in problem.enterprises}
    free_i = {i.id: set(i.available) for i in problem.institutions}
    out = []
    for m in meetings:
        if m.slot not in free_e.get(m.enterprise, set()):
            out.append(f"企业不在场 (enterprise unavailable): {m.enterprise} at {m.slot}")
        if m.slot not in free_i.get(m.institution, set()):
            out.append(f"机构不在场 (institution unavailable): {m.institution} at {m.slot}")
    return out


def _one_per_slot_and_not_pitching(problem: Problem, meetings: list[Meeting]) -> list[str]:
    pitch = {(p.enterprise, p.slot) for p in problem.pitches}
    counts = Counter((m.enterprise, m.slot) for m in meetings)
    out = [f"企业同一时段有 {n} 场会面 (enterprise double-booked): {e} at {s}"
           for (e, s), n in counts.items() if n > 1]
    out += [f"企业路演时有会面 (meeting during own pitch): {e} at {s}"
            for (e, s) in counts if (e, s) in pitch]
    return out


def _tables(problem: Problem, meetings: list[Meeting]) -> list[str]:
    tables = {i.id: i.tables for i in problem.institutions}
    out = []
    per_slot = Counter((m.institution, m.slot) for m in meetings)
    for (i, s), n in per_slot.items():
        if n > tables.get(i, 0):
            out.append(f"机构桌数不足 (institution over its {tables.get(i, 0)} tables): {i} has {n} at {s}")
    seats = Counter((m.institution, m.slot, m.table) for m in meetings)
    out += [f"同一桌重复安排 (table used twice): {i} table {t} at {s}"
            for (i, s, t), n in seats.items() if n > 1]
    out += [f"桌号超出范围 (table outside 1..{tables.get(m.institution, 0)}): {m.institution} table "
            f"{m.table} at {m.slot}" for m in meetings if not 1 <= m.table <= tables.get(m.institution, 0)]
    return out


def _caps(problem: Problem, meetings: list[Meeting]) -> list[str]:
    per_e = Counter(m.enterprise for m in meetings)
    per_i = Counter(m.institution for m in meetings)
    out = [f"企业超过会面上限 (enterprise over cap {e.max_meetings}): {e.id} has {per_e[e.id]}"
           for e in problem.enterprises if e.max_meetings is not None and per_e[e.id] > e.max_meetings]
    out += [f"机构超过会面上限 (institution over cap {i.max_meetings}): {i.id} has {per_i[i.id]}"
            for i in problem.institutions if i.max_meetings is not None and per_i[i.id] > i.max_meetings]
    return out


def _after_pitch(problem: Problem, meetings: list[Meeting]) -> list[str]:
    position = {slot_id: index for index, slot_id in enumerate(problem.slot_ids)}
    pitch = {p.enterprise: position[p.slot] for p in problem.pitches}
    follow_up = {(r.enterprise, r.institution) for r in problem.requests if r.after_pitch}
    return [f"路演后会面排在路演之前或同时 (after-pitch meeting not after the pitch): "
            f"{m.enterprise}–{m.institution} at {m.slot}"
            for m in meetings if (m.enterprise, m.institution) in follow_up and m.slot in position
            and position[m.slot] <= pitch.get(m.enterprise, len(position))]


def _locked_kept(problem: Problem, meetings: list[Meeting]) -> list[str]:
    placed = {(m.enterprise, m.institution): m for m in meetings}
    out = []
    for lock in problem.locked:
        m = placed.get((lock.enterprise, lock.institution))
        if m is None or m.slot != lock.slot or (lock.table is not None and m.table != lock.table):
            out.append(f"锁定的会面未保留 (locked meeting not kept): {lock.enterprise}–"
                       f"{lock.institution} at {lock.slot}")
    return out
