"""What a job kind is: a name, a Chinese label for the progress page, and the handler.

A handler gets a `runner.JobContext`; it reports progress, and either calls `finish` (for a job
that writes, inside the transaction of its writes) or raises `JobRejected` with the problems to
show (nothing written). Each domain keeps its kinds beside its service; `kinds` lists them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any


class JobRejected(Exception):
    """The job's input is refused: `summary` (e.g. the problems by row and column) is shown."""

    def __init__(self, summary: dict[str, Any]) -> None:
        super().__init__(summary.get("message", "rejected"))
        self.summary = summary


@dataclass(frozen=True)
class JobKind:
    name: str
    label: str
    run: Callable[[Any], Awaitable[None]]
