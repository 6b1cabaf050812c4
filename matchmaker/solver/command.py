"""`python -m matchmaker solve PROBLEM.json -o SOLUTION.json [--time-limit S] [--seed N]
[--repair PREVIOUS.json]`: solve (or repair) a schedule from the JSON contract of DESIGN §5.

Exit codes: 0 with a checked solution written (also when the status is infeasible, with the
reason); 2 on a malformed problem, an unreadable file or an unwritable output; 1 when the
checker rejects the solution (nothing is written: nobody may see an unchecked schedule).
"""

from __future__ import annotations

import argparse
import os
import sys
import time

from matchmaker.solver.check import check
from matchmaker.solver.problem import ProblemError, load_problem
from matchmaker.solver.solution import Solution, SolutionError, load_solution, write_solution


def register(subparsers) -> None:
    parser = subparsers.add_parser(
        "solve", help="排会: schedule one-on-one meetings (solve a schedule problem)",
        description="Solve a matchmaker.schedule-problem/1 file into a checked "
                    "matchmaker.schedule-solution/1 file.")
    parser.add_argument("problem", metavar="PROBLEM.json")
    parser.add_argument("-o", "--output", metavar="SOLUTION.json", required=True)
    parser.add_argument("--time-limit", type=_positive, default=30.0, metavar="SECONDS",
                        help="wall time of the whole command, reading and writing included")
    parser.add_argument("--seed", type=int, default=0, metavar="N")
    parser.add_argument("--repair", metavar="PREVIOUS_SOLUTION.json",
                        help="re-solve keeping as many meetings of this published schedule as possible")
    parser.add_argument("--move-penalty", type=int, default=5, metavar="WEIGHT",
                        help="with --repair: objective given up per meeting that changes slot")
    parser.set_defaults(handler=run)


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError("must be positive")
    return value


def process_seconds() -> float:
    """Wall seconds since this process started (Linux /proc; 0 where unknown)."""
    try:
        with open("/proc/self/stat", encoding="ascii") as stat:
            start_ticks = int(stat.read().rsplit(")", 1)[1].split()[19])
        with open("/proc/uptime", encoding="ascii") as uptime:
            return max(0.0, float(uptime.read().split()[0]) - start_ticks / os.sysconf("SC_CLK_TCK"))
    except (OSError, ValueError, IndexError):
        return 0.0


def run(args: argparse.Namespace) -> int:
    loading = time.monotonic()
    try:
        problem = load_problem(args.problem)
        previous = load_solution(args.repair) if args.repair else None
    except (ProblemError, SolutionError) as error:
        print(f"错误 error: {error}", file=sys.stderr)
        return 2
    loaded = time.monotonic() - loading
    # imported here so every `python -m matchmaker` command (and a bad input) skips loading OR-Tools
    from matchmaker.solver.repair import repair
    from matchmaker.solver.solve import solve

    # --time-limit is the whole command's: start-up and reading so far, checking and writing
    # after (together about 1.5 times as long as reading the problem) come out of the solver's share
    limit = max(0.1, args.time_limit - process_seconds() - 1.5 * loaded)
    if previous is None:
        solution = solve(problem, time_limit=limit, seed=args.seed)
    else:
        solution = repair(problem, previous, time_limit=limit, seed=args.seed,
                          move_penalty=args.move_penalty)
    violations = check(problem, solution)
    if violations:
        print("错误 error: 解答未通过检查 (solution rejected by the checker):\n  "
              + "\n  ".join(violations), file=sys.stderr)
        return 1
    try:
        write_solution(solution, args.output)
    except OSError as error:
        print(f"错误 error: 无法写入 (cannot write) {args.output}: {error}", file=sys.stderr)
        return 2
    print(summary(solution), file=sys.stderr)
    return 0


def summary(solution: Solution) -> str:
    """One line for the terminal: status, objective, bound, relative gap, meetings, idle gaps."""
    stats = solution.stats
    if solution.status == "infeasible":
        return f"infeasible: {solution.reason} ({stats.get('seconds', 0)} s)"
    line = (f"{solution.status}: objective {solution.objective}, bound {solution.upper_bound}, "
            f"gap {100 * stats.get('gap', 0):.2f}%, meetings {len(solution.meetings)}, "
            f"idle gaps {stats.get('idle_gaps')} (enterprises {stats.get('enterprise_idle_gaps')}, "
            f"institutions {stats.get('institution_idle_gaps')}), {stats.get('seconds')} s")
    if stats.get("stopped"):
        line += f", stopped: {stats['stopped']}"
    if "kept_slot" in stats:
        line += f", kept {stats['kept_slot']}/{stats['still_valid']} previous meetings in place"
    return line
