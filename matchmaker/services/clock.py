"""Times for database writes and filters.

Tortoise converts model fields to its configured zone (Asia/Shanghai), but passes filter and
update() values through as they are, and its SQLite backend stores and compares datetimes as
text: a UTC bound against Shanghai-time rows compares wrongly. Every datetime a service filters
or bulk-updates on goes through `db_time`, so that text order is time order on both backends.
"""

from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from tortoise.timezone import localtime

_SHANGHAI = ZoneInfo("Asia/Shanghai")


def utc_now() -> datetime:
    return datetime.now(timezone.utc)


def db_time(moment: datetime | None = None) -> datetime:
    """`moment` (default: now) in the ORM's configured zone."""
    return localtime(moment or utc_now())


# -- values as a raw query returns them (statistics read driver rows, not model instances) --

def driver_moment(value: datetime | str | None) -> datetime | None:
    """A timestamp as the driver returns it (SQLite: ISO text, PostgreSQL: datetime), aware."""
    if value is None:
        return None
    if isinstance(value, str):
        value = datetime.fromisoformat(value)
    return value if value.tzinfo is not None else value.replace(tzinfo=_SHANGHAI)


def driver_date(value: date | str | None) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(value[:10])


def shanghai_day(moment: datetime | str | None) -> date | None:
    """The Beijing date of a driver timestamp."""
    moment = driver_moment(moment)
    return moment.astimezone(_SHANGHAI).date() if moment is not None else None
