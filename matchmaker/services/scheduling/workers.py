"""Worker heartbeats: each background worker says it is alive, /readyz asks whether one is.

One row per worker process (`WorkerHeartbeat`), upserted every `[jobs] heartbeat_seconds`
(15 s by default) and deleted when the worker stops cleanly; a worker killed without clean-up
leaves a row that simply ages past `SEEN_WITHIN`.
"""

from __future__ import annotations

import os
import socket
from datetime import datetime, timedelta

from matchmaker.models import WorkerHeartbeat
from matchmaker.services.clock import db_time

#: "worker seen in the last minute" (issue 17): four missed beats at the default 15 s.
SEEN_WITHIN = timedelta(minutes=1)


async def beat(worker_id: str, *, started_at: datetime, now: datetime | None = None) -> None:
    """One statement on the worker's own row (insert the first time)."""
    now = db_time(now)
    updated = await WorkerHeartbeat.filter(worker_id=worker_id).update(seen_at=now)
    if not updated:
        await WorkerHeartbeat.create(worker_id=worker_id, host=socket.gethostname(), pid=os.getpid(),
                                     started_at=db_time(started_at), seen_at=now)


async def forget(worker_id: str) -> None:
    """A worker that stops cleanly takes its row with it: readyz no longer counts on it."""
    await WorkerHeartbeat.filter(worker_id=worker_id).delete()


async def last_seen(now: datetime | None = None) -> datetime | None:
    """When the most recently seen worker beat last, if within `SEEN_WITHIN`; else None."""
    now = db_time(now)
    row = await WorkerHeartbeat.filter(seen_at__gte=now - SEEN_WITHIN).order_by("-seen_at").first()
    return row.seen_at if row else None


async def forget_older_than(age: timedelta, now: datetime | None = None) -> int:
    """Rows of workers gone long ago (killed, never cleaned up), so that the table stays small."""
    now = db_time(now)
    return await WorkerHeartbeat.filter(seen_at__lt=now - age).delete()
