"""The event day: hall tables with their printed labels, and check-ins at the desk (DESIGN §3)."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class CheckInMethod(StrEnum):
    QR = "qr"            # the signed pass printed on the agenda, scanned at the desk
    SEARCH = "search"    # found by name, USCC or phone at the desk
    WALK_IN = "walk_in"  # 现场报名: registered at the desk on the day


class HallTable(Model):
    """One physical table of an institution at an event, with the label printed on the floor plan
    (A01, A02 …). `table` is the institution's own table number 1..n that meetings carry."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="hall_tables", on_delete=fields.CASCADE)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    table = fields.IntField()
    hall = fields.CharField(max_length=60, default="")
    label = fields.CharField(max_length=16)

    class Meta:
        table = "hall_table"
        unique_together = (("event", "institution", "table"), ("event", "hall", "label"))


class CheckIn(Model):
    """A person of a participating organization arrived on one day of an event. One row per
    person and day; `client_key` makes a desk's (possibly offline, queued) scan land once."""

    id = fields.IntField(primary_key=True)
    event = fields.ForeignKeyField("matchmaker.Event", related_name="checkins", on_delete=fields.CASCADE)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name=False, on_delete=fields.CASCADE)
    day = fields.DateField()
    person = fields.CharField(max_length=60, default="")  # the representative's name; "" = the organization
    phone = fields.CharField(max_length=30, default="")
    method = fields.CharEnumField(CheckInMethod, max_length=8, default=CheckInMethod.QR)
    desk = fields.CharField(max_length=30, default="")
    note = fields.CharField(max_length=200, default="")
    client_key = fields.CharField(max_length=64, null=True, unique=True)
    checked_in_at = fields.DatetimeField()
    recorded_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    created_at = fields.DatetimeField(auto_now_add=True)

    class Meta:
        table = "checkin"
        unique_together = (("event", "organization", "person", "day"),)
