"""Tables are assigned after the fact: within one institution and slot any numbering 1..k works.

Stability rules, in order: a locked meeting keeps its table; a meeting that had a table before
(repair) keeps it when free; every other meeting takes the lowest free table, so an institution's
representative at table 1 stays busiest and higher tables are freed in long runs, not scattered.
"""

from __future__ import annotations

from collections import defaultdict

from matchmaker.solver.instance import Instance
from matchmaker.solver.schedule import UNMET, Schedule


def assign_tables(inst: Instance, sched: Schedule,
                  previous: dict[int, tuple[int, int]] | None = None) -> dict[int, int]:
    """Table per met request. `previous` maps request -> (slot, table) of an earlier schedule."""
    previous = previous or {}
    groups: dict[tuple[int, int], list[int]] = defaultdict(list)
    for r, s in enumerate(sched.slot_of):
        if s != UNMET:
            groups[inst.req_institution[r], s].append(r)
    table_of: dict[int, int] = {}
    for (i, s), requests in groups.items():
        taken: set[int] = set()
        rest = []
        for r in sorted(requests, key=lambda r: r not in inst.locked):  # locked tables first
            wanted = inst.locked.get(r, (s, None))[1]
            if wanted is None and previous.get(r, (None, None))[0] == s:
                wanted = previous[r][1]
            if wanted is not None and wanted not in taken and wanted <= inst.inst_tables[i]:
                table_of[r] = wanted
                taken.add(wanted)
            else:
                rest.append(r)
        free_tables = (t for t in range(1, inst.inst_tables[i] + 1) if t not in taken)
        for r in sorted(rest):
            table_of[r] = next(free_tables)
    return table_of
