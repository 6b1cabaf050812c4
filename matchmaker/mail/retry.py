"""When to try a failed mail again, and when to stop: pure, so the worker's policy is testable.

Backoff is exponential with *full jitter* (the delay is drawn uniformly from zero to the capped
exponential): after publishing, hundreds of rows fail together when the relay hiccups, and
spreading their retries over the whole window keeps them from hitting it again in one wave.

A row's life (see DESIGN §6): queued -> sending -> sent, or back to queued with a later
``next_attempt_at`` after a transient failure; ``failed`` after a permanent one (the organizer
must fix the address); ``dead`` once `MAX_ATTEMPTS` transient failures have been spent.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Literal

from matchmaker.mail.transport import PermanentDeliveryError, TransientDeliveryError

BASE_DELAY_SECONDS = 30.0
MAX_DELAY_SECONDS = 3600.0
# Windows of 30 s, 1, 2, 4, 8, 16, 32 min, then an hour: the 11 waits between 12 attempts add up
# to at most about 5 hours (2.5 on average), after which the organizer's outbox page shows the
# row as dead and a human looks at the relay.
MAX_ATTEMPTS = 12

Kind = Literal["transient", "permanent"]


def next_attempt_delay(
    attempt: int,
    *,
    base: float = BASE_DELAY_SECONDS,
    cap: float = MAX_DELAY_SECONDS,
    rng: random.Random,
) -> float:
    """Seconds to wait after failed attempt number `attempt` (1 for the first try).

    Uniform in ``[0, min(cap, base * 2 ** (attempt - 1))]``. `rng` is passed in so that the
    worker can use one seeded generator in tests and `random.SystemRandom` in production.
    """
    if attempt < 1:
        raise ValueError(f"attempts are counted from 1, got {attempt}")
    # min() before the power would overflow to inf for a row that has failed 1100 times.
    exponent = min(attempt - 1, 64)
    return rng.uniform(0.0, min(cap, base * 2.0**exponent))


def classify(error: BaseException) -> Kind:
    """Whether `error`, raised while sending, is worth retrying.

    The transports already sort SMTP replies into Transient/Permanent; network errors and
    timeouts that escape them are transient. Anything else is a bug in building the message
    (a bad address, a template error): retrying the same row cannot fix it, so permanent.
    """
    if isinstance(error, TransientDeliveryError):
        return "transient"
    if isinstance(error, PermanentDeliveryError):
        return "permanent"
    if isinstance(error, (TimeoutError, ConnectionError)):
        return "transient"
    return "permanent"


@dataclass(frozen=True)
class AfterFailure:
    """What the outbox does with a row whose send just failed."""

    state: Literal["queued", "failed", "dead"]
    next_attempt_at: datetime | None  # set only when state is "queued"


def after_failure(
    error: BaseException,
    *,
    attempts: int,
    now: datetime,
    rng: random.Random,
    max_attempts: int = MAX_ATTEMPTS,
    base: float = BASE_DELAY_SECONDS,
    cap: float = MAX_DELAY_SECONDS,
) -> AfterFailure:
    """The row's next state after failed attempt number `attempts` (counting this one)."""
    if classify(error) == "permanent":
        return AfterFailure(state="failed", next_attempt_at=None)
    if attempts >= max_attempts:
        return AfterFailure(state="dead", next_attempt_at=None)
    delay = next_attempt_delay(attempts, base=base, cap=cap, rng=rng)
    return AfterFailure(state="queued", next_attempt_at=now + timedelta(seconds=delay))
