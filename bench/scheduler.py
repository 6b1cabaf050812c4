"""Scheduler benchmark: this solver vs first-come-first-served self-booking vs the upper bound.

    .venv/bin/python bench/scheduler.py [--sizes small,medium,large,huge] [--seed N] [--no-repair]

Each size runs in its own subprocess so peak memory (ru_maxrss of the child) is per size.
Prints one table; every solution is verified with matchmaker.solver.check before it is counted.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.solver.check import check, idle_gaps, objective_of  # noqa: E402
from matchmaker.solver.problem import (Enterprise, Institution, LockedMeeting, Pitch,  # noqa: E402
                                       Problem, Request, Slot)
from matchmaker.solver.solution import Meeting, Solution  # noqa: E402

# name: (enterprises, institutions, slots, requests, time limit in seconds)
SIZES = {
    "small": (150, 30, 12, 800, 10),
    "medium": (1000, 200, 20, 6000, 10),
    "large": (3000, 500, 24, 18000, 30),
    "huge": (10000, 1500, 24, 60000, 120),
}
SHANGHAI = timezone(timedelta(hours=8))


# --- instance generator --------------------------------------------------------------------------


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


def generate(n_ent: int, n_inst: int, n_slots: int, n_requests: int, seed: int) -> Problem:
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
    requests, mutual_pairs = [], set()
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
            if mutual:
                mutual_pairs.add((e.id, i))
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


# --- first-come-first-served baseline ------------------------------------------------------------


def fcfs(problem: Problem, seed: int) -> list[Meeting]:
    """Requests in random order, each booking the earliest common free slot (self-booking)."""
    rng = random.Random(seed)
    pitch = {p.enterprise: p.slot for p in problem.pitches}
    order = {s: k for k, s in enumerate(problem.slot_ids)}
    ent = {e.id: e for e in problem.enterprises}
    ins = {i.id: i for i in problem.institutions}
    busy_e, tables_used, count_e, count_i = set(), {}, {}, {}
    meetings = []
    for lock in problem.locked:
        table = len(tables_used.setdefault((lock.institution, lock.slot), [])) + 1
        tables_used[lock.institution, lock.slot].append(table)
        busy_e.add((lock.enterprise, lock.slot))
        count_e[lock.enterprise] = count_e.get(lock.enterprise, 0) + 1
        count_i[lock.institution] = count_i.get(lock.institution, 0) + 1
        meetings.append(Meeting(lock.enterprise, lock.institution, lock.slot, table))
    locked = {(m.enterprise, m.institution) for m in problem.locked}
    requests = [r for r in problem.requests if (r.enterprise, r.institution) not in locked]
    rng.shuffle(requests)
    for r in requests:
        e, i = ent[r.enterprise], ins[r.institution]
        if (e.max_meetings is not None and count_e.get(e.id, 0) >= e.max_meetings) or (
                i.max_meetings is not None and count_i.get(i.id, 0) >= i.max_meetings):
            continue
        for s in sorted(set(e.available) & set(i.available), key=order.get):
            if s == pitch.get(e.id) or (e.id, s) in busy_e or (
                    r.after_pitch and order[s] <= order[pitch[e.id]]):
                continue
            used = tables_used.setdefault((i.id, s), [])
            if len(used) >= i.tables:
                continue
            used.append(len(used) + 1)
            busy_e.add((e.id, s))
            count_e[e.id] = count_e.get(e.id, 0) + 1
            count_i[i.id] = count_i.get(i.id, 0) + 1
            meetings.append(Meeting(e.id, i.id, s, used[-1]))
            break
    return meetings


# --- one size, run in a child process ------------------------------------------------------------


def run_size(name: str, seed: int) -> dict:
    from matchmaker.solver.solve import solve

    n_ent, n_inst, n_slots, n_req, limit = SIZES[name]
    problem = generate(n_ent, n_inst, n_slots, n_req, seed)
    proven_at = []   # when the objective first met the bound (the rest of the time goes to idle gaps)
    started = time.monotonic()
    solution = solve(problem, time_limit=limit, seed=seed, on_progress=lambda event: proven_at.append(
        event.seconds) if event.objective == event.bound and not proven_at else None)
    seconds = time.monotonic() - started
    violations = check(problem, solution)
    baseline = fcfs(problem, seed)
    baseline_violations = check(problem, Solution("feasible", objective_of(problem, baseline), None,
                                                  tuple(baseline)))
    return {
        "size": f"{n_ent}×{n_inst}×{n_slots}", "requests": len(problem.requests),
        "objective": solution.objective, "bound": solution.upper_bound, "status": solution.status,
        "seconds": round(seconds, 1), "limit": limit, "proven_at": proven_at[0] if proven_at else None,
        "gaps": solution.stats["enterprise_idle_gaps"], "inst_gaps": solution.stats["institution_idle_gaps"],
        "fcfs_gaps": idle_gaps(problem, baseline).enterprises,
        "fcfs_inst_gaps": idle_gaps(problem, baseline).institutions,
        "fcfs_objective": objective_of(problem, baseline),
        "valid": not violations and not baseline_violations,
        "violations": (violations + baseline_violations)[:5],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run_repair(seed: int) -> dict:
    """Publish a 1,000×200 schedule, then 5 % of participants cancel; repair it."""
    from matchmaker.solver.repair import repair
    from matchmaker.solver.solve import solve

    n_ent, n_inst, n_slots, n_req, limit = SIZES["medium"]
    problem = generate(n_ent, n_inst, n_slots, n_req, seed)
    published = solve(problem, time_limit=limit, seed=seed)
    changed, gone = cancel_participants(problem, seed, 0.05)
    started = time.monotonic()
    repaired = repair(changed, published, time_limit=5, seed=seed)
    seconds = time.monotonic() - started
    unaffected = [m for m in published.meetings if m.enterprise not in gone and m.institution not in gone]
    now = {(m.enterprise, m.institution): m.slot for m in repaired.meetings}
    kept = sum(1 for m in unaffected if now.get((m.enterprise, m.institution)) == m.slot)
    return {
        "size": "repair 1000×200 (5% cancel)", "requests": len(changed.requests),
        "objective": repaired.objective, "bound": repaired.upper_bound, "status": repaired.status,
        "seconds": round(seconds, 1), "limit": 5, "gaps": repaired.stats["enterprise_idle_gaps"],
        "kept": kept, "unaffected": len(unaffected),
        "valid": not check(changed, repaired), "violations": check(changed, repaired)[:5],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def cancel_participants(problem: Problem, seed: int, share: float) -> tuple[Problem, set[str]]:
    """5 % of enterprises and institutions cancel: their availability is removed."""
    rng = random.Random(seed + 1)
    gone = {e.id for e in rng.sample(problem.enterprises, int(len(problem.enterprises) * share))}
    gone |= {i.id for i in rng.sample(problem.institutions, int(len(problem.institutions) * share))}
    enterprises = tuple(Enterprise(e.id, () if e.id in gone else e.available, e.max_meetings)
                        for e in problem.enterprises)
    institutions = tuple(Institution(i.id, () if i.id in gone else i.available, i.tables, i.max_meetings)
                         for i in problem.institutions)
    locked = tuple(m for m in problem.locked if m.enterprise not in gone and m.institution not in gone)
    pitches = tuple(p for p in problem.pitches if p.enterprise not in gone)
    requests = tuple(r if r.enterprise in {p.enterprise for p in pitches} or not r.after_pitch
                     else Request(r.enterprise, r.institution, r.weight, False) for r in problem.requests)
    return Problem(problem.slots, enterprises, institutions, requests, pitches, locked,
                   problem.coverage_bonus), gone


# --- table -------------------------------------------------------------------------------------


def print_table(rows: list[dict]) -> None:
    header = (f"{'size':<28}{'requests':>9}{'objective':>11}{'bound':>11}{'ratio':>10}{'seconds':>9}"
              f"{'peak MB':>9}{'idle gaps e/i':>15}{'FCFS gaps e/i':>15}{'FCFS obj':>10}  note")
    print(header)
    print("-" * len(header))
    for row in rows:
        ratio = f"{100 * row['objective'] / row['bound']:.3f}%" if row.get("bound") else "-"
        if "kept" in row:
            gaps, fcfs_gaps, fcfs_obj = f"{row['gaps']}", "-", "-"
            note = f"kept {row['kept']}/{row['unaffected']} unaffected ({100 * row['kept'] / max(1, row['unaffected']):.1f}%)"
        else:
            gaps, fcfs_gaps = f"{row['gaps']}/{row['inst_gaps']}", f"{row['fcfs_gaps']}/{row['fcfs_inst_gaps']}"
            fcfs_obj, note = f"{row['fcfs_objective']}", row["status"]
            if row.get("proven_at") is not None:
                note += f" (objective = bound at {row['proven_at']:.1f} s)"
        if not row["valid"]:
            note += f" INVALID: {row['violations']}"
        print(f"{row['size']:<28}{row['requests']:>9}{row['objective']:>11}{str(row['bound']):>11}"
              f"{ratio:>10}{row['seconds']:>9}{row['peak_mb']:>9}{gaps:>15}{fcfs_gaps:>15}{fcfs_obj:>10}  {note}")


def child(args: list[str]) -> dict:
    output = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if output.returncode != 0:
        raise SystemExit(f"benchmark child {args} failed:\n{output.stderr}")
    row = json.loads(output.stdout.strip().splitlines()[-1])
    return row


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default="small,medium,large,huge")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-repair", action="store_true")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        row = run_repair(args.seed) if args.child == "repair" else run_size(args.child, args.seed)
        print(json.dumps(row, ensure_ascii=False))
        return
    rows = []
    for name in args.sizes.split(","):
        rows.append(child(["--child", name, "--seed", str(args.seed)]))
    if not args.no_repair:
        rows.append(child(["--child", "repair", "--seed", str(args.seed)]))
    print_table(rows)


if __name__ == "__main__":
    main()
