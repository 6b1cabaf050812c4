"""What the enterprise's pages show: the offers it qualifies for, best first, and near misses.

Both use the vectorised path to sort out all offers at once, then the explaining path only
for the pairs shown (reasons are computed lazily).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date

from matchmaker.matching.compiled import CompiledNode, CompiledOffer, Group, Unit
from matchmaker.matching.evaluate import Reason, Verdict
from matchmaker.matching.innovation import InnovationWeights
from matchmaker.matching.model import EnterpriseProfile, FinancingNeed
from matchmaker.matching.outcomes import FAIL
from matchmaker.matching.scoring import FitWeights
from matchmaker.matching.vectorized import MatchIndex


@dataclass(frozen=True)
class NearMiss:
    """An offer the enterprise fails on only a few criteria, with what to improve.

    `to_improve` holds the reasons of the failed criteria and of the failed tests inside them
    (e.g. each alternative of a failed "any"), in tree order.
    """

    offer: str
    failed_criteria: tuple[str, ...]
    to_improve: tuple[Reason, ...]
    verdict: Verdict


def recommend(enterprise: EnterpriseProfile, offers: Sequence[CompiledOffer], as_of: date, *,
              need: FinancingNeed | None = None, limit: int | None = None,
              innovation_weights: InnovationWeights = InnovationWeights(),
              fit_weights: FitWeights = FitWeights()) -> list[Verdict]:
    """Verdicts of the offers `enterprise` (with `need`, or none) is eligible for, best fit first."""
    index = MatchIndex([enterprise], as_of, needs=[need], innovation_weights=innovation_weights)
    matrix = index.evaluate(offers, fit_weights=fit_weights)
    return [matrix.verdict(i, 0) for i in matrix.ranked(0)[:limit]]


def near_misses(enterprise: EnterpriseProfile, offers: Sequence[CompiledOffer], as_of: date, *,
                need: FinancingNeed | None = None, max_failed: int = 2,
                innovation_weights: InnovationWeights = InnovationWeights(),
                fit_weights: FitWeights = FitWeights()) -> list[NearMiss]:
    """Offers failed on 1..`max_failed` criteria (fewest first, then offer order)."""
    index = MatchIndex([enterprise], as_of, needs=[need], innovation_weights=innovation_weights)
    matrix = index.evaluate(offers, fit_weights=fit_weights)
    misses = []
    for position, failed in matrix.near_misses(0, max_failed):
        verdict = matrix.verdict(position, 0)
        offer = matrix.offers[position]
        ids = {node_id for unit in offer.units if unit.id in failed for node_id in _ids_in(unit)}
        to_improve = tuple(r for r in verdict.reasons if r.criterion_id in ids and r.outcome == FAIL)
        misses.append(NearMiss(offer.id, failed, to_improve, verdict))
    return misses


def _ids_in(unit: Unit) -> set[str]:
    ids = {unit.id}

    def walk(node: CompiledNode) -> None:
        ids.add(node.node.id)
        if isinstance(node, Group):
            for child in node.children:
                walk(child)

    if unit.tree is not None:
        walk(unit.tree)
    return ids


__all__ = ["NearMiss", "near_misses", "recommend"]
