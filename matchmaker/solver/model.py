"""The time-indexed CP-SAT model, one `add_<rule>` function per constraint family.

`meet[r, s]` is true when request r is met in slot s. The model covers a *neighbourhood*: the
requests in `free` are decided, every other meeting of the incumbent stays where it is and only
uses up capacity. With every request free it is the exact model. Soft terms (met weight,
coverage, idle gaps, kept meetings) are returned; the caller builds the objective.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from ortools.sat.python import cp_model

from matchmaker.solver.instance import Instance, bits
from matchmaker.solver.schedule import UNMET, Schedule

Key = tuple[int, int]
#: An enterprise's idle gap weighs this many institution idle gaps: its one representative sits
#: and waits, while an institution is idle only when every one of its tables is.
ENTERPRISE_GAP = 2


@dataclass
class Neighbourhood:
    """The CP-SAT model of one neighbourhood, its variables and its soft terms."""

    model: cp_model.CpModel
    meet: dict[Key, cp_model.IntVar]
    free: list[int]
    weight_terms: list = field(default_factory=list)     # (coefficient, literal): value gained
    idle_terms: list = field(default_factory=list)       # literals: one idle gap each (an
                                                         # enterprise's listed ENTERPRISE_GAP times)
    kept_terms: list = field(default_factory=list)       # literals: a previous meeting kept


def meeting_variables(model: cp_model.CpModel, inst: Instance, fixed_load: _FixedLoad,
                      free: Iterable[int]) -> dict[Key, cp_model.IntVar]:
    """One literal per (free request, slot) where the meeting could go around the fixed ones."""
    meet = {}
    for r in free:
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        for s in bits(inst.req_slots[r] & ~fixed_load.ent_busy[e]):
            if fixed_load.inst[i, s] < inst.inst_tables[i]:
                meet[r, s] = model.new_bool_var(f"meet_{r}_{s}")
    return meet


@dataclass
class _FixedLoad:
    ent_busy: dict[int, int]
    ent_count: dict[int, int]
    inst: dict[Key, int]
    inst_count: dict[int, int]


def _fixed_load(inst: Instance, sched: Schedule, free: set[int]) -> _FixedLoad:
    """Capacity used by meetings outside the neighbourhood (only for participants inside it)."""
    load = _FixedLoad(defaultdict(int), defaultdict(int), defaultdict(int), defaultdict(int))
    for e in {inst.req_enterprise[r] for r in free}:
        load.ent_busy[e] = sched.ent_busy[e]
        load.ent_count[e] = sched.ent_count[e]
    for i in {inst.req_institution[r] for r in free}:
        for s, n in enumerate(sched.inst_load[i]):
            load.inst[i, s] = n
        load.inst_count[i] = sched.inst_count[i]
    for r in free:
        s = sched.slot_of[r]
        if s != UNMET:
            e, i = inst.req_enterprise[r], inst.req_institution[r]
            load.ent_busy[e] &= ~(1 << s)
            load.ent_count[e] -= 1
            load.inst[i, s] -= 1
            load.inst_count[i] -= 1
    return load


def add_met_at_most_once(model, meet, by_request) -> None:
    """A request is met at most once."""
    for keys in by_request.values():
        model.add_at_most_one(meet[k] for k in keys)


def add_enterprise_one_per_slot(model, meet, by_enterprise_slot) -> None:
    """An enterprise sits at one table at a time."""
    for keys in by_enterprise_slot.values():
        if len(keys) > 1:
            model.add_at_most_one(meet[k] for k in keys)


def add_institution_tables(model, meet, by_institution_slot, room: dict[Key, int]) -> None:
    """An institution holds at most as many meetings per slot as it has free tables."""
    for key, keys in by_institution_slot.items():
        if len(keys) > room[key]:
            model.add(sum(meet[k] for k in keys) <= room[key])


def add_caps(model, meet, by_participant, room: dict[int, int]) -> None:
    """A participant's meetings stay within its cap (less what is fixed outside)."""
    for who, keys in by_participant.items():
        if len(keys) > room[who]:
            model.add(sum(meet[k] for k in keys) <= room[who])


def add_locked(model, meet, locked: dict[int, tuple[int, int | None]]) -> None:
    """A locked meeting is kept in its slot."""
    for r, (s, _) in locked.items():
        if (r, s) in meet:
            model.add(meet[r, s] == 1)


def add_coverage(model, meet, by_enterprise, already_covered: set[int], bonus: int,
                 hinted_slot: list[int]) -> list:
    """Soft: `bonus` for each enterprise with at least one meeting."""
    terms = []
    if bonus <= 0:
        return terms
    for e, keys in by_enterprise.items():
        if e in already_covered:
            continue
        covered = model.new_bool_var(f"covered_{e}")
        model.add(sum(meet[k] for k in keys) >= 1).only_enforce_if(covered)
        model.add_hint(covered, any(hinted_slot[r] == s for (r, s) in keys))
        terms.append((bonus, covered))
    return terms


def add_idle_gaps(model, occupied: list, hinted: list[int], name: str) -> list:
    """Soft: one literal per idle gap along a participant's usable slots, given occupancy.

    `occupied[k]` is 0, 1 or a literal for the k-th usable slot. started[k] / not_ended[k] hold
    once a meeting has happened at or before / at or after k; slot k is idle when both hold and
    it is empty. Minimising idle literals pushes started/not_ended down to their true values.
    `hinted[k]` is the incumbent's occupancy, so every new literal gets a hint too: a complete
    hint lets CP-SAT start from the incumbent instead of searching for a first solution.

    Only what the neighbourhood can change gets a variable (building the model is half of a
    neighbourhood's time): slots outside the first and last that could be occupied are never
    idle; after a fixed meeting `started` is known, before the last fixed one `not_ended` is;
    a slot known to be idle whatever happens is a constant and is left out.
    """
    maybe = [k for k, o in enumerate(occupied) if not (isinstance(o, int) and o == 0)]
    if len(maybe) < 3 and not (len(maybe) == 2 and maybe[1] - maybe[0] > 1):
        return []   # no slot can lie between two meetings
    if all(isinstance(occupied[k], int) for k in maybe):
        return []   # fixed occupancy: its gaps are a constant the neighbourhood cannot change
    lo, hi = maybe[0], maybe[-1]
    ones = [k for k in maybe if isinstance(occupied[k], int)]
    first_one = ones[0] if ones else hi + 1
    last_one = ones[-1] if ones else lo - 1
    first = hinted.index(1) if 1 in hinted else len(hinted)
    last = len(hinted) - 1 - hinted[::-1].index(1) if 1 in hinted else -1
    started, not_ended = {}, {}
    for k in range(lo, hi + 1):
        if k >= first_one:
            started[k] = 1
        else:
            started[k] = model.new_bool_var(f"{name}_st{k}")
            model.add_hint(started[k], k >= first)
            if not isinstance(occupied[k], int):
                model.add(started[k] >= occupied[k])
            if k > lo:
                model.add(started[k] >= started[k - 1])
    for k in range(hi, lo - 1, -1):
        if k <= last_one:
            not_ended[k] = 1
        else:
            not_ended[k] = model.new_bool_var(f"{name}_ne{k}")
            model.add_hint(not_ended[k], k <= last)
            if not isinstance(occupied[k], int):
                model.add(not_ended[k] >= occupied[k])
            if k < hi:
                model.add(not_ended[k] >= not_ended[k + 1])
    idle = []
    for k in range(lo + 1, hi):
        if isinstance(occupied[k], int) and (occupied[k] == 1 or (
                isinstance(started[k], int) and isinstance(not_ended[k], int))):
            continue   # busy, or idle whatever the neighbourhood does
        gap = model.new_bool_var(f"{name}_idle{k}")
        model.add(gap >= started[k] + not_ended[k] - occupied[k] - 1)
        model.add_hint(gap, first < k < last and not hinted[k])
        idle.append(gap)
    return idle


def add_previous_kept(meet, previous: dict[int, int], free: Iterable[int]) -> list:
    """Soft (repair): literals for previous meetings that stay in their previous slot."""
    return [meet[r, previous[r]] for r in free if r in previous and (r, previous[r]) in meet]


def free_value(inst: Instance, sched: Schedule, free: list[int]) -> int:
    """The part of the incumbent's objective that the neighbourhood `free` decides: weights of
    its met requests, and the bonus of enterprises that only they cover."""
    free_set = set(free)
    weight = sum(inst.req_weight[r] for r in free if sched.slot_of[r] != UNMET)
    covered = {inst.req_enterprise[r] for r in free if sched.slot_of[r] != UNMET}
    covered_outside = {e for e in covered if any(
        q not in free_set and sched.slot_of[q] != UNMET for q in inst.ent_requests[e])}
    return weight + inst.coverage_bonus * len(covered - covered_outside)


def build_neighbourhood(inst: Instance, sched: Schedule, free: list[int], *,
                        previous: dict[int, int] | None = None, gaps: bool = True) -> Neighbourhood:
    """The model deciding requests `free` around the incumbent's other meetings, with hints."""
    model = cp_model.CpModel()
    free_set = set(free)
    fixed = _fixed_load(inst, sched, free_set)
    meet = meeting_variables(model, inst, fixed, free)
    by_request, by_es, by_is = defaultdict(list), defaultdict(list), defaultdict(list)
    by_e, by_i = defaultdict(list), defaultdict(list)
    for (r, s) in meet:
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        by_request[r].append((r, s)), by_es[e, s].append((r, s)), by_is[i, s].append((r, s))
        by_e[e].append((r, s)), by_i[i].append((r, s))
    add_met_at_most_once(model, meet, by_request)
    add_enterprise_one_per_slot(model, meet, by_es)
    add_institution_tables(model, meet, by_is,
                           {(i, s): inst.inst_tables[i] - fixed.inst[i, s] for (i, s) in by_is})
    add_caps(model, meet, by_e, {e: inst.ent_cap[e] - fixed.ent_count[e] for e in by_e})
    add_caps(model, meet, by_i, {i: inst.inst_cap[i] - fixed.inst_count[i] for i in by_i})
    add_locked(model, meet, {r: v for r, v in inst.locked.items() if r in free_set})
    hood = Neighbourhood(model, meet, free)
    hood.weight_terms = [(inst.req_weight[r], var) for (r, s), var in meet.items() if inst.req_weight[r]]
    covered = {e for e in by_e if fixed.ent_count[e]}
    hood.weight_terms += add_coverage(model, meet, by_e, covered, inst.coverage_bonus,
                                      sched.slot_of)
    if gaps:
        hood.idle_terms = _idle_terms(model, inst, sched, meet, fixed, by_es, by_is)
    if previous:
        hood.kept_terms = add_previous_kept(meet, previous, free)
    for (r, s), var in meet.items():
        model.add_hint(var, sched.slot_of[r] == s)
    return hood


def _idle_terms(model, inst: Instance, sched: Schedule, meet, fixed: _FixedLoad, by_es,
                by_is) -> list:
    terms = []
    for e in {e for (e, _) in by_es}:
        occupied = []
        usable = bits(inst.ent_usable[e])
        for s in usable:
            if fixed.ent_busy[e] >> s & 1:
                occupied.append(1)
            else:
                keys = by_es.get((e, s), [])
                occupied.append(sum(meet[k] for k in keys) if keys else 0)
        terms += ENTERPRISE_GAP * add_idle_gaps(model, occupied, [sched.ent_busy[e] >> s & 1 for s in usable],
                                                f"e{e}")
    for i in {i for (i, _) in by_is}:
        occupied = []
        available = bits(inst.inst_available[i])
        for s in available:
            keys = by_is.get((i, s), [])
            if fixed.inst[i, s] > 0:
                occupied.append(1)
            elif not keys:
                occupied.append(0)
            else:
                busy = model.new_bool_var(f"busy_{i}_{s}")
                model.add_max_equality(busy, [meet[k] for k in keys])
                model.add_hint(busy, sched.inst_load[i][s] > 0)
                occupied.append(busy)
        terms += add_idle_gaps(model, occupied, [int(sched.inst_load[i][s] > 0) for s in available],
                               f"i{i}")
    return terms
