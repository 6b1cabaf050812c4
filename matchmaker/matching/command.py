"""`python -m matchmaker solve` (placeholder registration; the solver helper replaces this file)."""


def register(subparsers) -> None:  # replaced by the real command
    raise NotImplementedError
