"""Server-side sessions. The cookie holds only a random key; the database keeps its SHA-256."""

from __future__ import annotations

import hashlib
import secrets
from datetime import datetime, timedelta, timezone

from matchmaker.models import Session, User
from matchmaker.services.clock import db_time

#: Refresh the sliding expiry at most this often, so that reads do not write on every request.
TOUCH_INTERVAL = timedelta(minutes=1)


def _hash(key: str) -> str:
    return hashlib.sha256(key.encode()).hexdigest()


def _now() -> datetime:
    return datetime.now(timezone.utc)


async def open_session(user: User, *, idle: timedelta, ip: str = "", user_agent: str = "") -> str:
    """Create a session for `user` and return the key to put in the cookie (shown only once)."""
    key = secrets.token_urlsafe(32)
    now = _now()
    await Session.create(key_hash=_hash(key), user=user, last_seen_at=now, expires_at=now + idle,
                         ip=ip[:45], user_agent=user_agent[:300])
    return key


async def resume_session(key: str, *, idle: timedelta) -> User | None:
    """The active user of a live session, or None for an unknown, expired or disabled one. Its
    membership and organization come in the same statement: nearly every page asks for them next
    (organizations.membership_of reads them from the user)."""
    if not key:
        return None
    session = await Session.get_or_none(key_hash=_hash(key)).select_related("user__membership__organization")
    now = _now()
    if session is None or session.expires_at <= now or not session.user.is_active:
        if session is not None:
            await session.delete()
        return None
    if now - session.last_seen_at >= TOUCH_INTERVAL:
        session.last_seen_at = now
        session.expires_at = now + idle
        await session.save(update_fields=["last_seen_at", "expires_at"])
    return session.user


async def close_session(key: str) -> None:
    await Session.filter(key_hash=_hash(key)).delete()


async def close_all_sessions(user: User, *, except_key: str | None = None) -> None:
    """After a password change every other device must log in again."""
    query = Session.filter(user=user)
    if except_key:
        query = query.exclude(key_hash=_hash(except_key))
    await query.delete()


async def purge_expired_sessions() -> int:
    return await Session.filter(expires_at__lte=db_time()).delete()
