"""`python -m matchmaker solve` (placeholder registration; the solver helper replaces this file)."""


def register(subparsers) -> None:  # replaced by the real command
    """Placeholder until the real command lands: registers nothing."""
