"""The in-app inbox. `notify` is the one door every event message goes through, so that the mail
issue can make it also queue an e-mail without touching the callers."""

from __future__ import annotations

from datetime import UTC, datetime

from matchmaker.models import Event, Notification, Organization, User
from matchmaker.services.tenancy import get_scoped, scoped


async def notify(organization: Organization | int, *, kind: str, text: str, link: str = "",
                 event: Event | None = None, user: User | None = None) -> Notification:
    """Put a message in an organization's inbox. Call it inside the caller's transaction: a
    message about a change is written exactly when the change is."""
    organization_id = organization if isinstance(organization, int) else organization.pk
    return await Notification.create(organization_id=organization_id, user=user, event=event, kind=kind,
                                     text=text[:300], link=link)


async def inbox(organization: Organization, *, limit: int = 100) -> list[Notification]:
    return await scoped(Notification, organization).order_by("-created_at", "-id").limit(limit)


async def unread_count(organization: Organization) -> int:
    return await scoped(Notification, organization).filter(read_at=None).count()


async def mark_read(organization: Organization, notification_id: object) -> Notification:
    notification = await get_scoped(Notification, organization, notification_id)
    if notification.read_at is None:
        notification.read_at = datetime.now(UTC)
        await notification.save(update_fields=["read_at"])
    return notification


async def mark_all_read(organization: Organization) -> int:
    return await scoped(Notification, organization).filter(read_at=None).update(read_at=datetime.now(UTC))
