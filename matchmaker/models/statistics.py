"""The statistics cache (services/reports/cache.py): the computed figures of a scope and period,
shared by every web process, and the counter that says whether they still hold."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class StatisticsEpoch(Model):
    """One row whose `value` database triggers raise on every write to a table the statistics
    read (migration 0021: meetings, requests, claims, feedback, registrations, check-ins,
    organizations and profiles, events, programmes, lead links and the stored lead facts): a
    cached figure computed at an older value is stale, whatever service or import wrote."""

    id = fields.IntField(primary_key=True)
    value = fields.BigIntField(default=0)

    class Meta:
        table = "statistics_epoch"


class StatisticsCache(Model):
    """The figures of one scope and period (stats.codec JSON) as computed at `epoch`: they hold
    while the epoch is unchanged and until `valid_until` (an open request's deadline passing,
    the overdue cutoff's day turning)."""

    id = fields.IntField(primary_key=True)
    key = fields.CharField(max_length=200, unique=True)
    epoch = fields.BigIntField()
    valid_until = fields.DatetimeField()
    figures = fields.TextField()
    computed_at = fields.DatetimeField()

    class Meta:
        table = "statistics_cache"
