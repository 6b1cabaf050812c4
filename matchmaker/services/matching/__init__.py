"""Matching use cases: the only place that feeds ORM rows to the pure engine (matchmaker.matching).

- inputs:           rows -> engine dataclasses
- catalogue:        published offers compiled once, cached between requests
- recommendations:  the enterprise's side (products per need, near misses, policies, 科创积分)
- institution:      the institution's side (open needs per product, consent respected)
- redaction:        verdicts without the financial figures an institution may not see
                    (who may see what: services/consent.py)
- claims:           抢单, answers, deadlines (the other side is told through its inbox)
- overview:         the organizer's needs × products overview and gaps
- pairs:            which of given needs fit which of given products (event suggestions)
"""

from matchmaker.services.matching.catalogue import CatalogueCache, OfferCatalogue, build_catalogue, load_catalogue
from matchmaker.services.matching.claims import (
    all_claims,
    answer_claim,
    claim_need,
    claims_of_enterprise,
    effective_state,
)
from matchmaker.services.matching.inputs import (
    enterprise_input,
    field_registry,
    need_input,
    platform_rule_input,
    policy_input,
    product_input,
)
from matchmaker.services.matching.institution import (
    fitting_need_count,
    matching_needs_for_product,
    products_with_match_counts,
)
from matchmaker.services.matching.overview import match_overview
from matchmaker.services.matching.pairs import FittingPair, fitting_pairs
from matchmaker.services.matching.recommendations import (
    innovation_report,
    needs_with_match_counts,
    recommendations_for_need,
)

__all__ = [
    "CatalogueCache", "OfferCatalogue", "build_catalogue", "load_catalogue",
    "all_claims", "answer_claim", "claim_need", "claims_of_enterprise", "effective_state",
    "enterprise_input", "field_registry", "need_input", "platform_rule_input", "policy_input", "product_input",
    "fitting_need_count", "matching_needs_for_product", "products_with_match_counts", "match_overview",
    "FittingPair", "fitting_pairs",
    "innovation_report", "needs_with_match_counts", "recommendations_for_need",
]
