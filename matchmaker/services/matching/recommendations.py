"""The enterprise's side: which products fit one of its needs and why, what to improve, which
policies it can apply for, and its 科创积分 with the breakdown."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from matchmaker import matching
from matchmaker.matching.fields import held_qualifications
from matchmaker.matching.model import KIND_FAMILY
from matchmaker.models import EnterpriseProfile, FinancingNeed, NeedStatus, Organization
from matchmaker.services.matching.catalogue import CatalogueCache, OfferCatalogue, load_catalogue
from matchmaker.services.registry.lists import memberships
from matchmaker.services.matching.inputs import enterprise_input, need_input
from matchmaker.services.tenancy import get_scoped, scoped

#: the page shows this many eligible products, best fit first (reasons are computed per product
#: shown, so the page stays fast with thousands of products)
SHOWN_PRODUCTS = 20
SHOWN_NEAR_MISSES = 10


@dataclass(frozen=True)
class OfferMatch:
    """One offer with its verdict; `to_improve` holds the failed reasons of a near miss."""

    offer: matching.Product | matching.Policy
    verdict: matching.Verdict
    to_improve: tuple[matching.Reason, ...] = ()


@dataclass(frozen=True)
class NeedRecommendations:
    need: FinancingNeed
    eligible: list[OfferMatch]
    eligible_total: int
    near_misses: list[OfferMatch]
    policies: list[OfferMatch]
    innovation: matching.InnovationScore
    profile_missing: bool


async def _enterprise_of(organization: Organization) -> matching.EnterpriseProfile:
    profile = await EnterpriseProfile.get_or_none(organization_id=organization.pk)
    return enterprise_input(profile, organization, lists=await _lists_of(organization))


async def _lists_of(organization: Organization) -> dict[str, tuple[date | None, date | None]]:
    """The lists (名单) the enterprise is on, key -> validity."""
    if not organization.uscc:
        return {}
    return (await memberships([organization.uscc])).get(organization.uscc, {})


async def recommendations_for_need(enterprise_org: Organization, need_id: object, *, as_of: date,
                                   cache: CatalogueCache | None = None,
                                   innovation_weights: matching.InnovationWeights = matching.InnovationWeights(),
                                   ) -> NeedRecommendations:
    """Ranked products of the need's kind family the enterprise qualifies for, then the near
    misses (1–2 failed criteria) with what to improve, then the policies it can apply for.
    Another enterprise's need answers NotFound."""
    need = await get_scoped(FinancingNeed, enterprise_org, need_id, via="enterprise")
    profile = await EnterpriseProfile.get_or_none(organization_id=enterprise_org.pk)
    enterprise = enterprise_input(profile, enterprise_org, lists=await _lists_of(enterprise_org))
    catalogue = await load_catalogue(cache)

    async def compute() -> tuple[list[OfferMatch], int, list[OfferMatch], list[OfferMatch]]:
        return _match_need(catalogue, enterprise, need, as_of, innovation_weights)

    # the verdicts change only with the catalogue, the profile, the need, the date or the weights
    key = ("need", need.pk, need.updated_at, profile.updated_at if profile else None, as_of,
           repr(innovation_weights))  # the weights hold a mapping: not hashable, their repr is
    if cache is not None:
        eligible, total, near, policies = await cache.remember(catalogue, key, compute)
    else:
        eligible, total, near, policies = await compute()
    return NeedRecommendations(need, eligible, total, near, policies,
                               matching.innovation_score(enterprise, as_of, innovation_weights), profile is None)


def _match_need(catalogue: OfferCatalogue, enterprise: matching.EnterpriseProfile, need: FinancingNeed, as_of: date,
                innovation_weights: matching.InnovationWeights,
                ) -> tuple[list[OfferMatch], int, list[OfferMatch], list[OfferMatch]]:
    index = matching.MatchIndex([enterprise], as_of, needs=[need_input(need)], innovation_weights=innovation_weights)
    # a product of another family answers another kind of need: not a recommendation for this one
    family = KIND_FAMILY.get(str(need.kind))
    same_family = [offer for offer in catalogue.products if offer.family == family]
    matrix = index.evaluate(same_family)
    ranked = matrix.ranked(0)
    eligible = [OfferMatch(same_family[i].offer, matrix.verdict(i, 0)) for i in ranked[:SHOWN_PRODUCTS]]

    close = [same_family[i] for i, _ in matrix.near_misses(0, max_failed=2)[:SHOWN_NEAR_MISSES]]
    misses = matching.near_misses(enterprise, close, as_of, need=index.needs[0], innovation_weights=innovation_weights)
    by_id = {offer.id: offer.offer for offer in close}
    near = [OfferMatch(by_id[miss.offer], miss.verdict, miss.to_improve) for miss in misses]

    policies = catalogue.policies_valid_on(as_of)
    policy_matrix = index.evaluate(policies)
    fitting_policies = [OfferMatch(policies[i].offer, policy_matrix.verdict(i, 0)) for i in policy_matrix.ranked(0)]
    return eligible, len(ranked), near, fitting_policies


@dataclass(frozen=True)
class NeedSummary:
    need: FinancingNeed
    eligible_products: int


async def needs_with_match_counts(enterprise_org: Organization, *, as_of: date,
                                  cache: CatalogueCache | None = None) -> list[NeedSummary]:
    """The enterprise's needs (open first, newest first) with how many products fit each.
    The counts are kept in the app's cache (the enterprise dashboard opens them on every
    visit): keyed by each need's and the profile's updated_at, the USCC (its lists) and the
    date, against one compiled catalogue (which follows the lists' changes too)."""
    needs = await scoped(FinancingNeed, enterprise_org, via="enterprise").order_by("-created_at")
    needs.sort(key=lambda need: need.status != NeedStatus.OPEN)
    if not needs:
        return []
    catalogue = await load_catalogue(cache)

    async def compute() -> tuple[int, ...]:
        return _fitting_counts(catalogue, await _enterprise_of(enterprise_org), needs, as_of)

    if cache is None:
        counts = await compute()
    else:
        profile_changed = await EnterpriseProfile.filter(organization_id=enterprise_org.pk).values_list(
            "updated_at", flat=True)
        key = ("need counts", enterprise_org.pk, enterprise_org.uscc, tuple((n.pk, n.updated_at) for n in needs),
               tuple(profile_changed), as_of)
        counts = await cache.remember(catalogue, key, compute)
    return [NeedSummary(need, count) for need, count in zip(needs, counts)]


def _fitting_counts(catalogue: OfferCatalogue, enterprise: matching.EnterpriseProfile, needs: list[FinancingNeed],
                    as_of: date) -> tuple[int, ...]:
    """How many products of its kind family each need is eligible for, in the order of `needs`."""
    index = matching.MatchIndex([enterprise] * len(needs), as_of, needs=[need_input(n) for n in needs])
    matrix = index.evaluate(catalogue.products)
    counts = []
    for row, need in enumerate(needs):
        family = KIND_FAMILY.get(str(need.kind))
        counts.append(sum(1 for i, offer in enumerate(catalogue.products)
                          if offer.family == family and matrix.eligible[i, row]))
    return tuple(counts)


@dataclass(frozen=True)
class InnovationReport:
    score: matching.InnovationScore
    weights: matching.InnovationWeights
    held_qualifications: tuple[tuple[str, float], ...]  # (资质, points) held on the date
    profile_missing: bool


async def innovation_report(enterprise_org: Organization, *, as_of: date,
                            weights: matching.InnovationWeights) -> InnovationReport:
    """The enterprise's 科创积分 on `as_of` with each component and the weights behind it."""
    profile = await EnterpriseProfile.get_or_none(organization_id=enterprise_org.pk)
    enterprise = enterprise_input(profile, enterprise_org)
    held = sorted(held_qualifications(enterprise, as_of))
    return InnovationReport(matching.innovation_score(enterprise, as_of, weights), weights,
                            tuple((name, weights.qualification_points.get(name, 0.0)) for name in held),
                            profile is None)
