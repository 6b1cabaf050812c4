"""Scheduler benchmark: this solver vs first-come-first-served self-booking, a plain CP-SAT
model and the upper bound.

    .venv/bin/python bench/scheduler.py [--sizes small,...,frag-large] [--seed N] [--no-repair]

Each size runs in its own subprocess so peak memory (ru_maxrss of the child) is per size; the
solve itself is a `python -m matchmaker solve` process, timed from start to exit ("CLI s").
Prints one table; every solution is verified with matchmaker.solver.check before it is counted.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from bench.instances import generate  # noqa: E402
from matchmaker.solver.check import check, idle_gaps, objective_of  # noqa: E402
from matchmaker.solver.problem import Enterprise, Institution, Problem, Request, problem_to_json  # noqa: E402
from matchmaker.solver.solution import Meeting, Solution, load_solution  # noqa: E402

# name: (family, enterprises, institutions, slots, requests, time limit in seconds)
SIZES = {
    "small": ("docking", 150, 30, 12, 800, 10),
    "medium": ("docking", 1000, 200, 20, 6000, 10),
    "large": ("docking", 3000, 500, 24, 18000, 30),
    "huge": ("docking", 10000, 1500, 24, 60000, 60),
    "frag-small": ("fragmented", 300, 60, 24, 1800, 20),
    "frag-medium": ("fragmented", 1000, 200, 24, 6000, 30),
    "frag-large": ("fragmented", 3000, 500, 24, 18000, 60),
}
REPAIR_SIZE, REFILL_SIZE = "medium", "frag-medium"


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


# --- measures ----------------------------------------------------------------------------------


def first_hour_use(problem: Problem, meetings) -> float:
    """Share of the first hour's table-slots (tables of institutions present) holding a meeting."""
    first = problem.slots[0].start
    early = {s.id for s in problem.slots if (s.start - first).total_seconds() < 3600}
    offered = sum(i.tables * len(early & set(i.available)) for i in problem.institutions)
    used = sum(1 for m in meetings if m.slot in early)
    return used / offered if offered else 0.0


def solve_by_cli(problem: Problem, limit: float, seed: int) -> tuple[Solution, float]:
    """Run `python -m matchmaker solve` on the problem; (solution, wall seconds of the process)."""
    with tempfile.TemporaryDirectory() as folder:
        problem_path, solution_path = Path(folder, "problem.json"), Path(folder, "solution.json")
        problem_path.write_text(problem_to_json(problem), encoding="utf-8")
        started = time.monotonic()
        output = subprocess.run([sys.executable, "-m", "matchmaker", "solve", str(problem_path),
                                 "-o", str(solution_path), "--time-limit", str(limit), "--seed", str(seed)],
                                cwd=ROOT, capture_output=True, text=True, check=False)
        seconds = time.monotonic() - started
        if output.returncode != 0:
            raise SystemExit(f"solve failed:\n{output.stderr}")
        return load_solution(solution_path), seconds


# --- one size, run in a child process ------------------------------------------------------------


def run_size(name: str, seed: int, plain: bool) -> dict:
    family, n_ent, n_inst, n_slots, n_req, limit = SIZES[name]
    problem = generate(family, n_ent, n_inst, n_slots, n_req, seed)
    solution, cli_seconds = solve_by_cli(problem, limit, seed)
    violations = check(problem, solution)
    baseline = fcfs(problem, seed)
    baseline_violations = check(problem, Solution("feasible", objective_of(problem, baseline), None,
                                                  tuple(baseline)))
    plain_objective = None
    if plain:
        from bench.plain_cpsat import plain_value
        plain_objective, _ = plain_value(problem, limit, seed)
    return {
        "size": f"{family} {n_ent}×{n_inst}×{n_slots}", "requests": len(problem.requests),
        "objective": solution.objective, "bound": solution.upper_bound, "status": solution.status,
        "bound_source": solution.stats.get("bound_source"), "stopped": solution.stats.get("stopped"),
        "seconds": solution.stats["seconds"], "cli_seconds": round(cli_seconds, 1), "limit": limit,
        "gaps": solution.stats["enterprise_idle_gaps"], "inst_gaps": solution.stats["institution_idle_gaps"],
        "fcfs_gaps": idle_gaps(problem, baseline).enterprises,
        "fcfs_inst_gaps": idle_gaps(problem, baseline).institutions,
        "fcfs_objective": objective_of(problem, baseline),
        "first_hour": first_hour_use(problem, solution.meetings),
        "fcfs_first_hour": first_hour_use(problem, baseline),
        "plain": plain_objective,
        "valid": not violations and not baseline_violations,
        "violations": (violations + baseline_violations)[:5],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


def run_repair(seed: int) -> dict:
    """Publish a 1,000×200 schedule, then 5 % of participants cancel; repair it."""
    from matchmaker.solver.repair import repair
    from matchmaker.solver.solve import solve

    family, n_ent, n_inst, n_slots, n_req, limit = SIZES[REPAIR_SIZE]
    problem = generate(family, n_ent, n_inst, n_slots, n_req, seed)
    published = solve(problem, time_limit=limit, seed=seed)
    changed, gone = cancel_participants(problem, seed, 0.05)
    started = time.monotonic()
    repaired = repair(changed, published, time_limit=5, seed=seed)
    seconds = time.monotonic() - started
    unaffected = [m for m in published.meetings if m.enterprise not in gone and m.institution not in gone]
    now = {(m.enterprise, m.institution): m.slot for m in repaired.meetings}
    kept = sum(1 for m in unaffected if now.get((m.enterprise, m.institution)) == m.slot)
    fresh = solve(changed, time_limit=5, seed=seed)   # what a fresh solve of the changed problem leaves
    return {
        "size": f"repair {n_ent}×{n_inst} (5% cancel)", "requests": len(changed.requests),
        "objective": repaired.objective, "bound": repaired.upper_bound, "status": repaired.status,
        "seconds": round(seconds, 1), "limit": 5, "gaps": repaired.stats["enterprise_idle_gaps"],
        "inst_gaps": repaired.stats["institution_idle_gaps"],
        "published_gaps": published.stats["enterprise_idle_gaps"],
        "fresh_gaps": fresh.stats["enterprise_idle_gaps"],
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


def run_refill(seed: int) -> dict:
    """Event day at 1,000×200 (fragmented): the first third of the slots are past, 10 % of the
    participants are absent; refill the rest of the day around the meetings that stay."""
    from matchmaker.solver.refill import refill_problem
    from matchmaker.solver.repair import repair
    from matchmaker.solver.solve import solve

    family, n_ent, n_inst, n_slots, n_req, limit = SIZES[REFILL_SIZE]
    problem = generate(family, n_ent, n_inst, n_slots, n_req, seed)
    published = solve(problem, time_limit=limit, seed=seed)
    rng = random.Random(seed + 2)
    absent = {e.id for e in rng.sample(problem.enterprises, len(problem.enterprises) // 10)}
    absent |= {i.id for i in rng.sample(problem.institutions, len(problem.institutions) // 10)}
    frozen = problem.slot_ids[: n_slots // 3]
    changed = refill_problem(problem, published, absent=absent, frozen=frozen)
    started = time.monotonic()
    refilled = repair(changed, published, time_limit=5, seed=seed)
    seconds = time.monotonic() - started
    future = [m for m in published.meetings if m.slot not in set(frozen)]
    unaffected = [m for m in future if m.enterprise not in absent and m.institution not in absent]
    now = {(m.enterprise, m.institution): m.slot for m in refilled.meetings}
    moved = sum(1 for m in unaffected if now.get((m.enterprise, m.institution)) != m.slot)
    was = {(m.enterprise, m.institution) for m in published.meetings}
    added = sum(1 for m in refilled.meetings if (m.enterprise, m.institution) not in was)
    violations = check(changed, refilled)
    return {
        "size": f"refill {n_ent}×{n_inst} (10% absent)", "requests": len(changed.requests),
        "objective": refilled.objective, "bound": refilled.upper_bound, "status": refilled.status,
        "seconds": round(seconds, 1), "limit": 5, "gaps": refilled.stats["enterprise_idle_gaps"],
        "inst_gaps": refilled.stats["institution_idle_gaps"],
        "moved": moved, "unaffected": len(unaffected), "added": added,
        "valid": not violations, "violations": violations[:5],
        "peak_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024),
    }


# --- table -------------------------------------------------------------------------------------


def print_table(rows: list[dict]) -> None:
    header = (f"{'size':<34}{'requests':>9}{'objective':>10}{'bound':>10}{'ratio':>10}{'plain':>10}"
              f"{'solve s':>8}{'CLI s':>7}{'MB':>6}{'idle e/i':>11}{'FCFS e/i':>12}{'gap×':>6}"
              f"{'1st h×':>7}  note")
    print(header)
    print("-" * len(header))
    for row in rows:
        bound = row.get("bound")
        ratio = f"{100 * row['objective'] / bound:.3f}%" if bound else "-"
        plain = cli = fcfs_gaps = gap_ratio = early = "-"
        gaps = f"{row['gaps']}/{row['inst_gaps']}"
        if "kept" in row:
            note = (f"kept {row['kept']}/{row['unaffected']} unaffected "
                    f"({100 * row['kept'] / max(1, row['unaffected']):.1f}%); enterprise gaps "
                    f"{row['gaps']} after repair, {row['published_gaps']} published, "
                    f"{row['fresh_gaps']} fresh solve")
        elif "moved" in row:
            note = (f"moved {row['moved']}/{row['unaffected']} unaffected future meetings "
                    f"({100 * row['moved'] / max(1, row['unaffected']):.2f}%), {row['added']} added")
        else:
            cli = f"{row['cli_seconds']}"
            fcfs_gaps = f"{row['fcfs_gaps']}/{row['fcfs_inst_gaps']}"
            gap_ratio = f"{row['gaps'] / max(1, row['fcfs_gaps']):.2f}"
            early = f"{row['first_hour'] / max(1e-9, row['fcfs_first_hour']):.2f}"
            if row["plain"] is not None and bound:
                plain = f"{100 * row['plain'] / bound:.3f}%"
            note = f"{row['status']}, bound {row['bound_source']}, stopped: {row['stopped']}, limit {row['limit']} s"
        if not row["valid"]:
            note += f" INVALID: {row['violations']}"
        print(f"{row['size']:<34}{row['requests']:>9}{row['objective']:>10}{str(bound):>10}{ratio:>10}"
              f"{plain:>10}{row['seconds']:>8}{cli:>7}{row['peak_mb']:>6}{gaps:>11}{fcfs_gaps:>12}"
              f"{gap_ratio:>6}{early:>7}  {note}")


def child(args: list[str]) -> dict | None:
    output = subprocess.run([sys.executable, __file__, *args], capture_output=True, text=True, check=False)
    if output.returncode != 0:   # report it and go on: the other rows are still worth printing
        print(f"benchmark child {args} failed:\n{output.stderr}", file=sys.stderr)
        return None
    return json.loads(output.stdout.strip().splitlines()[-1])


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(SIZES))
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--no-repair", action="store_true", help="skip the repair and refill rows")
    parser.add_argument("--no-plain", action="store_true", help="skip the plain CP-SAT comparison")
    parser.add_argument("--child", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        if args.child == "repair":
            row = run_repair(args.seed)
        elif args.child == "refill":
            row = run_refill(args.seed)
        else:
            row = run_size(args.child, args.seed, plain=not args.no_plain)
        print(json.dumps(row, ensure_ascii=False))
        return
    rows = []
    names = [name for name in args.sizes.split(",") if name]
    for name in names:
        extra = ["--no-plain"] if args.no_plain else []
        rows.append(child(["--child", name, "--seed", str(args.seed), *extra]))
    if not args.no_repair:
        rows.append(child(["--child", "repair", "--seed", str(args.seed)]))
        rows.append(child(["--child", "refill", "--seed", str(args.seed)]))
    print_table([row for row in rows if row is not None])


if __name__ == "__main__":
    main()
