"""The benchmark's instance families (bench/instances.py) and the solver on each of them."""

from __future__ import annotations

from bench.instances import FAMILIES, generate
from bench.plain_cpsat import plain_solve
from matchmaker.solver.check import check
from matchmaker.solver.solve import solve


def runs(slot_ids: list[str], available: tuple[str, ...]) -> list[int]:
    """Lengths of the runs of consecutive slots in `available`."""
    present = [s in set(available) for s in slot_ids]
    lengths, current = [], 0
    for here in present + [False]:
        if here:
            current += 1
        elif current:
            lengths.append(current)
            current = 0
    return lengths


def test_fragmented_family_is_the_same_for_the_same_seed_and_differs_for_another():
    first = generate("fragmented", 300, 60, 24, 1800, seed=1)

    again = generate("fragmented", 300, 60, 24, 1800, seed=1)
    other = generate("fragmented", 300, 60, 24, 1800, seed=2)

    assert again == first
    assert other != first
    assert (len(first.requests), len(first.locked), len(first.pitches)) == (1822, 273, 22)


def test_fragmented_family_has_two_half_days_windows_one_table_lenders_and_15_percent_locked():
    problem = generate("fragmented", 300, 60, 24, 1800, seed=1)
    slot_ids = list(problem.slot_ids)
    pitching = {p.enterprise for p in problem.pitches}

    assert [s.start.strftime("%H:%M") for s in problem.slots[11:13]] == ["12:30", "14:00"]
    for enterprise in problem.enterprises:
        if enterprise.id not in pitching:
            lengths = runs(slot_ids, enterprise.available)
            assert 1 <= len(lengths) <= 3 and all(2 <= n <= 5 for n in lengths), enterprise
    assert sum(1 for i in problem.institutions if i.tables == 1) == 32
    assert sum(1 for i in problem.institutions if len(i.available) < 24) == 47
    assert len(problem.locked) == round(0.15 * len(problem.requests))
    assert {r.enterprise for r in problem.requests if r.after_pitch} <= pitching


def test_solver_output_passes_the_checker_on_every_family():
    for family in FAMILIES:
        problem = generate(family, 60, 12, 24, 300, seed=3)

        solution = solve(problem, time_limit=4, seed=0)

        assert check(problem, solution) == [], family
        assert solution.stats["stopped"] in ("optimal", "stalled", "time limit")


def test_small_fragmented_instance_is_solved_to_the_proven_optimum():
    problem = generate("fragmented", 30, 8, 24, 120, seed=5)
    optimum, _, proven = plain_solve(problem, time_limit=30, seed=0)

    solution = solve(problem, time_limit=10, seed=0)

    assert proven
    assert check(problem, solution) == []
    assert (solution.status, solution.objective, solution.upper_bound) == ("optimal", optimum, optimum)
    assert optimum == 1618
