"""Writing the audit trail; call inside the same transaction as the change it records."""

from __future__ import annotations

from contextvars import ContextVar
from dataclasses import dataclass

from tortoise.models import Model

from matchmaker.models import AuditLog, Organization, User


@dataclass(frozen=True)
class RequestOrigin:
    ip: str = ""
    request_id: str = ""


#: Set by the web layer for each request so that services need not pass it around.
current_origin: ContextVar[RequestOrigin] = ContextVar("current_origin", default=RequestOrigin())


async def audit(actor: User | None, action: str, obj: Model | None = None, *,
                organization: Organization | None = None, before: dict | None = None,
                after: dict | None = None) -> AuditLog:
    origin = current_origin.get()
    return await AuditLog.create(
        actor=actor,
        organization=organization,
        action=action,
        object_type=type(obj).__name__ if obj is not None else "",
        object_id=str(obj.pk) if obj is not None else "",
        before=before,
        after=after,
        ip=origin.ip,
        request_id=origin.request_id,
    )
