"""Matching engine (pure): criteria language, eligibility with reasons, fit and innovation scores.

Imports nothing from the rest of matchmaker: plain dataclasses in, verdicts out. The public API
the services layer uses is re-exported here; see docs/formats.md for the JSON formats.
"""

from matchmaker.matching.compiled import CompiledOffer, compile_offer, compile_offers
from matchmaker.matching.criteria import (
    AllOf,
    AnyOf,
    Comparison,
    Computed,
    CriteriaError,
    Node,
    NotOf,
    ProcessStep,
    criteria_to_json,
    parse_criteria,
    validate_criteria,
)
from matchmaker.matching.evaluate import Reason, Subject, Verdict, explain
from matchmaker.matching.expressions import Expr, compile_expr, expr_to_json, parse_expr, render_expr
from matchmaker.matching.fields import Field, FieldRegistry, FieldType, custom_field, default_fields, list_field, need_custom_field
from matchmaker.matching.formats import (
    Catalogue,
    FormatError,
    catalogue_from_json,
    enterprise_from_json,
    need_from_json,
    policy_from_json,
    product_from_json,
)
from matchmaker.matching.innovation import InnovationScore, InnovationWeights, innovation_score
from matchmaker.matching.model import (
    KIND_FAMILY,
    KINDS,
    AmountRule,
    AmountTier,
    EnterpriseProfile,
    FinancingNeed,
    PlatformRule,
    Policy,
    Product,
    Region,
    TermRule,
)
from matchmaker.matching.recommend import NearMiss, near_misses, recommend
from matchmaker.matching.render import OPERATOR_WORDS, render_criterion, render_tree
from matchmaker.matching.scoring import FitBreakdown, FitWeights
from matchmaker.matching.vectorized import EligibilityMatrix, MatchIndex

__all__ = [
    "OPERATOR_WORDS", "KINDS", "KIND_FAMILY",
    "AllOf", "AnyOf", "Comparison", "Computed", "NotOf", "ProcessStep", "Node", "CriteriaError",
    "parse_criteria", "criteria_to_json", "validate_criteria", "render_criterion", "render_tree",
    "Expr", "parse_expr", "expr_to_json", "compile_expr", "render_expr",
    "Field", "FieldRegistry", "FieldType", "custom_field", "default_fields", "list_field", "need_custom_field",
    "EnterpriseProfile", "FinancingNeed", "Region", "Product", "Policy", "PlatformRule",
    "AmountRule", "AmountTier", "TermRule",
    "CompiledOffer", "compile_offer", "compile_offers",
    "Subject", "explain", "Verdict", "Reason",
    "MatchIndex", "EligibilityMatrix", "recommend", "near_misses", "NearMiss",
    "InnovationWeights", "InnovationScore", "innovation_score", "FitWeights", "FitBreakdown",
    "Catalogue", "FormatError", "catalogue_from_json", "enterprise_from_json", "need_from_json",
    "product_from_json", "policy_from_json",
]
