"""The organizer's match overview: open needs × published products by industry chain and kind,
and the gaps — needs no product serves — each with the closest product and why it fails."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

import numpy as np

from matchmaker import matching
from matchmaker.matching.model import KIND_FAMILY, KINDS
from matchmaker.matching.outcomes import FAIL
from matchmaker.models import FinancingNeed
from matchmaker.services.matching.catalogue import CatalogueCache, load_catalogue
from matchmaker.services.matching.institution import (
    _open_needs_with_profiles,
    memberships_of_needs,
    open_needs_index,
)

NO_CHAIN = "未标注产业链"


@dataclass(frozen=True)
class OverviewCell:
    chain: str
    kind: str
    kind_label: str
    open_needs: int
    served_needs: int  # needs with at least one fitting product
    fitting_pairs: int  # need × product pairs that fit


@dataclass(frozen=True)
class Gap:
    """A need no product serves; `closest` is the product it fails on fewest criteria."""

    need: FinancingNeed
    enterprise_name: str
    chains: tuple[str, ...]
    closest: matching.Product | None
    failed_reasons: tuple[matching.Reason, ...]


@dataclass(frozen=True)
class MatchOverview:
    cells: list[OverviewCell]
    gaps: list[Gap]
    open_needs: int
    published_products: int


async def match_overview(*, as_of: date, cache: CatalogueCache | None = None) -> MatchOverview:
    catalogue = await load_catalogue(cache)
    needs, profiles = await _open_needs_with_profiles()
    if not needs:
        return MatchOverview([], [], 0, len(catalogue.products))
    index = open_needs_index(needs, profiles, as_of, matching.InnovationWeights(),
                             lists=memberships_of_needs(needs, catalogue))
    matrix = index.evaluate(catalogue.products)
    # fitting = eligible AND the product's kind family answers the need's kind
    row_family = np.array([KIND_FAMILY.get(str(n.kind), "") for n in needs])
    offer_family = np.array([offer.family or "" for offer in catalogue.products])
    fitting = matrix.eligible & (offer_family[:, None] == row_family[None, :])
    per_need = fitting.sum(axis=0)

    cells: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0, 0])
    gaps = []
    for row, need in enumerate(needs):
        profile = profiles[need.enterprise_id]
        chains = tuple(profile.industry_chains or ()) if profile else ()
        for chain in chains or (NO_CHAIN,):
            cell = cells[chain, str(need.kind)]
            cell[0] += 1
            cell[1] += int(per_need[row] > 0)
            cell[2] += int(per_need[row])
        if per_need[row] == 0:
            gaps.append(_gap(matrix, row, need, chains, offer_family == row_family[row]))
    ordered = [OverviewCell(chain, kind, KINDS.get(kind, kind), *counts)
               for (chain, kind), counts in sorted(cells.items(), key=lambda item: (item[0][0] == NO_CHAIN, item[0]))]
    return MatchOverview(ordered, gaps, len(needs), len(catalogue.products))


def _gap(matrix: matching.EligibilityMatrix, row: int, need: FinancingNeed, chains: tuple[str, ...],
         same_family: np.ndarray) -> Gap:
    candidates = np.flatnonzero(same_family)
    if candidates.size == 0:
        return Gap(need, need.enterprise.name, chains, None, ())
    failed = matrix.failed_count()[candidates, row]
    closest = int(candidates[np.argmin(failed)])
    verdict = matrix.verdict(closest, row)
    top_level = set(verdict.failed_criteria)
    reasons = tuple(r for r in verdict.reasons if r.outcome == FAIL and r.criterion_id in top_level)
    return Gap(need, need.enterprise.name, chains, matrix.offers[closest].offer, reasons)  # type: ignore[arg-type]
