"""Times for database writes and filters.

Tortoise converts model fields to its configured zone (Asia/Shanghai), but passes filter and
update() values through as they are, and its SQLite backend stores and compares datetimes as
text: a UTC bound against Shanghai-time rows compares wrongly. Every datetime a service filters
or bulk-updates on goes through `db_time`, so that text order is time order on both backends.
"""

from __future__ import annotations

from datetime import datetime, timezone

from tortoise.timezone import localtime


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def db_time(moment: datetime | None = None) -> datetime:
    """`moment` (default: now) in the ORM's configured zone."""
    return localtime(moment or utc_now())
