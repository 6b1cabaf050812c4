"""Instance families of the scheduler benchmark (bench/scheduler.py), deterministic per seed.

- `docking`: a two-day docking event, 12 slots a day; most participants stay all day, some
  arrive late or leave early; Zipf-like demand; a few locked VIP meetings.
- `fragmented`: a hard day. Two half-days of 12 slots split by lunch; every enterprise is
  present in one to three windows of two to five slots; most institutions come in windows too
  (a morning, an afternoon, or the day with a branch meeting in the middle), half of them with
  one table; demand is Pareto-concentrated on a few; a roadshow block at 10:10–11:10 whose
  pitchers get follow-ups after the pitch; 15 % of the requests locked as if confirmed in an
  earlier version.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from matchmaker.solver.problem import (Enterprise, Institution, LockedMeeting, Pitch, Problem,
                                       Request, Slot)

SHANGHAI = timezone(timedelta(hours=8))
FAMILIES = ("docking", "fragmented")


def generate(family: str, n_ent: int, n_inst: int, n_slots: int, n_requests: int, seed: int) -> Problem:
    if family == "docking":
        return generate_docking(n_ent, n_inst, n_slots, n_requests, seed)
    if family == "fragmented":
        return generate_fragmented(n_ent, n_inst, n_slots, n_requests, seed)
    raise ValueError(f"unknown instance family {family!r}")


# --- docking (the original family) ---------------------------------------------------------------


def make_slots(n: int) -> list[Slot]:
    """20-minute slots, 09:00 onwards, a lunch break after the 6th of each day, 12 per day."""
    slots = []
    for k in range(n):
        day, index = divmod(k, 12)
        minutes = 9 * 60 + index * 20 + (90 if index >= 6 else 0)
        start = datetime(2026, 12, 8, tzinfo=SHANGHAI) + timedelta(days=day, minutes=minutes)
        slots.append(Slot(f"d{day + 1}-{start:%H%M}", start, start + timedelta(minutes=20)))
    return slots


def window(rng: random.Random, slot_ids: list[str], partial: float, least: float) -> list[str]:
    """All slots, or with probability `partial` a late arrival / early departure window."""
    n = len(slot_ids)
    if rng.random() >= partial:
        return list(slot_ids)
    length = rng.randint(max(2, int(n * least)), n - 1)
    start = rng.choice([0, n - length]) if rng.random() < 0.7 else rng.randint(0, n - length)
    return slot_ids[start:start + length]


def generate_docking(n_ent: int, n_inst: int, n_slots: int, n_requests: int, seed: int) -> Problem:
    rng = random.Random(seed)
    slots = make_slots(n_slots)
    slot_ids = [s.id for s in slots]
    # institutions by popularity rank: popular lenders/investors get more tables, and are in demand
    institutions, investor = [], set()
    for rank in range(n_inst):
        is_investor = rng.random() < 0.3
        tables = (rng.choice([2, 3, 4]) if rank < n_inst * 0.1 else rng.choice([1, 1, 2, 2, 3]))
        if is_investor:
            investor.add(f"I{rank}")
            tables = min(tables, 2)
        available = window(rng, slot_ids, 0.2, 0.6)
        cap = None if rng.random() < 0.6 else int(tables * len(available) * rng.uniform(0.7, 0.95))
        institutions.append(Institution(f"I{rank}", tuple(available), tables, cap))
    popularity = [1.0 / (rank + 1) ** 0.8 for rank in range(n_inst)]   # Zipf-like demand
    enterprises, pitches = [], []
    for k in range(n_ent):
        available = window(rng, slot_ids, 0.3, 0.4)
        cap = rng.choice([None, 4, 5, 6, 8])
        enterprises.append(Enterprise(f"E{k}", tuple(available), cap))
        if rng.random() < 0.1:   # roadshow pitch in the first half of the day
            pitches.append(Pitch(f"E{k}", rng.choice(available[: max(1, len(available) // 2)])))
    pitch_of = {p.enterprise: p.slot for p in pitches}
    per_enterprise = n_requests / n_ent
    requests = []
    for e in enterprises:
        k = max(1, min(n_inst, round(rng.gauss(per_enterprise, per_enterprise / 3))))
        chosen = set()
        while len(chosen) < k:
            chosen.add(rng.choices(range(n_inst), weights=popularity)[0])
        for rank in sorted(chosen):
            i = institutions[rank].id
            mutual = rng.random() < 0.3
            weight = rng.choice([3, 6, 10]) + (10 if mutual else 0) + rng.randint(0, 5)
            after = e.id in pitch_of and i in investor and rng.random() < 0.6
            requests.append(Request(e.id, i, weight, after))
    locked = make_locked(rng, requests, enterprises, institutions, pitch_of, slot_ids, n_requests // 200)
    return Problem(tuple(slots), tuple(enterprises), tuple(institutions), tuple(requests),
                   tuple(pitches), tuple(locked), 15)


def make_locked(rng, requests, enterprises, institutions, pitch_of, slot_ids, count):
    """A few meetings already confirmed (VIP pairs), at feasible slots that do not clash."""
    ent = {e.id: e for e in enterprises}
    ins = {i.id: i for i in institutions}
    busy_e, load_i, locked = set(), {}, []
    for request in rng.sample(requests, min(count, len(requests))):
        e, i = ent[request.enterprise], ins[request.institution]
        pitch = pitch_of.get(e.id)
        options = [s for s in e.available if s in set(i.available) and s != pitch
                   and (not request.after_pitch or slot_ids.index(s) > slot_ids.index(pitch))
                   and (e.id, s) not in busy_e and load_i.get((i.id, s), 0) < 1]
        if options:
            s = rng.choice(options)
            busy_e.add((e.id, s))
            load_i[i.id, s] = 1
            locked.append(LockedMeeting(e.id, i.id, s))
    return locked


# --- fragmented ----------------------------------------------------------------------------------

HALF_DAY = 12                 # slots per half-day
ROADSHOW = range(4, 7)        # slots 10:10, 10:30, 10:50 of the morning: the roadshow block
LOCKED_SHARE = 0.15


def half_day_slots(n: int) -> list[Slot]:
    """20-minute slots from 08:50; the morning's 12 end at 12:50, lunch, the afternoon from 14:00."""
    slots = []
    for k in range(n):
        half, index = divmod(k, HALF_DAY)
        day, afternoon = divmod(half, 2)
        minutes = 8 * 60 + 50 + index * 20 + (310 if afternoon else 0)
        start = datetime(2026, 12, 8, tzinfo=SHANGHAI) + timedelta(days=day, minutes=minutes)
        slots.append(Slot(f"d{day + 1}-{start:%H%M}", start, start + timedelta(minutes=20)))
    return slots


def windows(rng: random.Random, n_slots: int, count: int, shortest: int, longest: int) -> list[int]:
    """`count` disjoint windows of shortest..longest slots, none across lunch; slot indices."""
    halves = [range(h * HALF_DAY, min(n_slots, (h + 1) * HALF_DAY)) for h in range((n_slots + HALF_DAY - 1) // HALF_DAY)]
    taken: set[int] = set()
    for _ in range(count):
        for _attempt in range(20):
            half = rng.choice(halves)
            length = min(len(half), rng.randint(shortest, longest))
            start = rng.randint(half.start, half.stop - length)
            span = set(range(start, start + length))
            # disjoint, and not touching another window (that would just be a longer window)
            if not span & taken and not {start - 1, start + length} & taken:
                taken |= span
                break
    return sorted(taken)


def pareto_weights(n: int, alpha: float = 1.16) -> list[float]:
    """Demand by popularity rank; alpha 1.16 is the 80/20 rule."""
    return [1.0 / (rank + 1) ** alpha for rank in range(n)]


def generate_fragmented(n_ent: int, n_inst: int, n_slots: int, n_requests: int, seed: int) -> Problem:
    rng = random.Random(seed)
    slots = half_day_slots(n_slots)
    slot_ids = [s.id for s in slots]
    institutions, investor = [], set()
    for rank in range(n_inst):
        is_investor = rng.random() < 0.3
        tables = 1 if rng.random() < 0.5 else rng.choice([2, 2, 3, 4] if rank < n_inst * 0.1 else [2, 2, 3])
        if is_investor:
            investor.add(f"I{rank}")
        roll = rng.random()
        if roll < 0.25:                                   # all day
            present = list(range(n_slots))
        elif roll < 0.6:                                  # a morning or an afternoon
            half = rng.randrange((n_slots + HALF_DAY - 1) // HALF_DAY)
            present = list(range(half * HALF_DAY, min(n_slots, (half + 1) * HALF_DAY)))
        elif roll < 0.8:                                  # all day but out for a branch meeting
            out = rng.randint(2, 4)
            start = rng.randint(0, n_slots - out)
            present = [s for s in range(n_slots) if not start <= s < start + out]
        else:                                             # a few windows
            present = windows(rng, n_slots, rng.randint(1, 3), 3, 8)
        cap = None if rng.random() < 0.6 else max(1, int(tables * len(present) * rng.uniform(0.6, 0.9)))
        institutions.append(Institution(f"I{rank}", tuple(slot_ids[s] for s in present), tables, cap))
    popularity = pareto_weights(n_inst)
    enterprises, pitches = [], []
    for k in range(n_ent):
        present = windows(rng, n_slots, rng.choice([1, 1, 2, 2, 3]), 2, 5)
        if rng.random() < 0.08:    # pitches in the roadshow block, then stays for follow-ups
            pitch = rng.choice(list(ROADSHOW))
            present = sorted(set(present) | set(range(pitch, pitch + rng.randint(3, 6))))
            pitches.append(Pitch(f"E{k}", slot_ids[pitch]))
        cap = rng.choice([None, 3, 4, 5, 6])
        enterprises.append(Enterprise(f"E{k}", tuple(slot_ids[s] for s in present), cap))
    pitch_of = {p.enterprise: p.slot for p in pitches}
    inst_present = [set(i.available) for i in institutions]
    per_enterprise = n_requests / n_ent
    requests = []
    for e in enterprises:
        k = max(1, min(n_inst, round(rng.gauss(per_enterprise, per_enterprise / 3))))
        mine = set(e.available)
        chosen: set[int] = set()
        for _attempt in range(20 * k):   # people ask for institutions they can actually meet
            if len(chosen) >= k:
                break
            rank = rng.choices(range(n_inst), weights=popularity)[0]
            if inst_present[rank] & mine:
                chosen.add(rank)
        for rank in sorted(chosen):
            i = institutions[rank].id
            mutual = rng.random() < 0.3
            weight = rng.choice([3, 6, 10]) + (10 if mutual else 0) + rng.randint(0, 5)
            after = e.id in pitch_of and i in investor
            requests.append(Request(e.id, i, weight, after))
    locked = lock_earlier_version(rng, requests, enterprises, institutions, pitch_of, slot_ids,
                                  round(LOCKED_SHARE * len(requests)))
    return Problem(tuple(slots), tuple(enterprises), tuple(institutions), tuple(requests),
                   tuple(pitches), tuple(locked), 15)


def lock_earlier_version(rng, requests, enterprises, institutions, pitch_of, slot_ids, count):
    """`count` requests confirmed in an earlier version: each at a feasible slot with a free
    table, within caps, next to the enterprise's other confirmed meetings when it can be (an
    earlier schedule was compact too)."""
    position = {s: k for k, s in enumerate(slot_ids)}
    ent = {e.id: e for e in enterprises}
    ins = {i.id: i for i in institutions}
    busy_e: dict[str, set[int]] = {}
    load_i: dict[tuple[str, int], int] = {}
    count_e: dict[str, int] = {}
    count_i: dict[str, int] = {}
    locked = []
    for request in rng.sample(requests, len(requests)):
        if len(locked) >= count:
            break
        e, i = ent[request.enterprise], ins[request.institution]
        if (e.max_meetings is not None and count_e.get(e.id, 0) >= e.max_meetings) or (
                i.max_meetings is not None and count_i.get(i.id, 0) >= i.max_meetings):
            continue
        pitch = position.get(pitch_of.get(e.id, ""), -1)
        mine = busy_e.setdefault(e.id, set())
        options = [position[s] for s in e.available if s in set(i.available)]
        options = [s for s in options if s != pitch and (not request.after_pitch or s > pitch)
                   and s not in mine and load_i.get((i.id, s), 0) < i.tables]
        if not options:
            continue
        beside = [s for s in options if s - 1 in mine or s + 1 in mine]
        s = rng.choice(beside or options)
        mine.add(s)
        load_i[i.id, s] = load_i.get((i.id, s), 0) + 1
        count_e[e.id] = count_e.get(e.id, 0) + 1
        count_i[i.id] = count_i.get(i.id, 0) + 1
        locked.append(LockedMeeting(e.id, i.id, slot_ids[s]))
    return locked
