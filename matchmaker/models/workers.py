"""Background workers as the web processes see them: one heartbeat row per running worker."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class WorkerHeartbeat(Model):
    """A running background worker: when it was last seen alive.

    Written by each `python -m matchmaker worker` (and by a web process that runs the worker's
    loops itself) every `[jobs] heartbeat_seconds`: /readyz answers 503 when the web processes
    leave their jobs to a worker and no row is younger than a minute. Removed when the worker
    stops; a killed worker's row simply ages."""

    worker_id = fields.CharField(max_length=100, primary_key=True)
    host = fields.CharField(max_length=255, default="")
    pid = fields.IntField(default=0)
    started_at = fields.DatetimeField()
    seen_at = fields.DatetimeField(db_index=True)

    class Meta:
        table = "worker_heartbeat"

    def __str__(self) -> str:
        return f"worker {self.worker_id} seen {self.seen_at}"
