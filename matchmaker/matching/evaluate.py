"""The explaining path: one enterprise (and need) against one offer, with every reason.

This is the reference semantics; `vectorized.MatchIndex` computes the same verdicts for many
pairs at once and must agree with it (tests/matching/test_agreement.py).

A comparison fails when the value is missing (未填写) and says so. A comparison on a need field
is not evaluated (outcome unknown, shown as a caveat) when there is no need or the need's kind
family differs from the offer's. Process criteria are never evaluated: caveats.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

import numpy as np

from matchmaker.matching import outcomes, scoring
from matchmaker.matching.amounts import amount_for_pair, term_for_pair
from matchmaker.matching.compiled import Caveat, CompiledNode, CompiledOffer, ExprTest, Test, Unit
from matchmaker.matching.expressions import ZERO, evaluate_scalar
from matchmaker.matching.criteria import AllOf, AnyOf
from matchmaker.matching.fields import INNOVATION_SCORE, Field, FieldType
from matchmaker.matching.innovation import InnovationScore, InnovationWeights, innovation_score
from matchmaker.matching.model import KIND_FAMILY, KINDS, EnterpriseProfile, FinancingNeed
from matchmaker.matching.outcomes import FAIL, PASS, UNKNOWN
from matchmaker.matching.phrases import KINDS_EN, Phrasebook, say
from matchmaker.matching.regions import served_depth
from matchmaker.matching.render import (
    FAIL_MARK,
    PASS_MARK,
    comparison_reason,
    computed_phrase,
    computed_reason,
    phrase,
)
from matchmaker.matching.scoring import FitBreakdown, FitWeights


@dataclass(frozen=True)
class Reason:
    """Why one criterion passed, failed or was not judged.

    `source`: product (the offer's criteria), platform (an organizer rule), region, amount.
    `policy_text` is the sentence of the policy the criterion comes from. `text` is Chinese and
    a `Said` (phrases.py): a page writes it in its reader's language with `in_language`.
    """

    criterion_id: str
    outcome: str  # pass | fail | unknown
    text: str
    source: str = "product"
    policy_text: str = ""


@dataclass(frozen=True)
class Verdict:
    """Eligibility of one enterprise (with one need or none) for one offer, with its reasons."""

    enterprise: str  # USCC
    need: str | None
    offer: str
    eligible: bool
    kind_match: bool
    failed_criteria: tuple[str, ...]
    reasons: tuple[Reason, ...]
    caveats: tuple[str, ...]
    max_amount: int | None
    score: float | None  # fit score, only for eligible pairs
    breakdown: FitBreakdown | None = None
    kind_exact: bool = True  # the need's kind is the product's own (not only the same family)

    def as_json(self) -> dict[str, Any]:
        """The CLI's JSON line (docs/formats.md, "eligibility output")."""
        return {
            "enterprise": self.enterprise,
            "need": self.need,
            "product": self.offer,
            "eligible": self.eligible,
            "kind_match": self.kind_match,
            "failed_criteria": list(self.failed_criteria),
            "reasons": [{"id": r.criterion_id, "outcome": r.outcome, "text": r.text, "source": r.source}
                        for r in self.reasons],
            "caveats": list(self.caveats),
            "max_amount": self.max_amount,
            "score": None if self.score is None else round(self.score, 2),
        }


class Subject:
    """One enterprise with one need (or none) on a date; field values computed once."""

    def __init__(self, enterprise: EnterpriseProfile, need: FinancingNeed | None, as_of: date) -> None:
        self.enterprise, self.need, self.as_of = enterprise, need, as_of
        self._values: dict[str, Any] = {}
        self._innovation: tuple[InnovationWeights, InnovationScore] | None = None
        #: the weights the `innovation_score` field is read with (explain sets the ones it is given)
        self.innovation_weights = InnovationWeights()

    def value(self, field: Field) -> Any:
        if field.key == INNOVATION_SCORE:
            return self.innovation(self.innovation_weights).total
        try:
            return self._values[field.key]
        except KeyError:
            value = self._values[field.key] = field.value(self.enterprise, self.need, self.as_of)
            return value

    def innovation(self, weights: InnovationWeights) -> InnovationScore:
        if self._innovation is None or self._innovation[0] is not weights:
            self._innovation = (weights, innovation_score(self.enterprise, self.as_of, weights))
        return self._innovation[1]

    def need_applies(self, family: str | None) -> bool:
        """Whether need fields are judged for an offer of `family` (None: a policy)."""
        return self.need is not None and family is not None and KIND_FAMILY.get(self.need.kind) == family

    def kind_match(self, family: str | None) -> bool:
        return family is None or self.need is None or KIND_FAMILY.get(self.need.kind) == family


def compare(field: Field, op: str, threshold: Any, value: Any) -> bool:
    """The comparison on a present or missing value; missing (None) always fails."""
    if value is None:
        return False
    if op == "ge":
        return value >= threshold
    if op == "gt":
        return value > threshold
    if op == "le":
        return value <= threshold
    if op == "lt":
        return value < threshold
    if op == "eq":
        return value == threshold
    if op == "ne":
        return value != threshold
    if op == "true":
        return value is True
    if op == "false":
        return value is False
    if field.type is FieldType.SET:
        if op == "contains":
            return threshold in value
        held = any(item in value for item in threshold)
        return held if op == "in" else not held
    if op == "contains":
        return threshold in value
    return (value in threshold) if op == "in" else (value not in threshold)


class _Explainer:
    """Walks one compiled tree for one subject, collecting reasons and caveats."""

    def __init__(self, subject: Subject, family: str | None, source: str) -> None:
        self.subject, self.family, self.source = subject, family, source
        self.need_applies = subject.need_applies(family)
        self.reasons: list[Reason] = []
        self.caveats: list[str] = []

    def why_need_not_judged(self, book: Phrasebook) -> str:
        if book.english:
            if self.family is None:
                return "policies are not judged on a financing need"
            if self.subject.need is None:
                return "no financing need posted"
            kind = self.subject.need.kind
            return f"the need's kind ({KINDS_EN.get(kind, kind)}) is not of the product's family"
        if self.family is None:
            return "政策不按融资需求判断"
        if self.subject.need is None:
            return "未提交融资需求"
        return f"融资需求类型（{KINDS.get(self.subject.need.kind, self.subject.need.kind)}）与产品不同类"

    def outcome(self, node: CompiledNode, record: bool = True) -> str:
        if isinstance(node, Caveat):
            if record:
                step = node.node.text
                text = say(lambda b: f"{step}: reviewed by the institution, not judged automatically" if b.english
                           else f"{step}：由机构审核，未自动判断")
                self.reasons.append(Reason(node.node.id, UNKNOWN, text, self.source, node.node.text))
                self.caveats.append(node.node.text)
            return UNKNOWN
        if isinstance(node, Test):
            return self._test(node, record)
        if isinstance(node, ExprTest):
            return self._computed(node, record)
        results = [self.outcome(child, record) for child in node.children]
        failed = results.count(FAIL)
        if isinstance(node.node, AllOf):
            result = outcomes.all_of(results)
            summary = {PASS: "全部满足", FAIL: f"{failed} 项未满足", UNKNOWN: "待机构审核"}
            summary_en = {PASS: "all met", FAIL: f"{failed} not met", UNKNOWN: "for the institution to review"}
        elif isinstance(node.node, AnyOf):
            result = outcomes.any_of(results)
            summary = {PASS: "已满足其一", FAIL: "均未满足", UNKNOWN: "待机构审核"}
            summary_en = {PASS: "one is met", FAIL: "none is met", UNKNOWN: "for the institution to review"}
        else:
            result = outcomes.negate(results[0])
            summary = {PASS: "不属于排除情形", FAIL: "属于排除情形", UNKNOWN: "待机构审核"}
            summary_en = {PASS: "not an excluded case", FAIL: "an excluded case", UNKNOWN: "for the institution to review"}
        if record:
            mark = {PASS: PASS_MARK, FAIL: FAIL_MARK, UNKNOWN: ""}[result]
            own = node.node.text
            label = own or {AllOf: "同时满足", AnyOf: "满足其一"}.get(type(node.node), "不得满足")
            label_en = own or {AllOf: "All of", AnyOf: "Any of"}.get(type(node.node), "None of")
            text = say(lambda b: f"{label_en}: {summary_en[result]}{mark}" if b.english
                       else f"{label}：{summary[result]}{mark}")
            self.reasons.append(Reason(node.node.id, result, text, self.source, node.node.text))
        return result

    def _test(self, test: Test, record: bool) -> str:
        node, field = test.node, test.field
        if field.needs_need and not self.need_applies:
            if record:
                self._not_judged(lambda b: phrase(field, node.op, test.threshold, book=b), node)
            return UNKNOWN
        value = self.subject.value(field)
        passed = compare(field, node.op, test.threshold, value)
        if record:
            text = say(lambda b: comparison_reason(field, node.op, test.threshold, value, passed, book=b))
            self.reasons.append(Reason(node.id, PASS if passed else FAIL, text, self.source, node.text))
        return PASS if passed else FAIL


    def _computed(self, test: ExprTest, record: bool) -> str:
        node = test.node
        if test.uses_need and not self.need_applies:
            if record:
                self._not_judged(lambda b: computed_phrase(test.expr, node.op, test.threshold, book=b), node)
            return UNKNOWN
        value, status, detail = evaluate_scalar(test.expr, self.subject.value)
        if status == ZERO:
            result = UNKNOWN
        else:
            result = PASS if value is not None and compare_number(node.op, test.threshold, value) else FAIL
        if record:
            text = say(lambda b: computed_reason(test.expr, node.op, test.threshold, value, status, detail, book=b))
            self.reasons.append(Reason(node.id, result, text, self.source, node.text))
            if status == ZERO:
                self.caveats.append(text)
        return result


    def _not_judged(self, wanted, node) -> None:
        """A need criterion on a pair whose need is not judged: a reason and a caveat saying why."""
        def reason(b: Phrasebook) -> str:
            if b.english:
                return f"{wanted(b)}: {self.why_need_not_judged(b)}, not judged"
            return f"{wanted(b)}：{self.why_need_not_judged(b)}，未判断"

        def caveat(b: Phrasebook) -> str:
            if b.english:
                return f"{wanted(b)} ({self.why_need_not_judged(b)}, not judged)"
            return f"{wanted(b)}（{self.why_need_not_judged(b)}，未判断）"

        self.reasons.append(Reason(node.id, UNKNOWN, say(reason), self.source, node.text))
        self.caveats.append(say(caveat))


def compare_number(op: str, threshold: float, value: float) -> bool:
    return {"ge": value >= threshold, "gt": value > threshold, "le": value <= threshold, "lt": value < threshold,
            "eq": value == threshold, "ne": value != threshold}[op]


def explain(subject: Subject, offer: CompiledOffer, *, innovation_weights: InnovationWeights = InnovationWeights(),
            fit_weights: FitWeights = FitWeights()) -> Verdict:
    """The verdict of `subject` for `offer` with a reason for every evaluated criterion."""
    enterprise, need = subject.enterprise, subject.need
    subject.innovation_weights = innovation_weights
    reasons: list[Reason] = []
    caveats: list[str] = []
    failed: list[str] = []
    max_amount: int | None = None
    depth = 0
    for unit in offer.units:
        if unit.kind == "region":
            depth = served_depth(enterprise.region.path, offer.regions)
            result, text = _region_reason(enterprise, offer, depth)
            reasons.append(Reason(unit.id, result, text, "region"))
        elif unit.kind == "amount":
            assert offer.amount is not None
            walker = _Explainer(subject, offer.family, "amount")
            amount = amount_for_pair(offer.amount, subject.value, walker.need_applies,
                                     lambda node: walker.outcome(node, record=False))
            result, max_amount = amount.outcome, amount.amount
            reasons.append(Reason(unit.id, result, amount.text, "amount"))
            if result == UNKNOWN:
                caveats.append(amount.text)
        elif unit.kind == "term":
            assert offer.term is not None
            result, text = term_for_pair(offer.term, subject.value, subject.need_applies(offer.family))
            reasons.append(Reason(unit.id, result, text, "term"))
        else:
            result = _explain_unit(subject, offer, unit, reasons, caveats)
        if result == FAIL:
            failed.append(unit.id)
    eligible = not failed
    kind_match = subject.kind_match(offer.family)
    kind_exact = _kind_exact(subject, offer)
    if kind_match and not kind_exact:
        assert need is not None
        product_kind, family = getattr(offer.offer, "kind", ""), offer.family or ""
        reasons.append(Reason(KIND_REASON_ID, PASS, say(lambda b: (
            f"The product is a {KINDS_EN.get(product_kind, product_kind)}, not the need's kind "
            f"({KINDS_EN.get(need.kind, need.kind)}), both {FAMILY_WORDS_EN.get(family, family)}" if b.english else
            f"产品类型为{KINDS.get(product_kind, product_kind)}，与需求类型"
            f"（{KINDS.get(need.kind, need.kind)}）不同，同属{FAMILY_WORDS.get(family, '')}")),
                              "kind"))
    breakdown = fit_breakdown(subject, offer, max_amount, depth, innovation_weights, fit_weights) if eligible else None
    return Verdict(enterprise.uscc, need.id if need else None, offer.id, eligible, kind_match, tuple(failed),
                   tuple(reasons), tuple(dict.fromkeys(caveats)), max_amount,
                   breakdown.total if breakdown else None, breakdown, kind_exact)


KIND_REASON_ID = "product.kind"
FAMILY_WORDS = {"loan": "贷款类"}
FAMILY_WORDS_EN = {"loan": "loans"}


def _kind_exact(subject: Subject, offer: CompiledOffer) -> bool:
    """Whether the need asks for exactly the product's kind (policies and no need: True)."""
    kind = getattr(offer.offer, "kind", None)
    return subject.need is None or kind is None or subject.need.kind == kind


def _explain_unit(subject: Subject, offer: CompiledOffer, unit: Unit, reasons: list[Reason],
                  caveats: list[str]) -> str:
    assert unit.tree is not None
    walker = _Explainer(subject, offer.family, "platform" if unit.kind == "platform" else "product")
    result = walker.outcome(unit.tree)
    if unit.kind == "platform":
        # the organizer's rule text is what the enterprise needs to read, not the inner test
        mark = {PASS: PASS_MARK, FAIL: FAIL_MARK, UNKNOWN: ""}[result]
        rule = unit.text
        walker.reasons.insert(0, Reason(unit.id, result, say(
            lambda b: f"Platform rule: {rule}{mark}" if b.english else f"平台规则：{rule}{mark}"), "platform", unit.text))
    reasons.extend(walker.reasons)
    caveats.extend(walker.caveats)
    return result


def _region_reason(enterprise: EnterpriseProfile, offer: CompiledOffer, depth: int) -> tuple[str, str]:
    path = "/".join(enterprise.region.path)

    def text(b: Phrasebook) -> str:
        served = (", " if b.english else "、").join("/".join(r) for r in offer.regions)
        if b.english:
            where = path or "not filled in"
            if depth:
                return f"Region {where}, served regions {served}{PASS_MARK}"
            return f"Region {where}, outside the served regions {served}{FAIL_MARK}"
        where = path or "未填写"
        if depth:
            return f"所在地区 {where}，服务地区 {served}{PASS_MARK}"
        return f"所在地区 {where}，不在服务地区 {served}{FAIL_MARK}"

    return (PASS if depth else FAIL), say(text)


def _one(value: float | None) -> np.ndarray:
    return np.array([np.nan if value is None else float(value)])


def fit_breakdown(subject: Subject, offer: CompiledOffer, max_amount: int | None, depth: int,
                  innovation_weights: InnovationWeights, fit_weights: FitWeights) -> FitBreakdown:
    """The fit score of one pair, computed with the same array formulas as the vectorised path."""
    need, term = subject.need, offer.term
    innovation = subject.innovation(innovation_weights)
    chains = subject.enterprise.industry_chains
    inputs = scoring.PairInputs(
        has_need=np.array([need is not None]),
        kind_applies=np.array([subject.need_applies(offer.family)]),
        need_amount=_one(need.amount if need else None),
        need_term=_one(need.term_months if need else None),
        amount_low=_one((offer.amount.rule.min or 0) if offer.amount else 0),
        max_amount=_one(max_amount),
        term_min=_one(term.min_months if term else None),
        term_max=_one(term.max_months if term else None),
        targets_chain=np.array([bool(offer.chains)]),
        on_chain=np.array([bool(chains and offer.chains.intersection(chains))]),
        region_restricted=np.array([bool(offer.regions)]),
        region_depth=np.array([depth]),
        innovation=_one(innovation.total),
    )
    total, amount, term_points, chain, region, innov = (float(p[0]) for p in scoring.fit_scores(fit_weights, inputs))
    return FitBreakdown(total, amount, term_points, chain, region, innov, innovation)


def explain_all(enterprise: EnterpriseProfile, needs: Sequence[FinancingNeed | None], offers: Sequence[CompiledOffer],
                as_of: date, **weights: Any) -> list[Verdict]:
    """Verdicts for every (need, offer) pair of one enterprise; `needs` [None] for no need."""
    verdicts = []
    for need in needs:
        subject = Subject(enterprise, need, as_of)
        verdicts += [explain(subject, offer, **weights) for offer in offers]
    return verdicts
