"""Walk-ins (现场报名): an enterprise that comes on the day without an approved registration is
registered at the desk (one in the registry, or a new one with its USCC) and checked in, in one
transaction. Its registration is approved and flagged `walk_in`; the refill of freed slots
takes its candidates from `walk_ins`.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput
from matchmaker.models import (
    CheckIn,
    CheckInMethod,
    EnterpriseProfile,
    Event,
    Organization,
    OrganizationKind,
    Registration,
    RegistrationStatus,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.clock import utc_now
from matchmaker.services.eventday.desk import CheckInDraft, CheckInResult, check_in
from matchmaker.uscc import UsccError, normalize_uscc, validate_uscc


@dataclass(frozen=True)
class WalkInDraft:
    """`organization_id` of an enterprise in the registry, or `name` and `uscc` of a new one."""

    organization_id: int | None = None
    name: str = ""
    uscc: str = ""
    person: str = ""
    phone: str = ""
    desk: str = ""
    client_key: str = ""


async def registry_matches(query: str, *, limit: int = 10) -> list[Organization]:
    """Enterprises of the registry a desk may register on the spot: by name or USCC."""
    text = query.strip()
    if len(text) < 2:
        return []
    by_code = await Organization.filter(kind=OrganizationKind.ENTERPRISE, uscc=normalize_uscc(text)).limit(1)
    by_name = await Organization.filter(kind=OrganizationKind.ENTERPRISE, name__icontains=text) \
        .order_by("name").limit(limit)
    return list({o.pk: o for o in [*by_code, *by_name]}.values())[:limit]


async def _walk_in_organization(draft: WalkInDraft, problems: dict[str, str]) -> Organization | None:
    if draft.organization_id is not None:
        organization = await Organization.get_or_none(id=draft.organization_id, kind=OrganizationKind.ENTERPRISE)
        if organization is None:
            problems["organization_id"] = "企业库中没有这家企业"
        return organization
    if not draft.name.strip():
        problems["name"] = "请填写企业名称"
    elif len(draft.name.strip()) > 200:
        problems["name"] = "企业名称最多 200 个字"
    try:
        code = validate_uscc(draft.uscc)
    except UsccError as error:
        problems["uscc"] = str(error)
        return None
    known = await Organization.get_or_none(uscc=code)
    if known is not None:
        problems["uscc"] = f"该统一社会信用代码已在企业库中（{known.name}），请直接选择该企业"
    return None


async def register_walk_in(event: Event, draft: WalkInDraft, *, by: User | None,
                           secret_key: str) -> CheckInResult:
    """Register an enterprise on the spot and check its person in; all or nothing."""
    problems: dict[str, str] = {}
    if not draft.person.strip():
        problems["person"] = "请填写到场人姓名"
    organization = await _walk_in_organization(draft, problems)
    registration = None
    if organization is not None:
        registration = await Registration.get_or_none(event=event, organization=organization)
        if registration is not None and registration.status == RegistrationStatus.APPROVED:
            problems["organization_id"] = "该企业已报名本活动，请直接搜索签到"
        elif registration is not None and registration.status == RegistrationStatus.REJECTED:
            problems["organization_id"] = "该企业的报名未通过审核，不能现场报名，请联系组织方"
    if problems:
        raise InvalidInput(problems)
    async with in_transaction():
        if organization is None:
            organization = await Organization.create(kind=OrganizationKind.ENTERPRISE, name=draft.name.strip(),
                                                     uscc=validate_uscc(draft.uscc))
            await EnterpriseProfile.create(organization=organization, contact_name=draft.person.strip()[:50],
                                           contact_phone=draft.phone.strip()[:32])
            await audit(by, "organization.walk_in", organization, organization=organization,
                        after={"name": organization.name, "uscc": organization.uscc})
        now = utc_now()
        if registration is None:
            registration = await Registration.create(event=event, organization=organization, registered_by=by,
                                                     on_behalf=True, walk_in=True,
                                                     status=RegistrationStatus.APPROVED, decided_at=now)
        else:  # a pending registration: the participant came, the desk admits it
            registration.status, registration.walk_in, registration.decided_at = \
                RegistrationStatus.APPROVED, True, now
            await registration.save(update_fields=["status", "walk_in", "decided_at"])
        await audit(by, "registration.walk_in", registration, organization=organization,
                    after={"event": event.pk, "walk_in": True})
        result = await check_in(event, CheckInDraft(organization_id=organization.pk, person=draft.person,
                                                    phone=draft.phone, desk=draft.desk,
                                                    client_key=draft.client_key, method=CheckInMethod.WALK_IN,
                                                    note="现场报名"),
                                by=by, secret_key=secret_key, now=now)
    return result


async def walk_ins(event: Event) -> list[int]:
    """Ids of the walk-in enterprises checked in at `event` (any day), in the order they came:
    the refill's waiting list."""
    walk_in_ids = set(await Registration.filter(event=event, walk_in=True, status=RegistrationStatus.APPROVED)
                      .values_list("organization_id", flat=True))
    ordered: list[int] = []
    for organization_id in await CheckIn.filter(event=event, organization_id__in=list(walk_in_ids)) \
            .order_by("checked_in_at", "id").values_list("organization_id", flat=True):
        if organization_id not in ordered:
            ordered.append(organization_id)
    return ordered
