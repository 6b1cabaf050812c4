"""抢单: an institution claims a fitting open need, the enterprise answers before a deadline,
and the organizer watches the deadlines. Every write is one transaction with its audit row
and the inbox message (services.notifications.notify) to the other side."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from matchmaker import matching
from matchmaker.errors import Conflict, NotAllowed, NotFound
from matchmaker.matching.model import KIND_FAMILY
from matchmaker.models import (
    ClaimState,
    EnterpriseProfile,
    FinancingNeed,
    NeedClaim,
    Organization,
    Product,
    PublicationStatus,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.matching.catalogue import CatalogueCache, load_catalogue
from matchmaker.services.registry.lists import memberships
from matchmaker.services.matching.inputs import enterprise_input, need_input, product_input
from matchmaker.services.matching.institution import SEEKING
from matchmaker.services.mailing.notifications import notify
from matchmaker.services.outcomes.leads import lead_from_claim_in_tx
from matchmaker.services.tenancy import get_scoped

_SHANGHAI = ZoneInfo("Asia/Shanghai")  # deadlines in notices read in local time, as on every page


def effective_state(claim: NeedClaim, now: datetime) -> ClaimState:
    """An open claim past its deadline reads as expired (pages never write on GET)."""
    if claim.state == ClaimState.OPEN and claim.response_deadline < now:
        return ClaimState.EXPIRED
    return ClaimState(claim.state)


async def claim_need(institution_org: Organization, *, product_id: object, need_id: object, by: User,
                     as_of: date, now: datetime, response_days: int,
                     cache: CatalogueCache | None = None) -> NeedClaim:
    """Claim a need still seeking money (open or in talks) for one of the institution's published products. The need must fit
    the product (eligible, same kind family) on `as_of`; a product claims a need once."""
    product = await get_scoped(Product, institution_org, product_id)
    if product.status != PublicationStatus.PUBLISHED:
        raise NotAllowed("产品发布后才能抢单")
    try:
        # The needs an institution is shown (still seeking money: open or in talks) are the ones it may claim.
        need = await FinancingNeed.get_or_none(pk=int(need_id), status__in=SEEKING).prefetch_related("enterprise")
    except (TypeError, ValueError):
        need = None
    if need is None:
        raise NotFound()
    catalogue = await load_catalogue(cache)
    offer = catalogue.compile(product_input(product, institution_org.name))
    profile = await EnterpriseProfile.get_or_none(organization_id=need.enterprise_id)
    lists = (await memberships([need.enterprise.uscc])).get(need.enterprise.uscc) if need.enterprise.uscc else None
    subject = matching.Subject(enterprise_input(profile, need.enterprise, lists=lists), need_input(need), as_of)
    verdict = matching.explain(subject, offer)
    if not verdict.eligible or KIND_FAMILY.get(str(need.kind)) != offer.family:
        raise NotAllowed("该需求不符合本产品的准入条件，不能抢单")
    if await NeedClaim.exists(institution_id=institution_org.pk, need_id=need.pk, product_id=product.pk):
        raise Conflict("已用本产品认领过该需求")
    deadline = now + timedelta(days=response_days)
    async with in_transaction():
        claim = await NeedClaim.create(institution=institution_org, need=need, product=product, claimed_by=by,
                                       response_deadline=deadline)
        await notify(
            need.enterprise_id, kind="need.claimed", code="need.claimed",
            args={"institution": institution_org.name, "product": product.name, "need": need.title,
                  "deadline": f"{deadline.astimezone(_SHANGHAI):%Y-%m-%d %H:%M}"},
            link="/enterprise/matches#claims")
        await audit(by, "need.claim", claim, organization=institution_org,
                    after={"need": need.pk, "product": product.pk, "deadline": deadline.isoformat()})
    return claim


async def answer_claim(enterprise_org: Organization, claim_id: object, *, accept: bool, by: User,
                       now: datetime) -> NeedClaim:
    """The enterprise accepts or declines a claim on one of its needs, before the deadline."""
    try:
        claim = await NeedClaim.get_or_none(pk=int(claim_id), need__enterprise_id=enterprise_org.pk).prefetch_related(
            "need", "product", "institution")
    except (TypeError, ValueError):
        claim = None
    if claim is None:
        raise NotFound()
    if effective_state(claim, now) != ClaimState.OPEN:
        raise Conflict("该认领已回复或已过回复期限")
    async with in_transaction():
        claim.state, claim.accepted, claim.answered_at = ClaimState.ANSWERED, accept, now
        await claim.save(update_fields=["state", "accepted", "answered_at"])
        await notify(
            claim.institution_id, kind="need.claim.answered",
            code="need.claim.accepted" if accept else "need.claim.declined",
            args={"enterprise": enterprise_org.name, "product": claim.product.name, "need": claim.need.title},
            link=f"/institution/products/{claim.product_id}/matches")
        await audit(by, "need.claim.answer", claim, organization=enterprise_org, after={"accepted": accept})
        if accept:  # an accepted claim joins the two sides on a lead
            await lead_from_claim_in_tx(claim, enterprise_id=enterprise_org.pk, by=by)
    return claim


@dataclass(frozen=True)
class ClaimRow:
    claim: NeedClaim
    state: ClaimState


async def claims_of_enterprise(enterprise_org: Organization, *, now: datetime) -> list[ClaimRow]:
    claims = await NeedClaim.filter(need__enterprise_id=enterprise_org.pk).prefetch_related(
        "need", "product", "institution").order_by("-claimed_at")
    return [ClaimRow(c, effective_state(c, now)) for c in claims]


async def all_claims(*, now: datetime, limit: int = 200) -> list[ClaimRow]:
    """For the organizer: every claim, open ones with the nearest deadline first."""
    claims = await NeedClaim.all().prefetch_related("need__enterprise", "product", "institution").order_by(
        "response_deadline").limit(limit)
    rows = [ClaimRow(c, effective_state(c, now)) for c in claims]
    order = {ClaimState.OPEN: 0, ClaimState.EXPIRED: 1, ClaimState.ANSWERED: 2}
    return sorted(rows, key=lambda row: order[row.state])
