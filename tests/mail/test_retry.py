"""Retry policy: full-jitter exponential backoff, transient vs permanent, when a row dies."""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

import pytest

from matchmaker.mail.retry import (
    MAX_ATTEMPTS,
    AfterFailure,
    after_failure,
    classify,
    next_attempt_delay,
)
from matchmaker.mail.transport import PermanentDeliveryError, TransientDeliveryError

NOW = datetime(2026, 12, 1, 2, 0, tzinfo=timezone.utc)


class Highest(random.Random):
    """Always draws the top of the range: the backoff window itself."""

    def uniform(self, a: float, b: float) -> float:
        return b


@pytest.mark.parametrize("attempt, window", [(1, 30.0), (2, 60.0), (3, 120.0), (7, 1920.0),
                                             (8, 3600.0), (50, 3600.0), (5000, 3600.0)])
def test_window_doubles_from_base_up_to_cap(attempt, window):
    assert next_attempt_delay(attempt, rng=Highest()) == window


def test_delays_are_spread_over_the_whole_window():
    rng = random.Random(7)

    delays = [next_attempt_delay(4, base=10.0, cap=1000.0, rng=rng) for _ in range(2000)]

    assert min(delays) >= 0.0 and max(delays) <= 80.0
    assert min(delays) < 8.0 and max(delays) > 72.0  # full jitter: near both ends


def test_same_seed_gives_the_same_delays():
    assert ([next_attempt_delay(3, rng=random.Random(1)) for _ in range(3)]
            == [next_attempt_delay(3, rng=random.Random(1)) for _ in range(3)])


def test_attempts_count_from_one():
    with pytest.raises(ValueError, match="counted from 1"):
        next_attempt_delay(0, rng=random.Random(1))


@pytest.mark.parametrize("error, kind", [
    (TransientDeliveryError("451 4.3.0 Try again later"), "transient"),
    (PermanentDeliveryError("550 5.1.1 No such user"), "permanent"),
    (TimeoutError(), "transient"),
    (ConnectionResetError(), "transient"),
    (ValueError("Message-ID must look like <local@domain>"), "permanent"),
])
def test_classify(error, kind):
    assert classify(error) == kind


def test_transient_failure_is_queued_again_later():
    outcome = after_failure(TransientDeliveryError("451"), attempts=3, now=NOW, rng=Highest())

    assert outcome == AfterFailure(state="queued", next_attempt_at=NOW + timedelta(seconds=120))


def test_permanent_failure_fails_at_once():
    outcome = after_failure(PermanentDeliveryError("550"), attempts=1, now=NOW, rng=Highest())

    assert outcome == AfterFailure(state="failed", next_attempt_at=None)


def test_row_dies_after_the_last_allowed_attempt():
    last = after_failure(TransientDeliveryError("451"), attempts=MAX_ATTEMPTS, now=NOW,
                         rng=Highest())
    before_last = after_failure(TransientDeliveryError("451"), attempts=MAX_ATTEMPTS - 1,
                                now=NOW, rng=Highest())

    assert last == AfterFailure(state="dead", next_attempt_at=None)
    assert before_last.state == "queued"
