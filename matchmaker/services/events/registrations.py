"""Registration for an event: enterprises bring needs, institutions send representatives and
staff tables, both say which sessions they attend. The organizer approves or rejects."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import UTC, datetime, time

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotAllowed, NotFound
from matchmaker.models import (
    INSTITUTION_KINDS,
    Availability,
    EnterpriseProfile,
    Eligibility,
    Event,
    EventStatus,
    FinancingNeed,
    NeedStatus,
    Organization,
    OrganizationKind,
    Product,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.listing import Listing, state_listing
from matchmaker.services.events.setup import event_sessions, registration_open
from matchmaker.services.mailing.notifications import notify
from matchmaker.services.events.slots import parse_hhmm


@dataclass(frozen=True)
class Representative:
    name: str
    title: str
    product_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class SessionChoice:
    attends: bool = True
    arrive_at: str = ""  # HH:MM or empty
    leave_at: str = ""


@dataclass(frozen=True)
class RegistrationDraft:
    need_ids: tuple[int, ...] = ()
    representatives: tuple[Representative, ...] = ()
    tables: int | None = None  # institutions: defaults to the event's tables per institution
    availability: dict[str, SessionChoice] = field(default_factory=dict)  # by session key; missing: attends


def side_of(organization: Organization) -> str:
    """enterprise | institution: which side of the table an organization sits on."""
    return side_of_kind(organization.kind)


def side_of_kind(kind: OrganizationKind | str) -> str:
    if kind == OrganizationKind.ENTERPRISE:
        return "enterprise"
    if kind in INSTITUTION_KINDS:
        return "institution"
    raise NotAllowed("只有企业和金融机构可以报名参加活动 (only enterprises and institutions register)")


async def register(event: Event, organization: Organization, *, draft: RegistrationDraft, by: User,
                   on_behalf: bool = False) -> Registration:
    """Register (or update the registration of) `organization`. The organizer registering on a
    participant's behalf (`on_behalf`) is not bound by the deadline or eligibility list, and its
    registration is approved at once."""
    side = side_of(organization)
    if event.status != EventStatus.OPEN and not on_behalf:
        raise Conflict("该活动当前不接受报名 (registration is not open)")
    now = datetime.now(UTC)
    if not on_behalf and not registration_open(event, now):
        raise Conflict("报名已截止 (registration deadline passed)")
    if not on_behalf and side == "enterprise":
        await _check_eligibility(event, organization)
    problems: dict[str, str] = {}
    row: dict = {"need_ids": [], "representatives": [], "tables": 0}
    if side == "enterprise":
        row["need_ids"] = await _checked_needs(organization, draft.need_ids, problems)
    else:
        row["representatives"] = await _checked_representatives(organization, draft.representatives, problems)
        row["tables"] = _checked_tables(event, draft, problems)
    choices = _checked_availability(event, draft.availability, problems)
    if problems:
        raise InvalidInput(problems)
    async with in_transaction():
        registration = await Registration.get_or_none(event=event, organization=organization)
        if registration is None:
            registration = await Registration.create(
                event=event, organization=organization, registered_by=by, on_behalf=on_behalf,
                status=RegistrationStatus.APPROVED if on_behalf else RegistrationStatus.PENDING,
                decided_at=now if on_behalf else None, **row)
            action = "registration.create"
        else:
            await registration.update_from_dict(row).save()
            if registration.status == RegistrationStatus.REJECTED and not on_behalf:
                # A rejected participant who fixes its registration asks again.
                registration.status, registration.reason = RegistrationStatus.PENDING, ""
                await registration.save(update_fields=["status", "reason"])
            action = "registration.update"
        await Availability.filter(registration=registration).delete()
        for key, choice in choices.items():
            await Availability.create(registration=registration, session=key, attends=choice.attends,
                                      arrive_at=choice.arrive_at, leave_at=choice.leave_at)
        await audit(by, action, registration, organization=organization,
                    after={"event": event.pk, "on_behalf": on_behalf, **row})
    return registration


async def _check_eligibility(event: Event, enterprise: Organization) -> None:
    if event.eligibility == Eligibility.INVITATION and enterprise.uscc not in event.invitation_list:
        raise NotAllowed("本活动仅限受邀企业报名 (by invitation only)")
    if event.eligibility == Eligibility.CHAINS:
        profile = await EnterpriseProfile.get_or_none(organization=enterprise)
        chains = set(profile.industry_chains if profile else [])
        if not chains & set(event.eligible_chains):
            raise NotAllowed(f"本活动仅限以下产业链企业报名：{'、'.join(event.eligible_chains)}")


async def _checked_needs(enterprise: Organization, need_ids: Iterable[int], problems: dict[str, str]) -> list[int]:
    wanted = sorted(set(need_ids))
    if not wanted:
        problems["need_ids"] = "请至少选择一项本次带来的融资需求"
        return []
    found = await FinancingNeed.filter(enterprise=enterprise, id__in=wanted).exclude(
        status__in=[NeedStatus.WITHDRAWN, NeedStatus.GRANTED]).values_list("id", flat=True)
    if len(found) != len(wanted):
        problems["need_ids"] = "所选需求不存在或已撤回"
    return wanted


async def _checked_representatives(institution: Organization, people: Iterable[Representative],
                                   problems: dict[str, str]) -> list[dict]:
    people = [p for p in people if p.name.strip()]
    if not people:
        problems["representatives"] = "请至少填写一位参会代表"
        return []
    product_ids = {pid for person in people for pid in person.product_ids}
    own = set(await Product.filter(organization=institution, id__in=product_ids,
                                   status=PublicationStatus.PUBLISHED).values_list("id", flat=True))
    if product_ids - own:
        problems["representatives"] = "代表负责的产品须是本机构已发布的产品"
    return [{"name": p.name.strip()[:50], "title": p.title.strip()[:50], "product_ids": sorted(p.product_ids)}
            for p in people]


def _checked_tables(event: Event, draft: RegistrationDraft, problems: dict[str, str]) -> int:
    people = len([p for p in draft.representatives if p.name.strip()])
    tables = draft.tables if draft.tables is not None else min(event.tables_per_institution, max(people, 1))
    if tables < 1:
        problems["tables"] = "至少安排一张洽谈桌"
    elif people and tables > people:
        problems["tables"] = f"每张洽谈桌需要一位代表：{people} 位代表最多安排 {people} 张桌"
    return tables


def _checked_availability(event: Event, choices: dict[str, SessionChoice],
                          problems: dict[str, str]) -> dict[str, SessionChoice]:
    sessions = {s.key: s for s in event_sessions(event)}
    unknown = set(choices) - set(sessions)
    if unknown:
        problems["availability"] = "所选场次不属于本活动"
        return {}
    result = {}
    for key, session in sessions.items():
        choice = choices.get(key, SessionChoice())
        arrive, leave = _clock(choice.arrive_at), _clock(choice.leave_at)
        if arrive is False or leave is False:
            problems["availability"] = "到场、离场时间请写成 09:30 的格式"
            return {}
        arrives_outside = arrive and not session.start <= arrive < session.end
        leaves_outside = leave and not session.start < leave <= session.end
        if arrives_outside or leaves_outside:
            problems["availability"] = (f"{session.label}的到场、离场时间须在 {session.start:%H:%M}–"
                                        f"{session.end:%H:%M} 之内")
            return {}
        if arrive and leave and leave <= arrive:
            problems["availability"] = f"{session.label}的离场时间须晚于到场时间"
            return {}
        result[key] = choice
    if not any(choice.attends for choice in result.values()):
        problems["availability"] = "请至少参加一个场次"
    return result


def _clock(text: str) -> time | None | bool:
    """None for empty, False for unreadable, else the time."""
    if not text.strip():
        return None
    return parse_hhmm(text) or False


async def decide(event: Event, registration_ids: Iterable[object], *, approve: bool, reason: str,
                 by: User) -> int:
    """Approve or reject registrations of this event, one or many at once. Rejection needs a
    reason, which the participant sees. Returns how many were changed."""
    reason = reason.strip()
    if not approve and not reason:
        raise InvalidInput({"reason": "驳回报名时请填写原因"})
    ids = []
    for raw in registration_ids:
        try:
            ids.append(int(raw))  # type: ignore[arg-type]
        except (TypeError, ValueError):
            raise NotFound() from None
    if not ids:
        raise InvalidInput({"registration_ids": "请至少勾选一个报名"})
    registrations = await Registration.filter(event=event, id__in=ids).prefetch_related("organization")
    if len(registrations) != len(set(ids)):
        raise NotFound()  # another event's registration: reported like a missing one
    status = RegistrationStatus.APPROVED if approve else RegistrationStatus.REJECTED
    now = datetime.now(UTC)
    async with in_transaction():
        for registration in registrations:
            before = registration.status.value
            registration.status, registration.reason, registration.decided_at = status, reason[:300], now
            await registration.save(update_fields=["status", "reason", "decided_at"])
            await audit(by, f"registration.{status.value}", registration, organization=registration.organization,
                        before={"status": before}, after={"status": status.value, "reason": reason})
            await notify(registration.organization, kind=f"registration.{status.value}", event=event,
                         code="registration.approved" if approve else "registration.rejected",
                         args={"event": event.title, "reason": reason}, link=f"/events/{event.pk}")
    return len(registrations)


async def event_registrations(event: Event) -> list[Registration]:
    return await Registration.filter(event=event).order_by("created_at").prefetch_related("organization")


async def registration_listing(event: Event, *, state: object = "", page: object = 1) -> Listing:
    """The organizer's registration list, one page, filtered by status, with each status's count."""
    return await state_listing(Registration.filter(event=event), states=[s.value for s in RegistrationStatus],
                               state=state, page=page, order_by=("created_at", "id"), prefetch=("organization",),
                               field_name="status")


async def registration_of(event: Event, organization: Organization) -> Registration | None:
    return await Registration.get_or_none(event=event, organization=organization)


async def availability_of(registration: Registration) -> dict[str, Availability]:
    return {row.session: row for row in await Availability.filter(registration=registration)}


async def approved_registration(event: Event, organization_id: int) -> Registration | None:
    return await Registration.get_or_none(event=event, organization_id=organization_id,
                                          status=RegistrationStatus.APPROVED).prefetch_related("organization")


async def bringable_needs(enterprise: Organization) -> list[FinancingNeed]:
    """Needs an enterprise may bring to an event: the ones still open or in talks."""
    return await FinancingNeed.filter(enterprise=enterprise, status__in=[NeedStatus.OPEN, NeedStatus.IN_TALKS]
                                      ).order_by("id")


async def presentable_products(institution: Organization) -> list[Product]:
    return await Product.filter(organization=institution, status=PublicationStatus.PUBLISHED).order_by("id")


async def registrable_organizations() -> list[Organization]:
    """Whom the organizer may register on their behalf: enterprises and institutions."""
    return await Organization.filter(is_organizer=False).exclude(kind=OrganizationKind.GOVERNMENT).order_by(
        "kind", "name")


async def registrable_organization(organization_id: object) -> Organization:
    try:
        key = int(organization_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound() from None
    organization = await Organization.get_or_none(pk=key, is_organizer=False)
    if organization is None or organization.kind == OrganizationKind.GOVERNMENT:
        raise NotFound()
    return organization
