"""Event-day refill benchmark: 1,000 enterprises × 200 institutions, 10 % absent.

The published schedule is a fresh solve of the `docking` family (bench/instances.py, 20 slots);
the first third of the slots are over or running; 10 % of the enterprises and institutions did
not come; 5 % of the rest have not checked in yet but are not due (pending: they keep their
meetings and gain none). The problem is shaped exactly as the app does it
(`services/eventday/refill.shape_refill`: solver/refill.refill_problem plus the pending rule)
and repaired with a 5 s limit; the result is checked by solver/check.py.

Prints one table: refill seconds (target ≤ 5), the share of unaffected future meetings (both
sides present) that moved or were dropped (target ≤ 2 %), meetings added, and validity.
Run: .venv/bin/python bench/refill.py [--seed 1]
"""

from __future__ import annotations

import argparse
import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from instances import generate  # noqa: E402

from matchmaker.services.eventday.refill import shape_refill  # noqa: E402
from matchmaker.solver.check import check  # noqa: E402
from matchmaker.solver.repair import repair  # noqa: E402
from matchmaker.solver.solve import solve  # noqa: E402

N_ENT, N_INST, N_SLOTS, N_REQ = 1000, 200, 20, 6000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    problem = generate("docking", N_ENT, N_INST, N_SLOTS, N_REQ, args.seed)
    published = solve(problem, time_limit=10, seed=args.seed)
    rng = random.Random(args.seed + 7)
    absent = {e.id for e in rng.sample(problem.enterprises, N_ENT // 10)}
    absent |= {i.id for i in rng.sample(problem.institutions, N_INST // 10)}
    others = [e.id for e in problem.enterprises if e.id not in absent]
    pending = set(rng.sample(others, len(others) // 20))
    frozen = set(problem.slot_ids[: N_SLOTS // 3])
    started = time.monotonic()
    changed = shape_refill(problem, published, absent=absent, pending=pending, frozen=frozen)
    refilled = repair(changed, published, time_limit=5, seed=args.seed)
    seconds = time.monotonic() - started
    unaffected = [m for m in published.meetings if m.slot not in frozen
                  and m.enterprise not in absent and m.institution not in absent]
    now = {(m.enterprise, m.institution): (m.slot, m.table) for m in refilled.meetings}
    moved = sum(1 for m in unaffected if now.get((m.enterprise, m.institution), (None,))[0] != m.slot)
    was = {(m.enterprise, m.institution) for m in published.meetings}
    added = [m for m in refilled.meetings if (m.enterprise, m.institution) not in was]
    pending_gains = sum(1 for m in added if m.enterprise in pending)
    violations = check(changed, refilled)
    load = " ".join(f"{x:.1f}" for x in os.getloadavg())
    print(f"{'size':<26}{'published':>10}{'refill s':>9}{'moved/unaffected':>18}{'share':>8}{'added':>7}"
          f"{'pending+':>9}{'valid':>7}  load")
    print(f"{N_ENT}×{N_INST}×{N_SLOTS}, 10% absent  {len(published.meetings):>8}{seconds:>9.2f}"
          f"{f'{moved}/{len(unaffected)}':>18}{100 * moved / max(1, len(unaffected)):>7.2f}%{len(added):>7}"
          f"{pending_gains:>9}{'yes' if not violations else 'NO':>7}  {load}")
    if violations:
        print("violations:", violations[:5])


if __name__ == "__main__":
    main()
