"""Per-pair evaluation: operators at their boundaries, missing values, nesting, kinds, rules."""

from __future__ import annotations

from datetime import date
from typing import Any

import pytest

from matchmaker.matching.compiled import CompiledOffer
from matchmaker.matching.criteria import parse_criteria
from matchmaker.matching.evaluate import Subject, Verdict, explain
from matchmaker.matching.model import FinancingNeed, PlatformRule, Policy, Region
from matchmaker.matching.compiled import compile_offer
from matchmaker.matching.vectorized import MatchIndex
from tests.matching.factories import AS_OF, FIELDS, leaf, make_enterprise, make_need, make_product


def judge(offer: CompiledOffer, enterprise, need: FinancingNeed | None = None) -> Verdict:
    """The explained verdict, after checking the vectorised path says the same."""
    verdict = explain(Subject(enterprise, need, AS_OF), offer)
    matrix = MatchIndex([enterprise], AS_OF, needs=[need]).evaluate([offer])
    assert bool(matrix.eligible[0, 0]) == verdict.eligible
    assert matrix.failed_criteria(0, 0) == verdict.failed_criteria
    return verdict


BOUNDARIES: list[tuple[str, str, Any, dict[str, Any], bool]] = [
    # 以上/不低于 (ge) and 以下/不超过 (le) include the number; 超过 (gt) and 不满/低于 (lt) exclude it
    ("rd_ratio", "ge", 3, {"rd_ratio": 3.0}, True),
    ("rd_ratio", "ge", 3, {"rd_ratio": 2.99}, False),
    ("rd_ratio", "gt", 3, {"rd_ratio": 3.0}, False),
    ("rd_ratio", "gt", 3, {"rd_ratio": 3.01}, True),
    ("rd_ratio", "le", 3, {"rd_ratio": 3.0}, True),
    ("rd_ratio", "le", 3, {"rd_ratio": 3.01}, False),
    ("rd_ratio", "lt", 3, {"rd_ratio": 3.0}, False),
    ("rd_ratio", "lt", 3, {"rd_ratio": 2.99}, True),
    ("rd_ratio", "eq", 3, {"rd_ratio": 3.0}, True),
    ("rd_ratio", "eq", 3, {"rd_ratio": 3.1}, False),
    ("rd_ratio", "ne", 3, {"rd_ratio": 3.0}, False),
    ("rd_ratio", "ne", 3, {"rd_ratio": 3.1}, True),
    ("employees", "in", [10, 20], {"employees": 20}, True),
    ("employees", "in", [10, 20], {"employees": 21}, False),
    ("employees", "nin", [10, 20], {"employees": 20}, False),
    ("employees", "nin", [10, 20], {"employees": 21}, True),
    ("revenue", "ge", 10_000_000, {"revenue": 10_000_000}, True),
    ("revenue", "ge", 10_000_000, {"revenue": 9_999_999}, False),
    ("revenue", "lt", 10_000_000, {"revenue": 9_999_999}, True),
    ("established", "le", "2020-01-01", {"established": date(2020, 1, 1)}, True),
    ("established", "le", "2020-01-01", {"established": date(2020, 1, 2)}, False),
    ("established", "gt", "2020-01-01", {"established": date(2020, 1, 1)}, False),
    ("first_loan", "true", None, {"first_loan": True}, True),
    ("first_loan", "true", None, {"first_loan": False}, False),
    ("first_loan", "false", None, {"first_loan": False}, True),
    ("first_loan", "eq", False, {"first_loan": False}, True),
    ("first_loan", "ne", False, {"first_loan": False}, False),
    ("tax_rating", "eq", "A", {"tax_rating": "A"}, True),
    ("tax_rating", "ne", "A", {"tax_rating": "A"}, False),
    ("tax_rating", "in", ["A", "B"], {"tax_rating": "B"}, True),
    ("tax_rating", "nin", ["A", "B"], {"tax_rating": "M"}, True),
    ("tax_rating", "nin", ["A", "B"], {"tax_rating": "A"}, False),
    ("industry", "contains", "39", {"industry": "C3911"}, True),
    ("industry", "contains", "39", {"industry": "C2720"}, False),
    ("industry_division", "eq", "C39", {"industry": "C3911"}, True),
    ("industry_chains", "contains", "集成电路", {"industry_chains": ("集成电路",)}, True),
    ("industry_chains", "contains", "集成电路", {"industry_chains": ()}, False),
    ("industry_chains", "in", ["集成电路", "生物医药"], {"industry_chains": ("生物医药",)}, True),
    ("industry_chains", "nin", ["集成电路", "生物医药"], {"industry_chains": ("生物医药",)}, False),
    ("industry_chains", "nin", ["集成电路", "生物医药"], {"industry_chains": ("新材料",)}, True),
    ("custom.白名单", "true", None, {"custom": {"白名单": True}}, True),
    ("custom.创新积分", "ge", 60, {"custom": {"创新积分": 60}}, True),
    ("custom.园区", "eq", "滨江", {"custom": {"园区": "滨江"}}, True),
]


@pytest.mark.parametrize("field,op,value,profile,passes", BOUNDARIES,
                         ids=[f"{f}-{o}-{v}-{p}" for f, o, v, p, _ in BOUNDARIES])
def test_operator_at_its_boundary(field, op, value, profile, passes):
    offer = make_product(leaf(field, op, value))

    verdict = judge(offer, make_enterprise(**profile))

    assert verdict.eligible is passes
    assert verdict.failed_criteria == (() if passes else ("c1",))


@pytest.mark.parametrize("op,value", [("ge", 3), ("gt", 3), ("le", 3), ("lt", 3), ("eq", 3), ("ne", 3),
                                      ("in", [3]), ("nin", [3])])
def test_a_missing_value_fails_every_comparison_and_says_so(op, value):
    offer = make_product(leaf("rd_ratio", op, value))

    verdict = judge(offer, make_enterprise(rd_ratio=None))

    assert verdict.failed_criteria == ("c1",)
    assert "研发投入占比 未填写" in verdict.reasons[0].text


def test_missing_bool_fails_both_true_and_false():
    for op in ("true", "false"):
        verdict = judge(make_product(leaf("first_loan", op)), make_enterprise(first_loan=None))
        assert verdict.eligible is False
        assert verdict.reasons[0].text.startswith("首贷户 未填写")


def test_not_inverts_a_comparison():
    offer = make_product({"id": "n", "text": "不属于房地产业", "not": leaf("industry_section", "eq", "K")})

    assert judge(offer, make_enterprise(industry="K7010")).failed_criteria == ("n",)
    assert judge(offer, make_enterprise(industry="C3911")).eligible is True


def test_nested_any_inside_all_reports_the_failed_top_level_criterion_once():
    offer = make_product({"id": "root", "all": [
        leaf("rd_ratio", "ge", 3, id="rd"),
        {"id": "tech", "any": [leaf("qualifications", "contains", "高新技术企业", id="hnte"),
                               {"id": "ind", "all": [leaf("invention_patents", "ge", 1, id="ip"),
                                                     leaf("rd_staff_ratio", "ge", 10, id="staff")]}]},
    ]})

    verdict = judge(offer, make_enterprise(rd_ratio=3.0, invention_patents=2, rd_staff_ratio=9.5))

    assert verdict.failed_criteria == ("tech",)
    outcomes = {r.criterion_id: r.outcome for r in verdict.reasons}
    assert outcomes == {"rd": "pass", "hnte": "fail", "ip": "pass", "staff": "fail", "ind": "fail", "tech": "fail"}


def test_process_criteria_are_caveats_not_refusals():
    offer = make_product({"id": "root", "all": [leaf("rd_ratio", "ge", 3),
                                                {"id": "list", "basis": "process", "text": "纳入合作银行白名单 (名单制)"}]})

    verdict = judge(offer, make_enterprise(rd_ratio=5.0))

    assert verdict.eligible is True
    assert verdict.caveats == ("纳入合作银行白名单 (名单制)",)
    assert [r.outcome for r in verdict.reasons if r.criterion_id == "list"] == ["unknown"]


def test_need_fields_are_judged_for_a_need_of_the_same_family():
    offer = make_product(leaf("need.amount", "le", 10_000_000), kind="credit_loan")

    assert judge(offer, make_enterprise(), make_need(kind="credit_loan", amount=10_000_000)).eligible is True
    refused = judge(offer, make_enterprise(), make_need(kind="ip_pledge_loan", amount=10_000_001))
    assert (refused.eligible, refused.kind_match) == (False, True)


def test_a_need_of_another_family_is_judged_on_qualifications_only():
    offer = make_product({"id": "root", "all": [leaf("rd_ratio", "ge", 3, id="rd"),
                                                leaf("need.amount", "le", 1_000_000, id="amt")]})

    verdict = judge(offer, make_enterprise(rd_ratio=3.0), make_need(kind="equity", amount=50_000_000))

    assert (verdict.eligible, verdict.kind_match, verdict.failed_criteria) == (True, False, ())
    assert verdict.caveats == ("需求金额不超过 100 万元（融资需求类型（股权融资）与产品不同类，未判断）",)
    assert judge(offer, make_enterprise(rd_ratio=2.0), make_need(kind="equity")).failed_criteria == ("rd",)


def test_without_a_need_need_fields_are_not_judged_and_kind_matches():
    offer = make_product(leaf("debt_ratio_after_loan", "le", 70))

    verdict = judge(offer, make_enterprise(existing_debt=9_000_000, total_assets=10_000_000))

    assert (verdict.eligible, verdict.kind_match) == (True, True)
    assert verdict.caveats == ("贷后资产负债率不超过 70%（未提交融资需求，未判断）",)


def test_debt_ratio_after_the_loan_includes_the_need_at_the_boundary():
    offer = make_product(leaf("debt_ratio_after_loan", "le", 70))
    enterprise = make_enterprise(existing_debt=5_000_000, total_assets=10_000_000)

    assert judge(offer, enterprise, make_need(amount=2_000_000)).eligible is True
    failed = judge(offer, enterprise, make_need(amount=2_000_001))
    assert failed.reasons[0].text == "贷后资产负债率 70.00001% > 要求 ≤ 70% ✗"


RULES = (PlatformRule("dishonest", "失信被执行人不得参与对接", parse_criteria(leaf("dishonest_debtor", "false", id="d"))),
         PlatformRule("violation", "严重违法失信主体不得参与", parse_criteria(leaf("serious_violation", "false", id="v")),
                      applies_to_policies=False))


def test_platform_rules_exclude_from_every_product_and_say_so():
    offer = make_product(leaf("rd_ratio", "ge", 3), rules=RULES)

    verdict = judge(offer, make_enterprise(rd_ratio=9.0, dishonest_debtor=True))

    assert verdict.failed_criteria == ("platform.dishonest",)
    assert verdict.reasons[0].text == "平台规则：失信被执行人不得参与对接 ✗"
    assert verdict.reasons[0].source == "platform"


def test_a_platform_rule_may_leave_policies_out():
    policy = compile_offer(Policy("Y1", "补助", "科技局", parse_criteria(leaf("rd_ratio", "ge", 3))), FIELDS, RULES)

    verdict = judge(policy, make_enterprise(rd_ratio=9.0, serious_violation=True))

    assert [u.id for u in policy.units] == ["platform.dishonest", "c1"]
    assert verdict.eligible is True


@pytest.mark.parametrize("regions,region,eligible", [
    ((), Region(), True),
    (("浙江省",), Region("浙江省", "宁波市"), True),
    (("浙江省/杭州市",), Region("浙江省", "宁波市"), False),
    (("浙江省/杭州市/滨江区", "江苏省"), Region("江苏省", "苏州市", "工业园区"), True),
    (("浙江省",), Region(), False),
])
def test_region_served(regions, region, eligible):
    verdict = judge(make_product(None, regions=regions), make_enterprise(region=region))

    assert verdict.eligible is eligible
    assert verdict.failed_criteria == (() if eligible else ("product.region",))
