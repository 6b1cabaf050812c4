"""Read-only figures for the dashboards."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass

from matchmaker.models import AuditLog, Organization, User


@dataclass(frozen=True)
class PlatformCounts:
    organizations_by_kind: dict[str, int]
    users: int


async def platform_counts() -> PlatformCounts:
    kinds = Counter(await Organization.filter(is_organizer=False).values_list("kind", flat=True))
    return PlatformCounts(organizations_by_kind={str(kind): n for kind, n in kinds.items()},
                          users=await User.all().count())


async def recent_audit(*, page: int, per_page: int = 50, action: str = "") -> tuple[list[AuditLog], bool]:
    """A page of the platform-wide audit trail (organizers only), newest first; and whether more follow."""
    query = AuditLog.all().prefetch_related("actor", "organization").order_by("-id")
    if action:
        query = query.filter(action__startswith=action)
    rows = await query.offset((page - 1) * per_page).limit(per_page + 1)
    return rows[:per_page], len(rows) > per_page
