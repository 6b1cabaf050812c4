"""抢单: an institution claims a need that fits one of its products (the messages it sends go to
the inbox, models.events.Notification).

(No semicolons in model docstrings: Tortoise's SQLite migrator splits statements on them.)
"""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class ClaimState(StrEnum):
    OPEN = "open"          # waiting for the enterprise's answer
    ANSWERED = "answered"  # the enterprise answered (accepted or declined)
    EXPIRED = "expired"    # the deadline passed without an answer


class NeedClaim(Model):
    """An institution claims (抢单) an open need for one of its products. The enterprise is told
    and should answer before response_deadline, which the organizer watches."""

    id = fields.IntField(primary_key=True)
    institution = fields.ForeignKeyField("matchmaker.Organization", related_name="claims_made",
                                         on_delete=fields.CASCADE)
    need = fields.ForeignKeyField("matchmaker.FinancingNeed", related_name="claims", on_delete=fields.CASCADE)
    product = fields.ForeignKeyField("matchmaker.Product", related_name="claims", on_delete=fields.CASCADE)
    claimed_by = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    claimed_at = fields.DatetimeField(auto_now_add=True)
    response_deadline = fields.DatetimeField(db_index=True)
    state = fields.CharEnumField(ClaimState, max_length=10, default=ClaimState.OPEN)
    accepted = fields.BooleanField(null=True)  # the enterprise's answer, once answered
    answered_at = fields.DatetimeField(null=True)

    class Meta:
        table = "need_claim"
        unique_together = (("institution", "need", "product"),)
