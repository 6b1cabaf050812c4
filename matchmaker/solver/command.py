"""`python -m matchmaker solve` (placeholder registration; the solver helper replaces this file)."""


def register(subparsers) -> None:  # replaced by the real command on main
    """Register nothing yet, so that the other sub-commands keep working on this branch."""
