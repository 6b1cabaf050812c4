"""The institution's side: the open needs that fit one of its products, ranked, each with why,
shown only as far as the enterprise consented (decided by services/consent.py)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import numpy as np

from matchmaker import matching
from matchmaker.models import (
    EnterpriseProfile,
    FinancingNeed,
    NeedClaim,
    NeedStatus,
    Organization,
    Product,
    PublicationStatus,
)
from matchmaker.services.accounts.consent import Visibility, visibility_for
from matchmaker.services.matching.catalogue import CatalogueCache, OfferCatalogue, load_catalogue
from matchmaker.services.matching.inputs import enterprise_input, need_input, product_input
from matchmaker.services.matching.redaction import amount_reads_financials, redact_financials
from matchmaker.services.tenancy import get_scoped, scoped


@dataclass(frozen=True)
class Contact:
    name: str
    phone: str
    email: str


@dataclass(frozen=True)
class Financials:
    revenue: int | None
    total_assets: int | None
    existing_debt: int | None
    valuation: int | None


@dataclass(frozen=True)
class NeedMatch:
    """A fitting open need as the institution may see it. `contact`/`financials` are None
    without the enterprise's consent."""

    need: FinancingNeed
    enterprise_name: str
    industry_chains: tuple[str, ...]
    verdict: matching.Verdict
    contact: Contact | None
    financials: Financials | None
    claim: NeedClaim | None
    priority_lists: tuple[str, ...] = ()  # valid priority lists (红名单) it is on: why it ranks first


@dataclass(frozen=True)
class ProductMatches:
    product: Product
    offer: matching.Product
    needs: list[NeedMatch]


async def profiles_of_needs(needs: list[FinancingNeed]) -> dict[int, EnterpriseProfile | None]:
    """Enterprise id -> its profile (None when it has not filled one in), for the needs given."""
    profiles = {p.organization_id: p for p in await EnterpriseProfile.filter(
        organization_id__in={n.enterprise_id for n in needs})}
    return {n.enterprise_id: profiles.get(n.enterprise_id) for n in needs}


#: Needs still looking for money: a need in talks with one lender (its leads are open) may take
#: another's offer until a disbursement grants it, and a claimed need stays on the claimant's page.
SEEKING = (NeedStatus.OPEN, NeedStatus.IN_TALKS)


async def _open_needs_with_profiles() -> tuple[list[FinancingNeed], dict[int, EnterpriseProfile | None]]:
    needs = await FinancingNeed.filter(status__in=SEEKING).prefetch_related("enterprise").order_by("id")
    return needs, await profiles_of_needs(needs)


def memberships_of_needs(needs: list[FinancingNeed],
                         catalogue: OfferCatalogue) -> dict[str, dict[str, tuple[date | None, date | None]]]:
    """USCC -> the lists (名单) each needing enterprise is on (needs come with their enterprise),
    as read with the catalogue."""
    return catalogue.memberships(n.enterprise.uscc for n in needs if n.enterprise.uscc)


def open_needs_index(needs: list[FinancingNeed], profiles: dict[int, EnterpriseProfile | None], as_of: date,
                     weights: matching.InnovationWeights, *,
                     lists: dict[str, dict[str, tuple[date | None, date | None]]] | None = None) -> matching.MatchIndex:
    """One row per open need (the enterprise repeated per need); `lists` from memberships_of_needs."""
    lists = lists or {}
    enterprises = {org_id: enterprise_input(profiles[org_id], need.enterprise,
                                            lists=lists.get(need.enterprise.uscc or ""))
                   for need in needs for org_id in [need.enterprise_id]}
    return matching.MatchIndex([enterprises[n.enterprise_id] for n in needs], as_of,
                               needs=[need_input(n) for n in needs], innovation_weights=weights)


def _compiled(product: Product, provider: str, catalogue: OfferCatalogue) -> matching.CompiledOffer:
    published = {offer.id: offer for offer in catalogue.products}
    return published.get(str(product.pk)) or catalogue.compile(product_input(product, provider))


def fitting_rows(matrix: matching.EligibilityMatrix, index: matching.MatchIndex, offer: int) -> list[int]:
    """Rows eligible for the offer whose need is of its kind family: needs of exactly the
    product's kind first, then best fit first."""
    kind = index.need_applies(matrix.offers[offer].family)
    rows = np.flatnonzero(matrix.eligible[offer] & kind)
    product_kind = getattr(matrix.offers[offer].offer, "kind", None)
    other_kind = np.array([index.needs[r] is not None and index.needs[r].kind != product_kind for r in rows], bool)
    return rows[np.lexsort((-matrix.score[offer, rows], other_kind))].tolist()


async def matching_needs_for_product(institution_org: Organization, product_id: object, *, as_of: date,
                                     cache: CatalogueCache | None = None,
                                     innovation_weights: matching.InnovationWeights = matching.InnovationWeights(),
                                     ) -> ProductMatches:
    """Open needs that fit the institution's product, ranked by fit, with consent respected.
    Another institution's product answers NotFound."""
    product = await get_scoped(Product, institution_org, product_id)
    catalogue = await load_catalogue(cache)
    compiled = _compiled(product, institution_org.name, catalogue)
    needs, profiles = await _open_needs_with_profiles()
    if not needs:
        return ProductMatches(product, compiled.offer, [])  # type: ignore[arg-type]
    index = open_needs_index(needs, profiles, as_of, innovation_weights, lists=memberships_of_needs(needs, catalogue))
    matrix = index.evaluate([compiled])
    rows = fitting_rows(matrix, index, 0)
    # 守信红名单 / 重点支持名单 set to priority: their members come first, by fit within each group
    priority = catalogue.priority_lists({needs[r].enterprise.uscc for r in rows}, as_of)
    rows.sort(key=lambda r: not priority.get(needs[r].enterprise.uscc or ""))
    visible = await visibility_for(institution_org, [needs[r].enterprise_id for r in rows])
    rows = consented_order(rows, needs, visible, compiled, published=product.status == PublicationStatus.PUBLISHED)
    claims = {c.need_id: c for c in await NeedClaim.filter(institution_id=institution_org.pk, product_id=product.pk)}
    matches = []
    for row in rows:
        need = needs[row]
        profile = profiles[need.enterprise_id]
        may: Visibility = visible[need.enterprise_id]
        verdict = matrix.verdict(0, row)
        matches.append(NeedMatch(
            need=need, enterprise_name=need.enterprise.name,
            industry_chains=tuple(profile.industry_chains or ()) if profile else (),
            verdict=verdict if may.financials else redact_financials(verdict, compiled),
            contact=Contact(profile.contact_name, profile.contact_phone, profile.contact_email)
            if may.contact and profile else None,
            financials=Financials(profile.revenue, profile.total_assets, profile.existing_debt, profile.valuation)
            if may.financials and profile else None,
            claim=claims.get(need.pk),
            priority_lists=tuple(priority.get(need.enterprise.uscc or "", ())),
        ))
    return ProductMatches(product, compiled.offer, matches)  # type: ignore[arg-type]


async def fitting_need_count(institution_org: Organization, product_id: object, *, as_of: date,
                             cache: CatalogueCache | None = None,
                             innovation_weights: matching.InnovationWeights = matching.InnovationWeights(),
                             ) -> tuple[int, int]:
    """(registered needs still seeking money that fit the product, the needs it was judged on):
    the warning on saving a product that fits none (a region typed wrong, a threshold too high).
    a draft is judged only on the needs of enterprises that consented to show their financials, as
    on the matching page (consented_order), so saving drafts cannot probe anyone's figures.
    Another institution's product: NotFound."""
    product = await get_scoped(Product, institution_org, product_id)
    catalogue = await load_catalogue(cache)
    compiled = _compiled(product, institution_org.name, catalogue)
    needs, profiles = await _open_needs_with_profiles()
    if not needs:
        return 0, 0
    if product.status != PublicationStatus.PUBLISHED:
        visible = await visibility_for(institution_org, [need.enterprise_id for need in needs])
        needs = [need for need in needs if visible[need.enterprise_id].financials]
        if not needs:
            return 0, 0
    index = open_needs_index(needs, profiles, as_of, innovation_weights)
    return len(fitting_rows(index.evaluate([compiled]), index, 0)), len(needs)


def consented_order(rows: list[int], needs: list[FinancingNeed], visible: dict[int, Visibility],
                    offer: matching.CompiledOffer, *, published: bool) -> list[int]:
    """The fitting rows an institution may see, in an order that tells nothing withheld
    (services/matching/redaction.py): a draft fits only enterprises that consented to show their
    financials; when the amount (so the score) reads a financial figure, the rows without
    consent follow the ranked ones in need order."""
    if not published:
        rows = [r for r in rows if visible[needs[r].enterprise_id].financials]
    if not amount_reads_financials(offer):
        return rows
    ranked = [r for r in rows if visible[needs[r].enterprise_id].financials]
    return ranked + sorted((r for r in rows if not visible[needs[r].enterprise_id].financials),
                           key=lambda r: needs[r].pk)


@dataclass(frozen=True)
class ProductSummary:
    product: Product
    fitting_needs: int


async def products_with_match_counts(institution_org: Organization, *, as_of: date,
                                     cache: CatalogueCache | None = None) -> list[ProductSummary]:
    """The institution's products (published first) with how many open needs fit each."""
    products = await scoped(Product, institution_org).order_by("id")
    products.sort(key=lambda p: p.status != PublicationStatus.PUBLISHED)
    if not products:
        return []
    catalogue = await load_catalogue(cache)
    needs, profiles = await _open_needs_with_profiles()
    if not needs:
        return [ProductSummary(p, 0) for p in products]
    compiled = []
    for product in products:
        try:
            compiled.append(_compiled(product, institution_org.name, catalogue))
        except (matching.CriteriaError, matching.FormatError):
            compiled.append(None)
    index = open_needs_index(needs, profiles, as_of, matching.InnovationWeights(),
                             lists=memberships_of_needs(needs, catalogue))
    usable = [c for c in compiled if c is not None]
    matrix = index.evaluate(usable)
    visible = await visibility_for(institution_org, {n.enterprise_id for n in needs})
    status = {str(p.pk): p.status for p in products}
    counts = {offer.id: len(consented_order(fitting_rows(matrix, index, i), needs, visible, offer,
                                            published=status[offer.id] == PublicationStatus.PUBLISHED))
              for i, offer in enumerate(usable)}
    return [ProductSummary(p, counts.get(str(p.pk), 0)) for p in products]

