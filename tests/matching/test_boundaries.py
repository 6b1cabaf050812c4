"""Every criterion form at, just below and just above its threshold, on both paths, with the
Chinese legal reading (《民法典》第一千二百五十九条): 以上、以下、以内 include the number (ge, le);
超过、不满 exclude it (gt, lt)."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.model import AmountRule, TermRule
from matchmaker.matching.render import OPERATOR_WORDS
from matchmaker.matching.vectorized import MatchIndex
from tests.matching.factories import AS_OF, leaf, make_enterprise, make_need, make_product

#: what each operator passes for (below, at, above) the threshold
READING = {"ge": (False, True, True), "gt": (False, False, True), "le": (True, True, False), "lt": (True, False, False)}


def test_the_operator_words_carry_the_legal_reading():
    assert "以上(含)" in OPERATOR_WORDS["ge"] and "以下(含)" in OPERATOR_WORDS["le"]
    assert OPERATOR_WORDS["gt"] == "超过" and "不满" in OPERATOR_WORDS["lt"]


def both_paths(offer, enterprise, need=None) -> bool:
    verdict = explain(Subject(enterprise, need, AS_OF), offer)
    matrix = MatchIndex([enterprise], AS_OF, needs=[need]).evaluate([offer])
    assert bool(matrix.eligible[0, 0]) == verdict.eligible
    assert matrix.failed_criteria(0, 0) == verdict.failed_criteria
    return verdict.eligible


FIELD_CASES: list[tuple[str, Any, tuple[dict[str, Any], dict[str, Any], dict[str, Any]]]] = [
    # field (threshold) and the profiles just below, at and just above it
    ("rd_ratio", 3, ({"rd_ratio": 2.99}, {"rd_ratio": 3.0}, {"rd_ratio": 3.01})),  # percent
    ("revenue", 5_000_000, ({"revenue": 4_999_999}, {"revenue": 5_000_000}, {"revenue": 5_000_001})),  # money, 元
    ("invention_patents", 5, ({"invention_patents": 4}, {"invention_patents": 5}, {"invention_patents": 6})),
    ("established", "2020-01-01", ({"established": date(2019, 12, 31)}, {"established": date(2020, 1, 1)},
                                   {"established": date(2020, 1, 2)})),
    # 成立满 3 年: the third anniversary of 2023-06-30 is the as-of date 2026-06-30
    ("years_established", 3, ({"established": date(2023, 7, 1)}, {"established": date(2023, 6, 30)},
                              {"established": date(2023, 6, 29)})),
    ("debt_ratio", 60, ({"existing_debt": 5_999_999, "total_assets": 10_000_000},
                        {"existing_debt": 6_000_000, "total_assets": 10_000_000},
                        {"existing_debt": 6_000_001, "total_assets": 10_000_000})),
    # 科创积分 from R&D spending alone: 20 points at 10%, so rd_ratio 5% is 10 points
    ("innovation_score", 10, ({"rd_ratio": 4.99}, {"rd_ratio": 5.0}, {"rd_ratio": 5.01})),
]


@pytest.mark.parametrize("op", list(READING))
@pytest.mark.parametrize("key,threshold,profiles", FIELD_CASES, ids=[c[0] for c in FIELD_CASES])
def test_field_comparisons_at_the_threshold(op, key, threshold, profiles):
    offer = make_product(leaf(key, op, threshold))

    assert tuple(both_paths(offer, make_enterprise(**p)) for p in profiles) == READING[op]


@pytest.mark.parametrize("op", list(READING))
def test_need_field_comparisons_at_the_threshold(op):
    offer = make_product(leaf("need.amount", op, 3_000_000))

    results = tuple(both_paths(offer, make_enterprise(), make_need(amount=a)) for a in (2_999_999, 3_000_000, 3_000_001))
    assert results == READING[op]


RATIO = {"op": "div", "args": [{"op": "add", "args": [{"field": "existing_debt"}, {"field": "need.amount"}]},
                               {"field": "revenue"}]}
MONEY = {"op": "sub", "args": [{"op": "mul", "args": [{"percent": 50}, {"field": "valuation"}]},
                               {"field": "existing_debt"}]}


@pytest.mark.parametrize("op", list(READING))
def test_formula_comparisons_at_the_threshold(op):
    # (负债 + 需求) ÷ 营收 against 50%: 4,999,999 / 5,000,000 / 5,000,001 元 over 10,000,000
    ratio = make_product({"id": "c1", "expr": RATIO, "op": op, "value": 50})
    results = tuple(both_paths(ratio, make_enterprise(existing_debt=debt, revenue=10_000_000), make_need(amount=2_000_000))
                    for debt in (2_999_999, 3_000_000, 3_000_001))
    assert results == READING[op]

    # 50% × 估值 − 负债 against 100 万元
    money = make_product({"id": "c1", "expr": MONEY, "op": op, "value": 1_000_000})
    results = tuple(both_paths(money, make_enterprise(valuation=4_000_000, existing_debt=debt))
                    for debt in (1_000_001, 1_000_000, 999_999))
    assert results == READING[op]


def test_the_amount_rule_reads_最高_and_起贷_inclusively():
    offer = make_product(None, amount=AmountRule(max=5_000_000, min=1_000_000))

    below_min, at_min = (both_paths(offer, make_enterprise(), make_need(amount=a)) for a in (999_999, 1_000_000))
    at_max, above_max = (both_paths(offer, make_enterprise(), make_need(amount=a)) for a in (5_000_000, 5_000_001))
    assert (below_min, at_min, at_max, above_max) == (False, True, True, False)


def test_the_term_range_reads_both_ends_inclusively():
    offer = make_product(None, term=TermRule(6, 36))

    results = tuple(both_paths(offer, make_enterprise(), make_need(term_months=m)) for m in (5, 6, 36, 37))
    assert results == (False, True, True, False)


def test_a_tier_threshold_is_read_like_any_criterion():
    from matchmaker.matching.criteria import parse_criteria
    from matchmaker.matching.model import AmountTier

    rule = AmountRule(tiers=(AmountTier(8_000_000, parse_criteria(leaf("revenue", "ge", 50_000_000, "t1"))),
                             AmountTier(2_000_000)))
    offer = make_product(None, amount=rule)

    amounts = [explain(Subject(make_enterprise(revenue=r), None, AS_OF), offer).max_amount
               for r in (49_999_999, 50_000_000, 50_000_001)]
    assert amounts == [2_000_000, 8_000_000, 8_000_000]
