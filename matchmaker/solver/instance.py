"""The problem compiled to integers: slots, participants and requests by index, slot sets as bitmasks.

Every algorithm in the package works on an `Instance`; only `problem.py`/`solution.py` speak ids.
Bit `s` of a mask stands for slot index `s` (slots are in time order).
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

from matchmaker.solver.problem import Problem


@lru_cache(maxsize=1 << 16)
def bits(mask: int) -> tuple[int, ...]:
    """The slot indices set in `mask`, earliest first (cached: the same masks recur constantly)."""
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return tuple(out)


@dataclass
class Instance:
    problem: Problem
    n_slots: int
    enterprise_ids: list[str]
    institution_ids: list[str]
    # per request r
    req_enterprise: list[int]
    req_institution: list[int]
    req_weight: list[int]
    req_slots: list[int]          # feasible slots: both available, not the pitch, after it if asked
    # per enterprise e
    ent_usable: list[int]         # available and not pitching: where meetings and idle gaps can be
    ent_cap: list[int]
    ent_requests: list[list[int]]
    # per institution i
    inst_available: list[int]
    inst_tables: list[int]
    inst_cap: list[int]
    inst_requests: list[list[int]]
    locked: dict[int, tuple[int, int | None]]   # request -> (slot, table or None)
    pair: dict[tuple[int, int], int]
    coverage_bonus: int
    early: int = 0                # slots starting in the event's first hour (DESIGN §5: earlier
                                  # rather than later — the hall fills from the first slot)

    @property
    def n_requests(self) -> int:
        return len(self.req_weight)


def compile_instance(problem: Problem) -> Instance:
    slot_index = {slot_id: s for s, slot_id in enumerate(problem.slot_ids)}
    n_slots = len(slot_index)
    all_slots = (1 << n_slots) - 1

    def mask(slot_ids) -> int:
        return sum(1 << slot_index[slot_id] for slot_id in set(slot_ids))

    ent_index = {e.id: k for k, e in enumerate(problem.enterprises)}
    inst_index = {i.id: k for k, i in enumerate(problem.institutions)}
    pitch = {ent_index[p.enterprise]: slot_index[p.slot] for p in problem.pitches}
    ent_usable = [mask(e.available) & ~(1 << pitch[k] if k in pitch else 0)
                  for k, e in enumerate(problem.enterprises)]
    inst_available = [mask(i.available) for i in problem.institutions]
    inst_tables = [i.tables for i in problem.institutions]
    # an absent cap is the most a participant could ever hold, so code never tests for None
    ent_cap = [n_slots if e.max_meetings is None else e.max_meetings for e in problem.enterprises]
    inst_cap = [i.tables * n_slots if i.max_meetings is None else i.max_meetings
                for i in problem.institutions]

    req_e, req_i, req_w, req_slots = [], [], [], []
    ent_requests = [[] for _ in problem.enterprises]
    inst_requests = [[] for _ in problem.institutions]
    pair = {}
    for r, request in enumerate(problem.requests):
        e, i = ent_index[request.enterprise], inst_index[request.institution]
        feasible = ent_usable[e] & inst_available[i]
        if request.after_pitch:
            feasible &= all_slots & ~((1 << (pitch[e] + 1)) - 1)
        req_e.append(e), req_i.append(i), req_w.append(request.weight), req_slots.append(feasible)
        ent_requests[e].append(r)
        inst_requests[i].append(r)
        pair[(e, i)] = r
    locked = {pair[(ent_index[m.enterprise], inst_index[m.institution])]: (slot_index[m.slot], m.table)
              for m in problem.locked}
    return Instance(problem, n_slots, [e.id for e in problem.enterprises],
                    [i.id for i in problem.institutions], req_e, req_i, req_w, req_slots, ent_usable,
                    ent_cap, ent_requests, inst_available, inst_tables, inst_cap, inst_requests,
                    locked, pair, problem.coverage_bonus, _first_hour(problem))


def _first_hour(problem: Problem) -> int:
    if not problem.slots:
        return 0
    first = problem.slots[0].start
    return sum(1 << s for s, slot in enumerate(problem.slots)
               if (slot.start - first).total_seconds() < 3600)


def locked_clashes(inst: Instance) -> list[str]:
    """Why the locked meetings cannot all be kept (empty when they can)."""
    slot_ids = inst.problem.slot_ids
    out = []
    ent_slot: dict[tuple[int, int], int] = {}
    inst_load: dict[tuple[int, int], int] = {}
    tables_used: set[tuple[int, int, int]] = set()
    ent_count = [0] * len(inst.enterprise_ids)
    inst_count = [0] * len(inst.institution_ids)
    for r, (s, table) in sorted(inst.locked.items()):
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        name = f"{inst.enterprise_ids[e]}–{inst.institution_ids[i]} at {slot_ids[s]}"
        if not inst.req_slots[r] >> s & 1:
            out.append(f"锁定的会面时段不可用 (locked meeting in a slot that is unavailable, the "
                       f"pitch, or not after the pitch): {name}")
        if (e, s) in ent_slot:
            other = inst.institution_ids[inst.req_institution[ent_slot[e, s]]]
            out.append(f"锁定的会面冲突 (locked meetings clash): {name} and "
                       f"{inst.enterprise_ids[e]}–{other}")
        ent_slot[e, s] = r
        inst_load[i, s] = inst_load.get((i, s), 0) + 1
        if inst_load[i, s] == inst.inst_tables[i] + 1:
            out.append(f"锁定的会面超过桌数 (locked meetings exceed tables): "
                       f"{inst.institution_ids[i]} at {slot_ids[s]}")
        if table is not None:
            if (i, s, table) in tables_used:
                out.append(f"锁定的会面同桌冲突 (locked meetings share a table): {name} table {table}")
            tables_used.add((i, s, table))
        ent_count[e] += 1
        inst_count[i] += 1
    out += [f"锁定的会面超过企业上限 (locked meetings exceed enterprise cap): {inst.enterprise_ids[e]}"
            for e, n in enumerate(ent_count) if n > inst.ent_cap[e]]
    out += [f"锁定的会面超过机构上限 (locked meetings exceed institution cap): "
            f"{inst.institution_ids[i]}" for i, n in enumerate(inst_count) if n > inst.inst_cap[i]]
    return out
