"""Per-organization API tokens for /api/v1/: shown once, stored as SHA-256, revocable."""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, datetime

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed
from matchmaker.models import ApiToken, Membership, Organization, Role, User
from matchmaker.services.audit import audit
from matchmaker.services.tenancy import get_scoped, scoped

PREFIX = "mm_"


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


async def issue_token(organization: Organization, *, name: str, by: User) -> str:
    """A new token for `organization` (admins only); the plain token is returned once, never stored."""
    membership = await Membership.get(user=by)
    if membership.organization_id != organization.pk or membership.role != Role.ADMIN:
        raise NotAllowed("只有本单位管理员可以创建 API 令牌")
    name = name.strip()
    if not name or len(name) > 60:
        raise InvalidInput({"name": "请填写令牌用途（最长 60 个字）"})
    token = PREFIX + secrets.token_urlsafe(32)
    async with in_transaction():
        row = await ApiToken.create(organization=organization, name=name, token_hash=_hash(token), created_by=by)
        await audit(by, "api_token.issue", row, organization=organization, after={"name": name})
    return token


async def revoke_token(organization: Organization, token_id: object, *, by: User) -> None:
    """An admin revokes any of the organization's tokens; anyone else only a token it issued."""
    row = await get_scoped(ApiToken, organization, token_id)
    membership = await Membership.get(user=by)
    if membership.organization_id != organization.pk or (membership.role != Role.ADMIN
                                                         and row.created_by_id != by.pk):
        raise NotAllowed("只有本单位管理员可以撤销 API 令牌")
    async with in_transaction():
        row.revoked_at = datetime.now(UTC)
        await row.save(update_fields=["revoked_at"])
        await audit(by, "api_token.revoke", row, organization=organization)


async def revoke_tokens_of(user: User) -> int:
    """Revoke every live token `user` issued (the user is disabled, removed or changed its password);
    call inside the caller's transaction. Returns how many were revoked."""
    return await ApiToken.filter(created_by_id=user.pk, revoked_at=None).update(revoked_at=datetime.now(UTC))


async def tokens_of(organization: Organization) -> list[ApiToken]:
    return await scoped(ApiToken, organization).order_by("-id")


async def authenticate_token(token: str) -> ApiToken | None:
    """The live token row for `token` (with its organization and creator), or None. A token lives
    only while its creator is an active member of the token's organization: a disabled or removed
    user's token answers like a revoked one even if its revocation was missed."""
    row = await ApiToken.get_or_none(token_hash=_hash(token), revoked_at=None).select_related(
        "organization", "created_by")
    if row is None or not row.created_by.is_active:
        return None
    if not await Membership.exists(user_id=row.created_by_id, organization_id=row.organization_id):
        return None
    row.last_used_at = datetime.now(UTC)
    await row.save(update_fields=["last_used_at"])
    return row
