"""Property tests: the vectorised path agrees with the explaining path; logic laws hold."""

from __future__ import annotations

import itertools
import math
from datetime import date
from typing import Any

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from matchmaker.matching.compiled import compile_offer
from matchmaker.matching.criteria import parse_criteria
from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.expressions import parse_expr
from matchmaker.matching.model import AmountRule, AmountTier, FinancingNeed, KINDS, Product, Region, TermRule
from matchmaker.matching.vectorized import MatchIndex
from tests.matching.factories import AS_OF, FIELDS, make_enterprise

SETTINGS = settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])

LEAVES = [
    ("rd_ratio", ["ge", "gt", "le", "lt", "eq", "ne"], [0, 3, 5]),
    ("rd_ratio", ["in", "nin"], [[3, 5]]),
    ("revenue", ["ge", "lt"], [1_000_000, 50_000_000]),
    ("years_established", ["ge", "lt"], [1, 2, 5]),
    ("established", ["le", "gt"], ["2021-06-30"]),
    ("tax_rating", ["eq", "ne"], ["A", "C"]),
    ("tax_rating", ["in", "nin"], [["A", "B"]]),
    ("first_loan", ["true", "false"], [None]),
    ("qualifications", ["contains"], ["高新技术企业"]),
    ("qualifications", ["in", "nin"], [["专精特新", "高新技术企业"]]),
    ("industry", ["contains"], ["39"]),
    ("industry", ["eq"], ["K7010"]),
    ("custom.白名单", ["true"], [None]),
    ("need.amount", ["le", "gt"], [5_000_000, 10_000_000]),
    ("debt_ratio_after_loan", ["le"], [70]),
]

leaf_specs = st.sampled_from(LEAVES).flatmap(
    lambda spec: st.tuples(st.just(spec[0]), st.sampled_from(spec[1]), st.sampled_from(spec[2])))
leaves = leaf_specs.map(lambda s: {"field": s[0], "op": s[1], "value": s[2]})
DEBT_AFTER_LOAN_OVER_REVENUE = {"op": "div", "args": [{"op": "add", "args": [{"field": "existing_debt"},
                                                                             {"field": "need.amount"}]},
                                                      {"field": "revenue"}]}
EXPRESSIONS = [
    (DEBT_AFTER_LOAN_OVER_REVENUE, [0, 50, 100]),  # a ratio: percentage points; revenue 0 → not judged
    ({"op": "sub", "args": [{"op": "mul", "args": [{"percent": 50}, {"field": "total_assets"}]},
                            {"field": "existing_debt"}]}, [0, 1_000_000]),
    ({"op": "min", "args": [{"field": "revenue"}, {"field": "total_assets"}, 20_000_000]}, [1_000_000]),
    ({"op": "mul", "args": [{"field": "rd_ratio"}, {"field": "revenue"}]}, [100_000]),  # 3% × revenue: money
    ({"op": "div", "args": [{"field": "total_assets"}, {"op": "sub", "args": [{"field": "revenue"}, 1_000_000]}]},
     [0, 1000]),
]
expr_leaves = st.sampled_from(EXPRESSIONS).flatmap(lambda spec: st.tuples(
    st.just(spec[0]), st.sampled_from(["ge", "gt", "le", "lt", "eq", "ne"]), st.sampled_from(spec[1]))).map(
    lambda s: {"expr": s[0], "op": s[1], "value": s[2]})
process = st.just({"basis": "process", "text": "名单制"})
trees = st.recursive(
    st.one_of(leaves, leaves, leaves, expr_leaves, process),
    lambda children: st.one_of(
        st.lists(children, min_size=1, max_size=3).map(lambda c: {"all": c}),
        st.lists(children, min_size=1, max_size=3).map(lambda c: {"any": c}),
        children.map(lambda c: {"not": c}),
    ),
    max_leaves=8,
)


def with_ids(tree: dict[str, Any], counter: itertools.count | None = None, prefix: str = "n") -> dict[str, Any]:
    """The tree with unique ids (and process nodes kept out of `not`, which validation forbids)."""
    counter = counter or itertools.count()
    node = {**tree, "id": f"{prefix}{next(counter)}"}
    for key in ("all", "any"):
        if key in node:
            node[key] = [with_ids(c, counter, prefix) for c in node[key]]
    if "not" in node:
        child = node["not"]
        if child.get("basis") == "process":
            child = {"field": "rd_ratio", "op": "ge", "value": 3}
        node["not"] = with_ids(child, counter, prefix)
    return node


enterprises = st.builds(
    lambda uscc, rd, revenue, established, tax, first, quals, industry, wl, debt, assets, region: make_enterprise(
        uscc=uscc, rd_ratio=rd, revenue=revenue, established=established, tax_rating=tax, first_loan=first,
        qualifications={q: date(2024, 1, 1) for q in quals}, industry=industry,
        custom={} if wl is None else {"白名单": wl}, existing_debt=debt, total_assets=assets, region=region,
        industry_chains=("集成电路",) if rd and rd > 4 else ()),
    st.uuids().map(str),
    st.sampled_from([None, 0.0, 2.99, 3.0, 3.01, 5.0, 10.0]),
    st.sampled_from([None, 0, 999_999, 1_000_000, 50_000_000]),
    st.sampled_from([None, date(2020, 2, 29), date(2021, 6, 30), date(2024, 6, 30), date(2025, 7, 1)]),
    st.sampled_from([None, "A", "B", "M", "C"]),
    st.sampled_from([None, True, False]),
    st.sets(st.sampled_from(["高新技术企业", "专精特新"])),
    st.sampled_from([None, "C3911", "K7010"]),
    st.sampled_from([None, True, False]),
    st.sampled_from([None, 0, 5_000_000]),
    st.sampled_from([None, 0, 10_000_000]),
    st.sampled_from([Region(), Region("浙江省", "杭州市", "滨江区"), Region("江苏省", "南京市")]),
)
needs = st.one_of(st.none(), st.builds(
    FinancingNeed, id=st.just("N"), kind=st.sampled_from(list(KINDS)),
    amount=st.sampled_from([None, 1_000_000, 5_000_000, 10_000_000]), term_months=st.sampled_from([None, 6, 36]),
    collateral_value=st.sampled_from([None, 2_000_000, 30_000_000])))
amount_rules = st.sampled_from([
    None,
    AmountRule(max=3_000_000, min=500_000),
    AmountRule(share_field="need.collateral_value", share_percent=50, max=10_000_000, min=1_000_000),
    AmountRule(share_field="revenue", share_percent=10),
    AmountRule(min=2_000_000),
    AmountRule(expr=parse_expr({"op": "sub", "args": [{"op": "mul", "args": [{"percent": 50}, {"field": "revenue"}]},
                                                      {"field": "existing_debt"}]}, "e", {}), max=8_000_000),
    AmountRule(expr=parse_expr({"op": "div", "args": [{"field": "need.collateral_value"}, 2]}, "e", {})),
    AmountRule(tiers=(AmountTier(8_000_000, parse_criteria({"id": "t1", "field": "need.amount", "op": "ge",
                                                            "value": 5_000_000})),
                      AmountTier(2_000_000, parse_criteria({"id": "t2", "field": "rd_ratio", "op": "ge", "value": 3})))),
])
products = st.builds(
    lambda tree, kind, amount, term, regions, chains: compile_offer(Product(
        "P", "随机产品", "银行", kind, parse_criteria(with_ids(tree)), amount, term, regions, chains), FIELDS),
    trees, st.sampled_from(list(KINDS)), amount_rules,
    st.sampled_from([TermRule(6, 24), TermRule(None, 24), TermRule(12, None), None]),
    st.sampled_from([(), ("浙江省",), ("浙江省/杭州市/滨江区", "江苏省")]), st.sampled_from([(), ("集成电路",)]))


@SETTINGS
@given(st.lists(products, min_size=1, max_size=3),
       st.lists(st.tuples(enterprises, needs), min_size=1, max_size=6))
def test_vectorised_path_agrees_with_explaining_path(offers, rows):
    matrix = MatchIndex([e for e, _ in rows], AS_OF, needs=[n for _, n in rows]).evaluate(offers)

    for (o, offer), (r, (enterprise, need)) in itertools.product(enumerate(offers), enumerate(rows)):
        verdict = explain(Subject(enterprise, need, AS_OF), offer)
        assert bool(matrix.eligible[o, r]) == verdict.eligible
        assert matrix.failed_criteria(o, r) == verdict.failed_criteria
        assert bool(matrix.kind_match(o)[r]) == verdict.kind_match
        assert matrix.amount(o, r) == verdict.max_amount
        if verdict.score is None:
            assert math.isnan(matrix.score[o, r])
        else:
            assert abs(float(matrix.score[o, r]) - verdict.score) < 1e-3


def verdict_for(tree: dict[str, Any], enterprise, need):
    offer = compile_offer(Product("P", "产品", "银行", "credit_loan", parse_criteria(tree)), FIELDS)
    return explain(Subject(enterprise, need, AS_OF), offer)


@SETTINGS
@given(trees, enterprises, needs)
def test_not_inverts(tree, enterprise, need):
    tree = with_ids(tree)
    plain = verdict_for(tree, enterprise, need)
    negated = verdict_for(with_ids({"not": {k: v for k, v in tree.items() if k != "id"}}, prefix="m"), enterprise, need)

    assert plain.eligible or negated.eligible  # a criterion and its negation cannot both fail
    if not plain.caveats and not negated.caveats:
        assert negated.eligible is not plain.eligible


@SETTINGS
@given(trees, enterprises, needs)
def test_all_of_one_is_the_item(tree, enterprise, need):
    item = with_ids(tree)
    wrapped = {"id": "wrapper", "all": [item]}

    one, alone = verdict_for(wrapped, enterprise, need), verdict_for(item, enterprise, need)

    assert (one.eligible, one.failed_criteria) == (alone.eligible, alone.failed_criteria)


@SETTINGS
@given(trees, trees, enterprises, needs)
def test_adding_a_criterion_to_all_never_turns_a_refusal_into_eligibility(tree, extra, enterprise, need):
    before = verdict_for({"id": "root", "all": [with_ids(tree, prefix="a")]}, enterprise, need)
    after = verdict_for({"id": "root", "all": [with_ids(tree, prefix="a"), with_ids(extra, prefix="b")]},
                        enterprise, need)

    if not before.eligible:
        assert not after.eligible
        assert set(before.failed_criteria) <= set(after.failed_criteria)
