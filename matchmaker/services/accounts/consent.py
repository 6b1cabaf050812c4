"""PIPL consent, decided here and nowhere else: an enterprise decides who may see its contact
person and its financial figures, and every look at its profile by an institution is written to
the audit trail. The registry pages and the matching pages both ask `visibility_for`.

A grant names its audience: all institutions, the institutions approved at one event, or one
named institution. Revoking keeps the grant (with revoked_at) so the record shows who could see
what when.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.expressions import Q, Subquery
from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed, NotFound
from matchmaker.models import (
    INSTITUTION_KINDS,
    ConsentAudience,
    ConsentGrant,
    ConsentScope,
    EnterpriseProfile,
    Event,
    Membership,
    Organization,
    OrganizationKind,
    Registration,
    RegistrationStatus,
    Role,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.tenancy import get_scoped, row_id

SCOPE_LABELS = {ConsentScope.CONTACT: "联系人信息", ConsentScope.FINANCIALS: "财务数据"}
AUDIENCE_LABELS = {ConsentAudience.ALL_INSTITUTIONS: "平台上所有金融机构", ConsentAudience.EVENT: "某场活动的参会机构",
                   ConsentAudience.NAMED: "指定机构"}

#: The enterprise's financial figures (scope "financials"), as profile columns and as matching
#: fields. Derived fields count too: a debt ratio printed in a verdict's reason reveals the debt
#: and the assets it is computed from, and the last round goes with the valuation.
FINANCIAL_FIELDS = frozenset({"revenue", "total_assets", "existing_debt", "valuation", "profitable", "last_round",
                              "debt_ratio", "debt_ratio_after_loan",
                              # issue 14: tax and profit figures are financial statements too
                              "tax_paid", "taxable_sales", "profitable_2y"})
#: The enterprise's contact person (scope "contact").
CONTACT_FIELDS = frozenset({"contact_name", "contact_phone", "contact_email"})


@dataclass(frozen=True)
class ConsentDraft:
    scope: str
    audience: str
    institution_id: str = ""
    event_id: str = ""


@dataclass(frozen=True)
class Visibility:
    """What one viewer may see of one enterprise beyond the public part of its profile."""

    scopes: frozenset[ConsentScope] = frozenset()

    @property
    def contact(self) -> bool:
        return ConsentScope.CONTACT in self.scopes

    @property
    def financials(self) -> bool:
        return ConsentScope.FINANCIALS in self.scopes

    def hides(self, field_key: str) -> bool:
        """Whether the value of a profile column or matching field is withheld from the viewer."""
        return ((field_key in FINANCIAL_FIELDS and not self.financials)
                or (field_key in CONTACT_FIELDS and not self.contact))


EVERYTHING = Visibility(frozenset(ConsentScope))
NOTHING = Visibility()


async def events_attended(institution: Organization) -> set[int]:
    """Events at which `institution` is approved: only those make it one of "the event's
    institutions" (a pending or rejected registration does not)."""
    return set(await Registration.filter(organization_id=institution.pk, status=RegistrationStatus.APPROVED)
               .values_list("event_id", flat=True))


async def visibility_for(viewer: Organization, enterprise_ids: Iterable[int]) -> dict[int, Visibility]:
    """Per enterprise id: what `viewer` may see now. An enterprise sees itself and the organizer
    sees everything; an institution sees what live grants cover (revoked grants do not count);
    anyone else sees nothing."""
    ids = set(enterprise_ids)
    if viewer.is_organizer:
        return dict.fromkeys(ids, EVERYTHING)
    if viewer.kind not in INSTITUTION_KINDS:
        return {i: EVERYTHING if i == viewer.pk else NOTHING for i in ids}
    # One statement: the live grants that cover the viewer, the events it attends as a subquery.
    attended = Subquery(Registration.filter(organization_id=viewer.pk, status=RegistrationStatus.APPROVED)
                        .values("event_id"))
    covering = (Q(audience=ConsentAudience.ALL_INSTITUTIONS)
                | Q(audience=ConsentAudience.NAMED, institution_id=viewer.pk)
                | Q(audience=ConsentAudience.EVENT, event_id__in=attended))
    scopes: dict[int, set[ConsentScope]] = {i: set() for i in ids}
    for grant in await ConsentGrant.filter(covering, enterprise_id__in=ids, revoked_at=None):
        scopes[grant.enterprise_id].add(ConsentScope(grant.scope))
    return {i: Visibility(frozenset(s)) for i, s in scopes.items()}


async def _require_admin(enterprise: Organization, by: User) -> None:
    """Consent (PIPL) is the organization's decision: its admins grant and revoke it."""
    membership = await Membership.get_or_none(user=by)
    if membership is None or membership.organization_id != enterprise.pk or membership.role != Role.ADMIN:
        raise NotAllowed("只有本单位管理员可以授权或撤回授权 (only admins decide on consent)")


async def grant_consent(enterprise: Organization, *, draft: ConsentDraft, by: User) -> ConsentGrant:
    if enterprise.kind != OrganizationKind.ENTERPRISE:
        raise NotAllowed("只有企业可以授权查看本企业信息")
    await _require_admin(enterprise, by)
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
        else:
            if not await Event.exists(pk=event_id):
                problems["event_id"] = "没有这场活动，请核对活动编号"
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
    await _require_admin(enterprise, by)
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


@dataclass(frozen=True)
class ProfileView:
    enterprise: Organization
    profile: EnterpriseProfile | None
    visibility: Visibility


async def view_profile(enterprise_id: object, *, viewer: Organization, by: User) -> ProfileView:
    """An institution (or the organizer) opens an enterprise's profile: audit `profile.view`
    with what was shown, in the same transaction as the read."""
    if viewer.kind not in INSTITUTION_KINDS and not viewer.is_organizer:
        raise NotAllowed("只有金融机构和组织方可以查看企业画像")
    enterprise = await Organization.get_or_none(pk=row_id(enterprise_id), kind=OrganizationKind.ENTERPRISE)
    if enterprise is None:
        raise NotFound()
    visibility = (await visibility_for(viewer, [enterprise.pk]))[enterprise.pk]
    async with in_transaction():
        profile = await EnterpriseProfile.get_or_none(organization_id=enterprise.pk)
        shown: dict[str, Any] = {"scopes": sorted(visibility.scopes)}
        await audit(by, "profile.view", enterprise, organization=viewer, after=shown)
    return ProfileView(enterprise, profile, visibility)
