"""PIPL consent: an enterprise decides who may see its contact person and its financial figures,
and every look at its profile by an institution is written to the audit trail.

A grant names its audience: all institutions, the institutions at one event, or one named
institution. Revoking keeps the grant (with revoked_at) so the record shows who could see what when.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed, NotFound
from matchmaker.models import (
    INSTITUTION_KINDS,
    ConsentAudience,
    ConsentGrant,
    ConsentScope,
    EnterpriseProfile,
    Organization,
    OrganizationKind,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.tenancy import get_scoped, row_id

SCOPE_LABELS = {ConsentScope.CONTACT: "联系人信息", ConsentScope.FINANCIALS: "财务数据"}
AUDIENCE_LABELS = {ConsentAudience.ALL_INSTITUTIONS: "平台上所有金融机构", ConsentAudience.EVENT: "某场活动的参会机构",
                   ConsentAudience.NAMED: "指定机构"}


@dataclass(frozen=True)
class ConsentDraft:
    scope: str
    audience: str
    institution_id: str = ""
    event_id: str = ""


async def events_attended(institution: Organization) -> set[int]:
    """Events `institution` is registered at. Events arrive with the events issue; until then no
    institution is registered anywhere, so event grants show nobody anything (fail closed)."""
    return set()


async def grant_consent(enterprise: Organization, *, draft: ConsentDraft, by: User) -> ConsentGrant:
    if enterprise.kind != OrganizationKind.ENTERPRISE:
        raise NotAllowed("只有企业可以授权查看本企业信息")
    problems: dict[str, str] = {}
    if draft.scope not in set(ConsentScope):
        problems["scope"] = "请选择授权内容"
    if draft.audience not in set(ConsentAudience):
        problems["audience"] = "请选择授权对象"
    institution, event_id = None, None
    if draft.audience == ConsentAudience.NAMED:
        institution = await _institution(draft.institution_id)
        if institution is None:
            problems["institution_id"] = "请选择一家金融机构"
    if draft.audience == ConsentAudience.EVENT:
        try:
            event_id = row_id(draft.event_id)
        except NotFound:
            problems["event_id"] = "请填写活动编号（数字）"
    if problems:
        raise InvalidInput(problems)
    async with in_transaction():
        grant = await ConsentGrant.create(enterprise=enterprise, scope=draft.scope, audience=draft.audience,
                                          institution=institution, event_id=event_id, granted_by=by)
        await audit(by, "consent.grant", grant, organization=enterprise,
                    after={"scope": draft.scope, "audience": draft.audience,
                           "institution": institution.pk if institution else None, "event": event_id})
    return grant


async def _institution(raw_id: str) -> Organization | None:
    try:
        pk = row_id(raw_id)
    except NotFound:
        return None
    return await Organization.get_or_none(pk=pk, kind__in=list(INSTITUTION_KINDS))


async def revoke_consent(enterprise: Organization, grant_id: object, *, by: User) -> ConsentGrant:
    grant = await get_scoped(ConsentGrant, enterprise, grant_id, via="enterprise")
    if grant.revoked_at is not None:
        return grant
    async with in_transaction():
        grant.revoked_at = datetime.now(UTC)
        await grant.save(update_fields=["revoked_at"])
        await audit(by, "consent.revoke", grant, organization=enterprise)
    return grant


async def consents_of(enterprise: Organization) -> list[ConsentGrant]:
    """Every grant, current first, newest first (revoked ones stay on the record)."""
    grants = await ConsentGrant.filter(enterprise_id=enterprise.pk).prefetch_related("institution").order_by("-id")
    return sorted(grants, key=lambda g: g.revoked_at is not None)


async def visible_scopes(enterprise: Organization, viewer: Organization) -> frozenset[ConsentScope]:
    """What `viewer` may see of `enterprise` beyond the public part of its profile."""
    if viewer.pk == enterprise.pk or viewer.is_organizer:
        return frozenset(ConsentScope)
    if viewer.kind not in INSTITUTION_KINDS:
        return frozenset()
    events = await events_attended(viewer)
    scopes = set()
    for grant in await ConsentGrant.filter(enterprise_id=enterprise.pk, revoked_at=None):
        if (grant.audience == ConsentAudience.ALL_INSTITUTIONS
                or (grant.audience == ConsentAudience.NAMED and grant.institution_id == viewer.pk)
                or (grant.audience == ConsentAudience.EVENT and grant.event_id in events)):
            scopes.add(ConsentScope(grant.scope))
    return frozenset(scopes)


@dataclass(frozen=True)
class ProfileView:
    enterprise: Organization
    profile: EnterpriseProfile | None
    scopes: frozenset[ConsentScope]


async def view_profile(enterprise_id: object, *, viewer: Organization, by: User) -> ProfileView:
    """An institution (or the organizer) opens an enterprise's profile: audit `profile.view`
    with what was shown, in the same transaction as the read."""
    if viewer.kind not in INSTITUTION_KINDS and not viewer.is_organizer:
        raise NotAllowed("只有金融机构和组织方可以查看企业画像")
    enterprise = await Organization.get_or_none(pk=row_id(enterprise_id), kind=OrganizationKind.ENTERPRISE)
    if enterprise is None:
        raise NotFound()
    scopes = await visible_scopes(enterprise, viewer)
    async with in_transaction():
        profile = await EnterpriseProfile.get_or_none(organization_id=enterprise.pk)
        shown: dict[str, Any] = {"scopes": sorted(scopes)}
        await audit(by, "profile.view", enterprise, organization=viewer, after=shown)
    return ProfileView(enterprise, profile, scopes)
