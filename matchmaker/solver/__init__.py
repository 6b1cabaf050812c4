"""PURE scheduling package: problem/solution dataclasses, the OR-Tools model, bound, checker.

Imports nothing from the rest of `matchmaker`. Entry points (imported from their modules, so
that reading or checking a file does not load OR-Tools):

- `matchmaker.solver.problem.load_problem / parse_problem` -> `Problem` (or `ProblemError`)
- `matchmaker.solver.solve.solve(problem, time_limit=, seed=, on_progress=)` -> `Solution`
- `matchmaker.solver.repair.repair(problem, previous, time_limit=, seed=, move_penalty=)`
- `matchmaker.solver.check.check(problem, solution)` -> list of violations
- `matchmaker.solver.solution.write_solution / load_solution`

See docs/scheduling.md.
"""
