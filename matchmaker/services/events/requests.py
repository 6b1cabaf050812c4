"""Meeting requests at an event: asking, answering, withdrawing, expiring, suggestions, and the
organizer's follow-up lists. Requests never hold slots: the scheduler places accepted ones."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import NamedTuple

from tortoise.expressions import Q
from tortoise.transactions import in_transaction

from matchmaker import matching
from matchmaker.errors import Conflict, InvalidInput, NotAllowed, NotFound
from matchmaker.models import (
    INSTITUTION_KINDS,
    Event,
    EventKind,
    EventStatus,
    FinancingNeed,
    MeetingRequest,
    Organization,
    OrganizationKind,
    Pitch,
    PitchStatus,
    Priority,
    Product,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    RequestState,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.matching import CatalogueCache, fitting_pairs
from matchmaker.services.listing import Listing, state_listing
from matchmaker.services.mailing.notifications import notify
from matchmaker.services.events.registrations import side_of
from matchmaker.services.outcomes.leads import lead_from_request_in_tx
from matchmaker.services.mailing.request_mail import mail_request_answered, mail_request_expired, mail_request_received

#: Requests that still count: against the outgoing cap and as duplicates.
LIVE_STATES = (RequestState.PENDING, RequestState.ACCEPTED)


@dataclass(frozen=True)
class RequestDraft:
    to_organization_id: int
    need_id: int
    product_id: int | None = None
    priority: Priority = Priority.WANT
    message: str = ""
    after_pitch: bool = False


@dataclass(frozen=True)
class Suggestion:
    """A counterpart worth asking: its product that best fits one of the enterprise's needs."""

    organization: Organization
    need: FinancingNeed
    product: Product


def _now() -> datetime:
    return datetime.now(UTC)


async def ask(event: Event, asker: Organization, *, draft: RequestDraft, by: User,
              by_organizer: bool = False) -> MeetingRequest:
    """`asker` asks the other side for a meeting about a need. The organizer may add a request on
    a participant's behalf (`by_organizer`): deadline and cap do not bind it."""
    side = side_of(asker)
    if event.status != EventStatus.OPEN:
        raise Conflict("该活动当前不接受约见申请 (event not open)")
    if not by_organizer and event.request_deadline and _now() > event.request_deadline:
        raise Conflict("约见申请已截止 (request deadline passed)")
    own = await Registration.get_or_none(event=event, organization=asker, status=RegistrationStatus.APPROVED)
    if own is None:
        raise NotAllowed("报名通过审核后才能发起约见 (registration not approved)")
    if event.kind == EventKind.ROADSHOW and not draft.after_pitch:
        raise Conflict("路演活动只接受路演后的跟进约见 (roadshow: follow-up requests only)")
    other = await Registration.get_or_none(event=event, organization_id=draft.to_organization_id,
                                           status=RegistrationStatus.APPROVED).prefetch_related("organization")
    if other is None:
        raise InvalidInput({"to_organization_id": "对方未报名本活动或报名尚未通过审核"})
    counterpart = other.organization
    if side_of(counterpart) == side:
        raise InvalidInput({"to_organization_id": "只能约见对方一侧的参会单位（企业约机构、机构约企业）"})
    enterprise, institution = (asker, counterpart) if side == "enterprise" else (counterpart, asker)
    enterprise_registration = own if side == "enterprise" else other
    problems = await _draft_problems(event, enterprise, institution, enterprise_registration, draft)
    if problems:
        raise InvalidInput(problems)
    if not by_organizer and event.max_outgoing_requests is not None:
        sent = await MeetingRequest.filter(event=event, state__in=LIVE_STATES, added_by_organizer=False,
                                           **{"enterprise" if side == "enterprise" else "institution": asker},
                                           from_enterprise=(side == "enterprise")).count()
        if sent >= event.max_outgoing_requests:
            raise InvalidInput({"to_organization_id": f"已达到本活动的约见上限（{event.max_outgoing_requests} 个）"})
    existing = await MeetingRequest.get_or_none(event=event, enterprise=enterprise, institution=institution,
                                                need_id=draft.need_id)
    if existing is not None and existing.state != RequestState.WITHDRAWN:
        raise InvalidInput({"need_id": "双方已就此需求有约见申请，不能重复申请"})
    row = {"from_enterprise": side == "enterprise", "product_id": draft.product_id, "priority": draft.priority,
           "answer_priority": None, "message": draft.message.strip()[:300], "state": RequestState.PENDING,
           "answer_reason": "", "answered_at": None, "after_pitch": draft.after_pitch,
           "added_by_organizer": by_organizer, "created_by": by}
    async with in_transaction():
        if existing is not None:  # asking again after withdrawing reuses the row (one per pair and need)
            request = await existing.update_from_dict(row)
            await request.save()
        else:
            request = await MeetingRequest.create(event=event, enterprise=enterprise, institution=institution,
                                                  need_id=draft.need_id, **row)
        await audit(by, "request.create", request, organization=asker,
                    after={"to": counterpart.pk, "need": draft.need_id, "priority": draft.priority.value})
        await notify(counterpart, kind="request.received", event=event, link=f"/events/{event.pk}/requests",
                     code="request.received", args={"asker": asker.name, "event": event.title})
        await mail_request_received(request, event, asker=asker, receiver=counterpart)
    return request


async def _draft_problems(event: Event, enterprise: Organization, institution: Organization,
                          enterprise_registration: Registration, draft: RequestDraft) -> dict[str, str]:
    problems: dict[str, str] = {}
    need = await FinancingNeed.get_or_none(pk=draft.need_id, enterprise=enterprise)
    if need is None or draft.need_id not in enterprise_registration.need_ids:
        problems["need_id"] = "请选择企业在本活动报名时带来的融资需求"
    if draft.product_id is not None and not await Product.exists(pk=draft.product_id, organization=institution,
                                                                 status=PublicationStatus.PUBLISHED):
        problems["product_id"] = "所选产品不属于该机构或未发布"
    if draft.after_pitch and not await Pitch.exists(event=event, enterprise=enterprise, status=PitchStatus.SELECTED):
        problems["after_pitch"] = "该企业没有入选本活动的路演，不能申请路演后跟进"
    return problems


async def answer(request: MeetingRequest, receiver: Organization, *, accept: bool, reason: str = "",
                 priority: Priority = Priority.WANT, by: User) -> MeetingRequest:
    """The receiving side accepts (saying how much it wants the meeting) or declines with a reason."""
    await request.fetch_related("event")
    event: Event = request.event
    if receiver.pk != _receiver_id(request):
        raise NotFound()  # the asker (or anyone else) cannot answer: reported like a missing request
    if request.state != RequestState.PENDING:
        raise Conflict("该约见申请已处理，不能再答复 (already answered)")
    if event.answer_deadline and _now() > event.answer_deadline:
        raise Conflict("答复已截止 (answer deadline passed)")
    if not accept and not reason.strip():
        raise InvalidInput({"reason": "婉拒时请填写原因，便于对方了解"})
    state = RequestState.ACCEPTED if accept else RequestState.DECLINED
    async with in_transaction():
        request.state, request.answered_at = state, _now()
        request.answer_reason = reason.strip()[:300]
        request.answer_priority = priority if accept else None
        await request.save(update_fields=["state", "answered_at", "answer_reason", "answer_priority"])
        await audit(by, f"request.{state.value}", request, organization=receiver,
                    after={"state": state.value, "reason": request.answer_reason})
        if accept:  # the first accepted request joining the pair about the need makes the lead
            await lead_from_request_in_tx(request, by=by)
        await notify(_asker_id(request), kind="request.answered", event=event, link=f"/events/{event.pk}/requests",
                     code="request.accepted" if accept else "request.declined",
                     args={"receiver": receiver.name, "event": event.title, "reason": request.answer_reason or ""})
        await mail_request_answered(request, event, receiver=receiver, asker_id=_asker_id(request), accepted=accept)
    return request


async def withdraw(request: MeetingRequest, asker: Organization | None, *, by: User) -> MeetingRequest:
    """The asker (or, with asker=None, the organizer) takes a request back."""
    if asker is not None and asker.pk != _asker_id(request):
        raise NotFound()
    if request.state not in LIVE_STATES:
        raise Conflict("该约见申请已结束，无需撤回 (request no longer live)")
    async with in_transaction():
        request.state = RequestState.WITHDRAWN
        await request.save(update_fields=["state"])
        await audit(by, "request.withdraw", request, after={"by_organizer": asker is None})
    return request


async def expire_requests(now: datetime) -> int:
    """Expire every pending request whose event's answer deadline has passed; both sides are told.
    Returns how many expired. Safe to run again: expired requests are no longer pending."""
    due = await MeetingRequest.filter(state=RequestState.PENDING, event__answer_deadline__lt=now
                                      ).prefetch_related("event", "enterprise", "institution")
    async with in_transaction():
        for request in due:
            request.state = RequestState.EXPIRED
            await request.save(update_fields=["state"])
            await audit(None, "request.expire", request)
            receiver = request.institution if request.from_enterprise else request.enterprise
            asker = request.enterprise if request.from_enterprise else request.institution
            link = f"/events/{request.event.pk}/requests"
            await notify(asker, kind="request.expired", event=request.event, link=link,
                         code="request.expired.asker", args={"event": request.event.title, "receiver": receiver.name})
            await notify(receiver, kind="request.expired", event=request.event, link=link,
                         code="request.expired.receiver", args={"event": request.event.title, "asker": asker.name})
            await mail_request_expired(request, request.event, asker=asker, receiver=receiver, expired_at=now)
    return len(due)


def _asker_id(request: MeetingRequest) -> int:
    return request.enterprise_id if request.from_enterprise else request.institution_id


def _receiver_id(request: MeetingRequest) -> int:
    return request.institution_id if request.from_enterprise else request.enterprise_id


async def participant_request(event: Event, organization: Organization, request_id: object) -> MeetingRequest:
    """A request of this event that `organization` sent or received; anything else answers 404."""
    try:
        key = int(request_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound() from None
    request = await MeetingRequest.get_or_none(pk=key, event=event)
    if request is None or organization.pk not in (request.enterprise_id, request.institution_id):
        raise NotFound()
    return request


async def organizer_request(event: Event, request_id: object) -> MeetingRequest:
    try:
        key = int(request_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound() from None
    request = await MeetingRequest.get_or_none(pk=key, event=event)
    if request is None:
        raise NotFound()
    return request


async def _requests_involving(event: Event, organization: Organization) -> list[MeetingRequest]:
    """Every request of the event `organization` sent or received, newest first: one statement.
    Its own side is the organization itself, not joined again for every row."""
    side = side_of(organization)
    other = "institution" if side == "enterprise" else "enterprise"
    rows = await MeetingRequest.filter(event=event, **{side: organization}).order_by(
        "-created_at").select_related(other, "need", "product")
    for row in rows:
        setattr(row, side, organization)
    return rows


async def requests_of(event: Event, organization: Organization) -> tuple[list[MeetingRequest], list[MeetingRequest]]:
    """(sent, received) requests of one participant at one event, newest first."""
    side = side_of(organization)
    rows = await _requests_involving(event, organization)
    sent = [r for r in rows if r.from_enterprise == (side == "enterprise")]
    received = [r for r in rows if r.from_enterprise != (side == "enterprise")]
    return sent, received


async def suggestions(event: Event, organization: Organization, *, as_of: date,
                      cache: CatalogueCache | None = None,
                      innovation_weights: matching.InnovationWeights = matching.InnovationWeights(),
                      limit: int = 20) -> list[Suggestion]:
    """Counterparts to ask first, judged by the matching engine as on the matching pages: for an
    enterprise, the approved institutions with a published product its registered needs are
    eligible for; for an institution, the approved enterprises whose registered open needs fit
    one of its products. Best fit first, one suggestion per need and counterpart (its best
    product), leaving out pairs already asked (and answered)."""
    choices = await ask_choices(event, organization)
    if choices.own_registration is None:
        return []
    return await _suggest(organization, choices, await _requests_involving(event, organization), as_of=as_of,
                          cache=cache, innovation_weights=innovation_weights, limit=limit)


async def _suggest(organization: Organization, choices: AskChoices, involving: list[MeetingRequest], *,
                   as_of: date, cache: CatalogueCache | None, innovation_weights: matching.InnovationWeights,
                   limit: int) -> list[Suggestion]:
    """The ask form's needs and products are exactly what may be suggested; the requests
    `involving` the viewer settle every pair it is part of (any but a withdrawn one)."""
    side = side_of(organization)
    pairs = await fitting_pairs(choices.needs, choices.products, as_of=as_of, cache=cache,
                                innovation_weights=innovation_weights,
                                viewer=organization if side == "institution" else None)
    asked = {(r.enterprise_id, r.institution_id, r.need_id) for r in involving if r.state != RequestState.WITHDRAWN}
    result: list[Suggestion] = []
    seen: set[tuple[int, int]] = set()
    for pair in pairs:
        need, product = pair.need, pair.product
        key = (need.id, product.organization_id)
        if key in seen or (need.enterprise_id, product.organization_id, need.id) in asked:
            continue
        seen.add(key)
        counterpart = product.organization if side == "enterprise" else need.enterprise
        result.append(Suggestion(counterpart, need, product))
        if len(result) == limit:
            break
    return result


@dataclass(frozen=True)
class RequestsPage:
    """Everything a participant's requests page shows, in a fixed number of statements."""

    choices: AskChoices
    sent: list[MeetingRequest]
    received: list[MeetingRequest]
    suggestions: list[Suggestion]


async def requests_page(event: Event, organization: Organization, *, as_of: date,
                        cache: CatalogueCache | None = None,
                        innovation_weights: matching.InnovationWeights = matching.InnovationWeights(),
                        limit: int = 20) -> RequestsPage:
    """The ask form, the sent and received requests and the suggestions, each row loaded once.
    Without an approved registration only `choices.own_registration is None` is meaningful."""
    choices = await ask_choices(event, organization)
    if choices.own_registration is None:
        return RequestsPage(choices, [], [], [])
    involving = await _requests_involving(event, organization)
    from_me = side_of(organization) == "enterprise"
    return RequestsPage(choices, [r for r in involving if r.from_enterprise == from_me],
                        [r for r in involving if r.from_enterprise != from_me],
                        await _suggest(organization, choices, involving, as_of=as_of, cache=cache,
                                       innovation_weights=innovation_weights, limit=limit))


class _Asked(NamedTuple):
    enterprise_id: int
    institution_id: int
    from_enterprise: bool
    state: RequestState

    @property
    def asker(self) -> int:
        return self.enterprise_id if self.from_enterprise else self.institution_id

    @property
    def receiver(self) -> int:
        return self.institution_id if self.from_enterprise else self.enterprise_id


@dataclass(frozen=True)
class FollowUp:
    """What the organizer chases: who asked nobody, who was asked by nobody, and the 督办 list of
    institutions sitting on unanswered requests (with how many)."""

    asked_nobody: list[Organization]
    asked_by_nobody: list[Organization]
    unanswered: list[tuple[Organization, int]]
    counts: dict[str, int]


async def organizer_follow_up(event: Event) -> FollowUp:
    approved = await Registration.filter(event=event, status=RegistrationStatus.APPROVED).prefetch_related(
        "organization")
    # Who asked whom in what state is all it reads of the requests: plain values, not models.
    requests = [_Asked(*row) for row in await MeetingRequest.filter(event=event).exclude(
        state=RequestState.WITHDRAWN).values_list("enterprise_id", "institution_id", "from_enterprise", "state")]
    askers = {r.asker for r in requests}
    receivers = {r.receiver for r in requests}
    pending_by_receiver = Counter(r.receiver for r in requests if r.state == RequestState.PENDING)
    organizations = {r.organization_id: r.organization for r in approved}
    unanswered = sorted(((organizations[oid], n) for oid, n in pending_by_receiver.items()
                         if oid in organizations and side_of(organizations[oid]) == "institution"),
                        key=lambda pair: -pair[1])
    return FollowUp(
        asked_nobody=[r.organization for r in approved if r.organization_id not in askers],
        asked_by_nobody=[r.organization for r in approved if r.organization_id not in receivers],
        unanswered=unanswered,
        counts=dict(Counter(RequestState(r.state).value for r in requests)),
    )


async def event_requests(event: Event) -> list[MeetingRequest]:
    return await MeetingRequest.filter(event=event).order_by("-created_at").prefetch_related(
        "enterprise", "institution", "need")


async def request_listing(event: Event, *, state: object = "", page: object = 1) -> Listing:
    """The organizer's request list, one page, filtered by state, with each state's count."""
    return await state_listing(MeetingRequest.filter(event=event), states=[s.value for s in RequestState],
                               state=state, page=page, order_by=("-created_at", "-id"),
                               prefetch=("enterprise", "institution", "need"))


@dataclass(frozen=True)
class AskChoices:
    """What a participant's ask form offers: the other side's approved participants, the needs
    that may be discussed and the products that may be named."""

    own_registration: Registration | None
    counterparts: list[Organization]
    needs: list[FinancingNeed]
    products: list[Product]


async def ask_choices(event: Event, organization: Organization) -> AskChoices:
    """Three statements whatever the number of participants: the viewer's own approved
    registration with the other side's (organizations joined), their needs, their products."""
    side = side_of(organization)
    other_kinds = [OrganizationKind.ENTERPRISE] if side == "institution" else list(INSTITUTION_KINDS)
    approved = await Registration.filter(Q(organization_id=organization.pk) | Q(organization__kind__in=other_kinds),
                                         event=event, status=RegistrationStatus.APPROVED).order_by(
                                             "id").select_related("organization")
    own = next((r for r in approved if r.organization_id == organization.pk), None)
    if own is None:
        return AskChoices(None, [], [], [])
    others = [r for r in approved if r.organization_id != organization.pk]
    by_id = {r.organization_id: r.organization for r in others}
    if side == "enterprise":
        needs = await FinancingNeed.filter(id__in=own.need_ids, enterprise_id=organization.pk).order_by("id")
        products = await Product.filter(organization_id__in=list(by_id), status=PublicationStatus.PUBLISHED
                                        ).order_by("id")
        for need in needs:
            need.enterprise = organization
        for product in products:
            product.organization = by_id[product.organization_id]
    else:
        needs = await FinancingNeed.filter(id__in=[n for r in others for n in r.need_ids]).order_by("id")
        needs = [need for need in needs if need.enterprise_id in by_id]
        for need in needs:
            need.enterprise = by_id[need.enterprise_id]
        products = await Product.filter(organization=organization, status=PublicationStatus.PUBLISHED).order_by("id")
        for product in products:
            product.organization = organization
    return AskChoices(own, [r.organization for r in others], needs, products)


async def organizer_choices(event: Event) -> tuple[list[Organization], list[Organization], list[FinancingNeed]]:
    """(enterprises, institutions, needs) of the approved participants, for the organizer's add form."""
    approved = await Registration.filter(event=event, status=RegistrationStatus.APPROVED).prefetch_related(
        "organization")
    needs = await FinancingNeed.filter(id__in=[n for r in approved for n in r.need_ids]).order_by(
        "id").prefetch_related("enterprise")
    return ([r.organization for r in approved if side_of(r.organization) == "enterprise"],
            [r.organization for r in approved if side_of(r.organization) == "institution"], needs)


async def enterprise_of_need(need_id: int) -> int | None:
    """Institutions ask about a need: the need names the enterprise they ask."""
    need = await FinancingNeed.get_or_none(pk=need_id)
    return need.enterprise_id if need else None


async def add_for_enterprise(event: Event, *, draft: RequestDraft, by: User) -> MeetingRequest:
    """The organizer adds a request as if the need's enterprise had asked the institution."""
    need = await FinancingNeed.get_or_none(pk=draft.need_id).prefetch_related("enterprise")
    if need is None:
        raise InvalidInput({"need_id": "请选择企业及需求"})
    return await ask(event, need.enterprise, draft=draft, by=by, by_organizer=True)
