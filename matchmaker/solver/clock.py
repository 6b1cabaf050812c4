"""A wall-clock deadline shared by every phase, so the whole solve respects one time limit."""

from __future__ import annotations

import time


class Deadline:
    def __init__(self, seconds: float):
        self.started = time.monotonic()
        self.at = self.started + seconds

    def keep(self, seconds: float) -> None:
        """Hold back `seconds` before the limit for work that must follow the search."""
        self.at -= seconds

    def elapsed(self) -> float:
        return time.monotonic() - self.started

    def remaining(self) -> float:
        return max(0.0, self.at - time.monotonic())

    def expired(self) -> bool:
        return time.monotonic() >= self.at
