"""The statistics cache: the figures of a scope and period as last computed, kept in the
database so that every web process (the deployment runs several) and the report worker share
them, and trusted only while nothing they were computed from has changed.

Why it is safe: migration 0021's triggers raise `statistics_epoch` on every committed write to a
table the figures read, whoever writes. The epoch is read *before* the figures are computed, and
the figures stored under it: a write committed later raises the epoch, so what was stored no
longer matches, and a write committed earlier is in the figures. Time alone changes two figures
(an open request counts once its deadline passes; the overdue cutoff moves each day): an entry
also holds only until the first such moment (`valid_until`), and only for a `now` not before it
was computed."""

from __future__ import annotations

import hashlib
import json
from collections.abc import Sequence
from datetime import datetime

from matchmaker.models import StatisticsCache
from matchmaker.services.clock import driver_moment
from matchmaker.stats import codec
from matchmaker.stats.periods import Period


def cache_key(kind: str, scope_id: int, event_ids: Sequence[int], period: Period, weights: dict) -> str:
    """What the figures depend on besides the data: the scope, its events, the period, the weights."""
    described = json.dumps([kind, scope_id, sorted(event_ids), period.start.isoformat(), period.end.isoformat(),
                            period.label, sorted(weights.items())], separators=(",", ":"))
    return f"{kind}:{scope_id}:" + hashlib.sha256(described.encode()).hexdigest()


def _marks(count: int) -> list[str]:
    db = StatisticsCache._meta.db
    return [f"${n}" for n in range(1, count + 1)] if db.capabilities.dialect == "postgres" else ["?"] * count


async def read(key: str, now: datetime) -> tuple[int | None, dict | None]:
    """The current epoch, and the figures cached under `key` if they still hold at `now` (one
    statement, parameterised: the key is a digest, but nothing is inlined here). No epoch row
    (a database emptied by hand) means nothing can be trusted or stored: (None, None)."""
    db = StatisticsCache._meta.db
    (mark,) = _marks(1)
    _, rows = await db.execute_query(
        "SELECT e.value, c.epoch, c.valid_until, c.computed_at, c.figures FROM statistics_epoch e "
        f"LEFT JOIN statistics_cache c ON c.key = {mark} WHERE e.id = 1", [key])
    if not rows:
        return None, None
    epoch, cached_epoch, valid_until, computed_at, figures = rows[0]
    epoch = int(epoch)
    if (cached_epoch is None or int(cached_epoch) != epoch or not driver_moment(computed_at) <= now
            or not now < driver_moment(valid_until)):
        return epoch, None
    return epoch, codec.loads(figures)


async def store(key: str, epoch: int, figures: dict, *, computed_at: datetime, valid_until: datetime) -> None:
    """Keep `figures` (computed from data read after `epoch` was) under `key`, replacing any."""
    db = StatisticsCache._meta.db
    marks = _marks(5)
    await db.execute_query(
        f"INSERT INTO statistics_cache (key, epoch, valid_until, computed_at, figures) VALUES ({', '.join(marks)}) "
        "ON CONFLICT (key) DO UPDATE SET epoch = excluded.epoch, valid_until = excluded.valid_until, "
        "computed_at = excluded.computed_at, figures = excluded.figures",
        [key, epoch, valid_until, computed_at, codec.dumps(figures)])
