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
    #: 考核 weights by indicator key (matchmaker.stats.assessment), empty for the default ones.
    assessment_weights = fields.JSONField(default=dict)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "programme"


class ProgrammePartner(Model):
    """A partner department (人行分支机构, 金融监管局, 财政局) that may read a programme's statistics
    and reports, and nothing else of it."""

    id = fields.IntField(primary_key=True)
    programme = fields.ForeignKeyField("matchmaker.Programme", related_name="partners", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "programme_partner"
        unique_together = (("programme", "organization"),)
