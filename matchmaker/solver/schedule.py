"""A mutable slot assignment with O(1) feasibility tests: the working state of every heuristic.

`slot_of[r]` is the slot index of request r, or -1 when r is not met. Tables are not tracked
here: within one institution and slot any assignment of 1..tables is valid, so `tables.py`
assigns them at the end.
"""

from __future__ import annotations

from matchmaker.solver.instance import Instance

UNMET = -1


class Schedule:
    def __init__(self, inst: Instance):
        self.inst = inst
        self.slot_of = [UNMET] * inst.n_requests
        self.ent_busy = [0] * len(inst.enterprise_ids)          # bitmask of occupied slots
        self.ent_count = [0] * len(inst.enterprise_ids)
        self.inst_count = [0] * len(inst.institution_ids)
        self.inst_load = [[0] * inst.n_slots for _ in inst.institution_ids]
        self.at: dict[tuple[str, int, int], set[int]] = {}   # ("e"|"i", who, slot) -> requests
        self.weight = 0
        self.covered = 0

    def copy(self) -> Schedule:
        other = Schedule.__new__(Schedule)
        other.inst = self.inst
        other.slot_of = list(self.slot_of)
        other.ent_busy = list(self.ent_busy)
        other.ent_count = list(self.ent_count)
        other.inst_count = list(self.inst_count)
        other.inst_load = [list(row) for row in self.inst_load]
        other.at = {key: set(value) for key, value in self.at.items()}
        other.weight, other.covered = self.weight, self.covered
        return other

    @property
    def objective(self) -> int:
        return self.weight + self.inst.coverage_bonus * self.covered

    def room_for(self, r: int) -> bool:
        """Both caps leave room for one more meeting of request r (slot not considered)."""
        inst = self.inst
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        return self.ent_count[e] < inst.ent_cap[e] and self.inst_count[i] < inst.inst_cap[i]

    def free_slots(self, r: int) -> int:
        """Slots where unmet request r could go now: feasible, enterprise free, a table free."""
        inst = self.inst
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        mask = inst.req_slots[r] & ~self.ent_busy[e]
        load, tables = self.inst_load[i], inst.inst_tables[i]
        out = 0
        while mask:
            low = mask & -mask
            if load[low.bit_length() - 1] < tables:
                out |= low
            mask ^= low
        return out

    def place(self, r: int, s: int) -> None:
        inst = self.inst
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        self.slot_of[r] = s
        self.at.setdefault(("e", e, s), set()).add(r)
        self.at.setdefault(("i", i, s), set()).add(r)
        self.ent_busy[e] |= 1 << s
        self.inst_load[i][s] += 1
        self.inst_count[i] += 1
        self.ent_count[e] += 1
        self.weight += inst.req_weight[r]
        if self.ent_count[e] == 1:
            self.covered += 1

    def remove(self, r: int) -> None:
        inst = self.inst
        s = self.slot_of[r]
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        self.slot_of[r] = UNMET
        self.at["e", e, s].discard(r)
        self.at["i", i, s].discard(r)
        self.ent_busy[e] &= ~(1 << s)
        self.inst_load[i][s] -= 1
        self.inst_count[i] -= 1
        self.ent_count[e] -= 1
        self.weight -= inst.req_weight[r]
        if self.ent_count[e] == 0:
            self.covered -= 1

    def meetings_at(self, side: str, who: int, s: int) -> list[int]:
        """Requests met in slot s by enterprise (`side="e"`) or institution (`"i"`) `who`."""
        return sorted(self.at.get((side, who, s), ()))

    def ent_gaps(self, e: int) -> int:
        return mask_gaps(self.ent_busy[e], self.inst.ent_usable[e])

    def inst_gaps(self, i: int) -> int:
        busy = sum(1 << s for s, n in enumerate(self.inst_load[i]) if n)
        return mask_gaps(busy, self.inst.inst_available[i])

    def gaps(self) -> tuple[int, int]:
        """(enterprise idle gaps, institution idle gaps)."""
        return (sum(self.ent_gaps(e) for e in range(len(self.ent_busy))),
                sum(self.inst_gaps(i) for i in range(len(self.inst_load))))


def mask_gaps(busy: int, usable: int) -> int:
    """Usable slots strictly between the first and last busy slot that are not busy."""
    if busy & (busy - 1) == 0:  # zero or one meeting: nothing in between
        return 0
    first = (busy & -busy).bit_length() - 1
    last = busy.bit_length() - 1
    between = ((1 << last) - 1) & ~((1 << (first + 1)) - 1)
    return (between & usable & ~busy).bit_count()
