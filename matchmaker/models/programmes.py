"""Programmes (常态化对接活动): a named series of one organizer's events over a period (DESIGN §3)."""

from __future__ import annotations

from tortoise import fields
from tortoise.models import Model


class Programme(Model):
    id = fields.IntField(primary_key=True)
    organizer = fields.ForeignKeyField("matchmaker.Organization", related_name="programmes",
                                       on_delete=fields.CASCADE)
    name = fields.CharField(max_length=120)
    starts_on = fields.DateField()
    ends_on = fields.DateField()
    description = fields.TextField(default="")
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "programme"
