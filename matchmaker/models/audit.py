"""The append-only audit trail."""

from __future__ import annotations

from tortoise import fields
from tortoise.exceptions import OperationalError
from tortoise.models import Model


class AuditLog(Model):
    """Who did what to which object, with the state before and after. Rows are never changed."""

    id = fields.BigIntField(primary_key=True)
    at = fields.DatetimeField(auto_now_add=True, db_index=True)
    actor = fields.ForeignKeyField("matchmaker.User", related_name=False, null=True, on_delete=fields.SET_NULL)
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name=False, null=True,
                                          on_delete=fields.SET_NULL)
    action = fields.CharField(max_length=64, db_index=True)
    object_type = fields.CharField(max_length=64, default="")
    object_id = fields.CharField(max_length=64, default="")
    before = fields.JSONField(null=True)
    after = fields.JSONField(null=True)
    ip = fields.CharField(max_length=45, default="")
    request_id = fields.CharField(max_length=36, default="")

    class Meta:
        table = "audit_log"

    async def save(self, *args, **kwargs) -> None:
        if not self._saved_in_db:
            await super().save(*args, **kwargs)
            return
        raise OperationalError("audit log rows are append-only")

    async def delete(self, *args, **kwargs) -> None:
        raise OperationalError("audit log rows are append-only")
