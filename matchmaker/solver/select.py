"""Phase (a): choose which requests to meet, ignoring *when* — a min-cost flow.

Dropping the time dimension relaxes the problem, so the flow optimum is also a proven upper
bound. What remains of time is kept as capacities: an enterprise can hold at most as many
meetings as its requests can fill distinct slots (a bipartite matching of its requests into its
slots), an institution at most `tables` per slot in which any of its requests can be placed.

Network: source -> enterprise (first unit earns the coverage bonus, the rest earn nothing)
-> institution (one arc per request, earning its weight) -> sink (the institution's capacity),
plus a source -> sink bypass so that the flow may stop wherever profit stops (costs are profits
negated; with the bypass, a min-cost flow of fixed value is a max-profit flow of any value).
"""

from __future__ import annotations

from dataclasses import dataclass

from ortools.graph.python import min_cost_flow

from matchmaker.solver.instance import Instance, bits


@dataclass(frozen=True)
class Selection:
    chosen: frozenset[int]     # requests the flow meets (locked ones included)
    bound: int                 # proven upper bound on the objective


def max_slot_matching(slot_masks: list[int], limit: int, slot_capacity: int = 1) -> int:
    """How many of these requests fit in distinct slots, `slot_capacity` per slot, counting no
    further than `limit` (Kuhn's augmenting paths)."""
    wanted = min(limit, len(slot_masks))
    # Hall: when `wanted` requests each have at least `wanted` slots, greedy already matches them
    if sum(1 for mask in slot_masks if mask.bit_count() * slot_capacity >= wanted) >= wanted:
        return wanted
    holder: dict[int, list[int]] = {}

    def augment(r: int, seen: set[int]) -> bool:
        for s in bits(slot_masks[r]):
            if s in seen:
                continue
            seen.add(s)
            taken = holder.setdefault(s, [])
            if len(taken) < slot_capacity:
                taken.append(r)
                return True
            for k, other in enumerate(taken):
                if augment(other, seen):
                    taken[k] = r
                    return True
        return False

    matched = 0
    for r in range(len(slot_masks)):
        matched += augment(r, set())
        if matched >= wanted:
            break
    return matched


def _open_slots(inst: Instance, excluded: frozenset[int]) -> list[int]:
    """Per request, feasible slots not already taken by locked meetings (0 when excluded)."""
    ent_locked = [0] * len(inst.enterprise_ids)
    inst_locked: dict[tuple[int, int], int] = {}
    for r, (s, _) in inst.locked.items():
        ent_locked[inst.req_enterprise[r]] |= 1 << s
        key = (inst.req_institution[r], s)
        inst_locked[key] = inst_locked.get(key, 0) + 1
    open_slots = []
    for r in range(inst.n_requests):
        if r in inst.locked or r in excluded:
            open_slots.append(0)
            continue
        e, i = inst.req_enterprise[r], inst.req_institution[r]
        mask = inst.req_slots[r] & ~ent_locked[e]
        for s in bits(mask):
            if inst_locked.get((i, s), 0) >= inst.inst_tables[i]:
                mask &= ~(1 << s)
        open_slots.append(mask)
    return open_slots


def _locked_counts(inst: Instance) -> tuple[list[int], list[int]]:
    per_e, per_i = [0] * len(inst.enterprise_ids), [0] * len(inst.institution_ids)
    for r in inst.locked:
        per_e[inst.req_enterprise[r]] += 1
        per_i[inst.req_institution[r]] += 1
    return per_e, per_i


def enterprise_room(inst: Instance, open_slots: list[int], locked_e: list[int]) -> list[int]:
    """Most further meetings each enterprise can hold: its cap, and how many of its requests
    fit into distinct open slots."""
    return [max_slot_matching([open_slots[r] for r in inst.ent_requests[e] if open_slots[r]],
                              inst.ent_cap[e] - locked_e[e])
            for e in range(len(inst.enterprise_ids))]


def institution_room(inst: Instance, open_slots: list[int], locked_i: list[int]) -> list[int]:
    """Most further meetings each institution can hold: its cap, and its free table-slots among
    the slots its requests can use."""
    room = []
    for i in range(len(inst.institution_ids)):
        union = 0
        for r in inst.inst_requests[i]:
            union |= open_slots[r]
        taken = sum(1 for r in inst.inst_requests[i]
                    if r in inst.locked and union >> inst.locked[r][0] & 1)
        room.append(min(inst.inst_cap[i] - locked_i[i], inst.inst_tables[i] * union.bit_count() - taken))
    return room


def select_requests(inst: Instance, excluded: frozenset[int] = frozenset()) -> Selection:
    """Max-profit choice of requests (locked ones always in, `excluded` ones never)."""
    open_slots = _open_slots(inst, excluded)
    locked_e, locked_i = _locked_counts(inst)
    n_e = len(inst.enterprise_ids)
    source, sink = 0, 1
    ent_node, inst_node = 2, 2 + n_e                 # node of enterprise e is ent_node + e
    flow = min_cost_flow.SimpleMinCostFlow()

    def arc(tail: int, head: int, capacity: int, profit: int) -> int | None:
        if capacity <= 0:
            return None
        return flow.add_arc_with_capacity_and_unit_cost(tail, head, capacity, -profit)

    room_e = enterprise_room(inst, open_slots, locked_e)
    for e, room in enumerate(room_e):
        if locked_e[e]:   # already covered: no bonus left to earn
            arc(source, ent_node + e, room, 0)
        else:
            arc(source, ent_node + e, min(room, 1), inst.coverage_bonus)
            arc(source, ent_node + e, room - 1, 0)
    request_arcs = {r: arc(ent_node + inst.req_enterprise[r], inst_node + inst.req_institution[r], 1,
                           inst.req_weight[r]) for r in range(inst.n_requests) if open_slots[r]}
    for i, room in enumerate(institution_room(inst, open_slots, locked_i)):
        arc(inst_node + i, sink, room, 0)
    total = sum(max(room, 0) for room in room_e)
    arc(source, sink, total, 0)
    flow.set_node_supply(source, total)
    flow.set_node_supply(sink, -total)
    status = flow.solve()
    if status != flow.OPTIMAL:
        raise RuntimeError(f"min-cost flow failed with status {status}")
    chosen = {r for r, a in request_arcs.items() if flow.flow(a)} | set(inst.locked)
    locked_value = sum(inst.req_weight[r] for r in inst.locked) + inst.coverage_bonus * sum(
        1 for n in locked_e if n)
    return Selection(frozenset(chosen), -flow.optimal_cost() + locked_value)
