"""Background jobs (imports, report generation): one table, a small registry of kinds.

`queue` writes and leases the rows, `kinds` says what each kind does, `runner` computes one
leased job (its progress and lease written while it runs). Solver runs and the mail outbox keep
their own rows (`services/scheduling/solver_runs`, `services/mailing`).
"""
