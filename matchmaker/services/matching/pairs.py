"""Which of some needs fit which of some products, as the matching pages judge it: the product
is published (so in the compiled catalogue, platform rules included), the need is open and of
the product's kind family, and the enterprise meets every criterion. Pairs come best fit first.
Meeting-request suggestions at an event are built on this (services/requests.py)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass
from datetime import date

from matchmaker import matching
from matchmaker.models import FinancingNeed, NeedStatus, Organization, Product
from matchmaker.services.accounts.consent import visibility_for
from matchmaker.services.matching.catalogue import CatalogueCache, load_catalogue
from matchmaker.services.matching.institution import (
    fitting_rows,
    memberships_of_needs,
    open_needs_index,
    profiles_of_needs,
)
from matchmaker.services.matching.redaction import amount_reads_financials


@dataclass(frozen=True)
class FittingPair:
    need: FinancingNeed
    product: Product
    score: float | None  # the engine's fit score: higher is a better fit; None when withheld


async def fitting_pairs(needs: list[FinancingNeed], products: list[Product], *, as_of: date,
                        cache: CatalogueCache | None = None,
                        innovation_weights: matching.InnovationWeights = matching.InnovationWeights(),
                        viewer: Organization | None = None) -> list[FittingPair]:
    """Every eligible (need, product) pair, best fit first (equal scores in product, then need
    order). `needs` come with their enterprise fetched. A product left out of the catalogue (a
    draft, or criteria that no longer compile) fits nothing.

    With a `viewer`, the order tells it nothing it may not see (services/matching/redaction.py):
    a pair whose score depends on financial figures the viewer may not see has no score and
    follows the ranked pairs in need, then product order."""
    open_needs = [need for need in needs if need.status == NeedStatus.OPEN]
    catalogue = await load_catalogue(cache)
    published = {offer.id: offer for offer in catalogue.products}
    offered = [product for product in products if str(product.pk) in published]
    if not open_needs or not offered:
        return []
    profiles = await profiles_of_needs(open_needs)
    lists = memberships_of_needs(open_needs, catalogue)
    visible = (await visibility_for(viewer, {n.enterprise_id for n in open_needs})) if viewer is not None else None

    def evaluate() -> list[FittingPair]:  # CPU-bound: run in a worker thread, never on the event loop
        index = open_needs_index(open_needs, profiles, as_of, innovation_weights, lists=lists)
        matrix = index.evaluate([published[str(product.pk)] for product in offered])
        hides_score = [amount_reads_financials(published[str(product.pk)]) for product in offered]
        found = []
        for offer, product in enumerate(offered):
            for row in fitting_rows(matrix, index, offer):
                need = open_needs[row]
                withheld = visible is not None and hides_score[offer] and not visible[need.enterprise_id].financials
                found.append(FittingPair(need, product, None if withheld else float(matrix.score[offer, row])))
        return found

    pairs = await asyncio.to_thread(evaluate)
    ranked = sorted((p for p in pairs if p.score is not None), key=lambda pair: -pair.score)  # type: ignore[operator]
    return ranked + sorted((p for p in pairs if p.score is None), key=lambda p: (p.need.pk, p.product.pk))
