"""Arithmetic in criteria and amount rules: parsing, types, evaluation, plain-Chinese reasons."""

from __future__ import annotations

import pytest

from matchmaker.matching.criteria import criteria_to_json, parse_criteria, validate_criteria
from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.expressions import parse_expr
from matchmaker.matching.formats import FormatError, amount_rule_from_json
from matchmaker.matching.model import AmountRule
from matchmaker.matching.render import render_tree
from matchmaker.matching.vectorized import MatchIndex
from tests.matching.factories import AS_OF, FIELDS, make_enterprise, make_need, make_product

DEBT_AFTER_LOAN = {"op": "div", "args": [{"op": "add", "args": [{"field": "existing_debt"}, {"field": "need.amount"}]},
                                         {"field": "revenue"}]}
RULE = {"id": "debt", "text": "贷后负债不超过营业收入的50%", "expr": DEBT_AFTER_LOAN, "op": "le", "value": 50}


def judge(tree, need=None, **profile):
    offer = make_product(tree)
    enterprise = make_enterprise(**profile)
    verdict = explain(Subject(enterprise, need, AS_OF), offer)
    matrix = MatchIndex([enterprise], AS_OF, needs=[need]).evaluate([offer])
    assert (bool(matrix.eligible[0, 0]), matrix.failed_criteria(0, 0)) == (verdict.eligible, verdict.failed_criteria)
    return verdict


def reason(verdict, node_id="debt"):
    return next((r.outcome, r.text) for r in verdict.reasons if r.criterion_id == node_id)


def test_the_reason_shows_the_formula_its_value_and_the_threshold():
    verdict = judge(RULE, make_need(amount=2_000_000), existing_debt=2_720_000, revenue=10_000_000)

    assert verdict.eligible
    assert reason(verdict) == ("pass", "(现有负债 + 需求金额) ÷ 营业收入 = 47.2% ≤ 50% ✓")


def test_a_failed_formula_says_by_how_much():
    verdict = judge(RULE, make_need(amount=3_000_000), existing_debt=2_720_000, revenue=10_000_000)

    assert verdict.failed_criteria == ("debt",)
    assert reason(verdict) == ("fail", "(现有负债 + 需求金额) ÷ 营业收入 = 57.2% > 50%，要求 ≤ 50% ✗")


def test_a_missing_value_fails_and_names_the_field():
    verdict = judge(RULE, make_need(), existing_debt=None, revenue=10_000_000)

    assert reason(verdict) == ("fail", "(现有负债 + 需求金额) ÷ 营业收入：现有负债 未填写，要求 ≤ 50% ✗")


def test_a_zero_divisor_is_a_caveat_not_a_crash():
    verdict = judge(RULE, make_need(), existing_debt=1, revenue=0)

    assert verdict.eligible and verdict.failed_criteria == ()
    assert reason(verdict)[0] == "unknown"
    assert verdict.caveats == ("(现有负债 + 需求金额) ÷ 营业收入：营业收入为 0，无法计算，要求 ≤ 50%，未判断",)


def test_need_fields_in_a_formula_are_judged_only_for_a_need_of_the_family():
    verdict = judge(RULE, make_need(kind="equity", amount=90_000_000), existing_debt=1, revenue=1)

    assert verdict.eligible and reason(verdict)[0] == "unknown"


@pytest.mark.parametrize("expr,message", [
    ({"op": "add", "args": [{"field": "revenue"}, {"field": "rd_ratio"}]}, "营业收入 + 研发投入占比：金额、比例不能相加"),
    ({"op": "mul", "args": [{"field": "revenue"}, {"field": "valuation"}]}, "营业收入 × 最近估值：金额与金额不能相乘"),
    ({"op": "add", "args": [{"field": "revenue"}, {"field": "nope"}]}, "未知字段 nope"),
    ({"op": "div", "args": [{"field": "established"}, 2]}, "成立日期不是数值字段, 不能用于计算 (可用金额、数值、百分比字段)"),
    ({"op": "div", "args": [1, {"field": "revenue"}]}, "1 ÷ 营业收入：数值不能除以金额"),
    ({"op": "add", "args": [1, 2]}, "公式中至少要有一个字段"),
])
def test_type_errors_are_refused_beside_the_criterion(expr, message):
    assert validate_criteria({"id": "x", "expr": expr, "op": "le", "value": 1}, FIELDS) == {"x": message}


@pytest.mark.parametrize("raw", [
    "revenue * 2",  # never a string to evaluate
    {"op": "pow", "args": [{"field": "revenue"}, 2]},
    {"op": "div", "args": [{"field": "revenue"}, 2, 3]},
    {"op": "add", "args": [{"field": "revenue"}]},
    {"op": "add", "args": [{"field": "revenue"}, True]},
    {"field": "revenue", "extra": 1},
])
def test_malformed_expressions_do_not_parse(raw):
    problems = validate_criteria({"id": "x", "expr": raw, "op": "le", "value": 1}, FIELDS)

    assert problems and all(key.startswith("x") for key in problems)


def test_the_threshold_must_be_a_number_and_the_operator_a_comparison():
    assert validate_criteria({"id": "x", "expr": DEBT_AFTER_LOAN, "op": "le", "value": "50%"}, FIELDS)
    assert validate_criteria({"id": "x", "expr": DEBT_AFTER_LOAN, "op": "contains", "value": 5}, FIELDS)


def test_json_round_trip_and_plain_chinese_preview():
    node = parse_criteria(RULE)

    assert parse_criteria(criteria_to_json(node)) == node
    assert render_tree(node, FIELDS) == "· (现有负债 + 需求金额) ÷ 营业收入不超过 50%"
    cap = parse_criteria({"id": "c", "op": "ge", "value": 1_000_000, "expr": {"op": "sub", "args": [
        {"op": "mul", "args": [{"percent": 50}, {"field": "valuation"}]}, {"field": "existing_debt"}]}})
    assert render_tree(cap, FIELDS) == "· 50% × 最近估值 − 现有负债不低于 100 万元"
    nested = parse_criteria({"id": "c", "op": "ge", "value": 1, "expr": {"op": "sub", "args": [
        {"field": "revenue"}, {"op": "sub", "args": [{"field": "existing_debt"}, {"field": "valuation"}]}]}})
    assert render_tree(nested, FIELDS) == "· 营业收入 − (现有负债 − 最近估值)不低于 0.0001 万元"


CAP = AmountRule(expr=parse_expr({"op": "sub", "args": [{"op": "mul", "args": [{"percent": 50}, {"field": "valuation"}]},
                                                        {"field": "existing_debt"}]}, "e", {}), max=10_000_000)


def test_an_amount_rule_by_formula_caps_what_the_enterprise_may_borrow():
    offer = make_product(None, amount=CAP)

    v = explain(Subject(make_enterprise(valuation=20_000_000, existing_debt=7_000_000), make_need(amount=2_000_000),
                        AS_OF), offer)
    assert (v.eligible, v.max_amount) == (True, 3_000_000)
    assert v.reasons[-1].text == ("可贷额度最高 300 万元（按公式 50% × 最近估值 − 现有负债 计：300 万元），"
                                  "需求 200 万元在额度内 ✓")
    capped = explain(Subject(make_enterprise(valuation=900_000_000, existing_debt=0), None, AS_OF), offer)
    assert capped.max_amount == 10_000_000
    nothing = explain(Subject(make_enterprise(valuation=10_000_000, existing_debt=7_000_000), None, AS_OF), offer)
    assert (nothing.eligible, nothing.max_amount, nothing.failed_criteria) == (False, 0, ("product.amount",))


def test_an_amount_formula_must_give_money():
    with pytest.raises(Exception, match="额度公式的结果应为金额"):
        make_product(None, amount=AmountRule(expr=parse_expr(DEBT_AFTER_LOAN, "e", {})))


def test_amount_rule_json_reads_the_formula():
    rule = amount_rule_from_json({"expr": {"op": "div", "args": [{"field": "need.collateral_value"}, 2]},
                                  "max": 5_000_000}, "amount")

    assert rule.expr is not None and rule.max == 5_000_000
    with pytest.raises(FormatError):
        amount_rule_from_json({"expr": "valuation / 2"}, "amount")
