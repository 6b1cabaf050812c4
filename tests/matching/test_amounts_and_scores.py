"""Amount rules (tiers, shares, caps, minimum), the fit score and the 科创积分."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.matching.criteria import parse_criteria
from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.innovation import InnovationWeights, innovation_score
from matchmaker.matching.model import AmountRule, AmountTier, TermRule
from matchmaker.matching.scoring import FitWeights
from tests.matching.factories import AS_OF, leaf, make_enterprise, make_need, make_product
from tests.matching.test_evaluate import judge

TIERS = AmountRule(tiers=(
    AmountTier(10_000_000, parse_criteria(leaf("revenue", "ge", 50_000_000, "t1")), "营收5000万元以上"),
    AmountTier(5_000_000, parse_criteria(leaf("first_loan", "true", id="t2")), "首贷户"),
    AmountTier(3_000_000, parse_criteria(leaf("revenue", "ge", 1_000_000, "t3")), "营收100万元以上"),
), min=500_000)


@pytest.mark.parametrize("profile,amount", [
    ({"revenue": 50_000_000, "first_loan": True}, 10_000_000),  # the first matching tier wins
    ({"revenue": 49_999_999, "first_loan": True}, 5_000_000),
    ({"revenue": 1_000_000, "first_loan": False}, 3_000_000),
])
def test_tiers_are_tried_in_order(profile, amount):
    verdict = judge(make_product(None, amount=TIERS), make_enterprise(**profile))

    assert (verdict.eligible, verdict.max_amount) == (True, amount)


def test_no_matching_tier_means_nothing_to_lend():
    verdict = judge(make_product(None, amount=TIERS), make_enterprise(revenue=999_999, first_loan=False))

    assert (verdict.eligible, verdict.failed_criteria, verdict.max_amount) == (False, ("product.amount",), 0)
    assert verdict.reasons[-1].text == "不符合任何额度档，无可贷额度 ✗"


def test_share_of_a_field_is_floored_to_whole_yuan_and_capped():
    rule = AmountRule(share_field="valuation", share_percent=5, max=20_000_000)

    assert judge(make_product(None, amount=rule), make_enterprise(valuation=99_999_999)).max_amount == 4_999_999
    assert judge(make_product(None, amount=rule), make_enterprise(valuation=900_000_000)).max_amount == 20_000_000
    missing = judge(make_product(None, amount=rule), make_enterprise(valuation=None))
    assert (missing.eligible, missing.max_amount) == (False, None)
    assert missing.reasons[-1].text == "最近估值 未填写，无法计算额度（按最近估值的 5% 计） ✗"


def test_share_of_the_appraised_collateral_and_the_minimum():
    rule = AmountRule(share_field="need.collateral_value", share_percent=50, max=10_000_000, min=300_000)
    offer = make_product(None, amount=rule, kind="ip_pledge_loan")

    assert judge(offer, make_enterprise(), make_need(kind="ip_pledge_loan", collateral_value=600_000)).max_amount == 300_000
    low = judge(offer, make_enterprise(), make_need(kind="ip_pledge_loan", collateral_value=599_999))
    assert (low.eligible, low.max_amount) == (False, 299_999)
    assert low.reasons[-1].text == ("可贷额度 29.9999 万元 < 起贷额度 30 万元（按担保物评估价值的 50% 计：59.9999 万元）"
                                    " ✗")
    unknown = judge(offer, make_enterprise())
    assert (unknown.eligible, unknown.max_amount, unknown.caveats) == (
        True, None, ("额度按担保物评估价值的 50% 计：未按需求判断，额度待定",))


def test_innovation_score_breakdown_with_default_weights():
    e = make_enterprise(rd_ratio=5.0, rd_staff_ratio=45.0, invention_patents=2, ic_layouts=1, utility_patents=12,
                        phd_count=2, high_level_talent_count=3,
                        qualifications={"高新技术企业": date(2025, 1, 1), "专精特新“小巨人”企业": date(2024, 1, 1),
                                        "瞪羚企业": date(2026, 7, 1)})

    score = innovation_score(e, AS_OF)

    assert (score.rd_ratio, score.rd_staff_ratio, score.ip_class1, score.ip_class2, score.talent,
            score.qualifications, score.total) == (10.0, 10.0, 12.0, 10.0, 15.0, 18.0, 75.0)


def test_innovation_weights_load_from_config_and_reject_unknown_keys():
    weights = InnovationWeights.from_mapping({"rd_ratio_points": 30, "qualification_points": {"高新技术企业": 20}})

    assert (weights.rd_ratio_points, dict(weights.qualification_points)) == (30.0, {"高新技术企业": 20.0})
    with pytest.raises(ValueError, match="未知的键: rd_points"):
        InnovationWeights.from_mapping({"rd_points": 1})
    with pytest.raises(ValueError, match="talent_cap 应为非负数"):
        InnovationWeights.from_mapping({"talent_cap": "many"})


def test_fit_score_breakdown():
    offer = make_product(None, amount=AmountRule(max=5_000_000, min=1_000_000), term=TermRule(6, 24),
                         regions=("浙江省/杭州市",), industry_chains=("集成电路",))
    e = make_enterprise(industry_chains=("集成电路",), rd_ratio=10.0)

    verdict = explain(Subject(e, make_need(amount=3_000_000, term_months=12), AS_OF), offer)

    b = verdict.breakdown
    assert (b.amount, b.term, b.industry_chain, b.region, b.innovation) == (25.0, 15.0, 15.0, 8.0, 7.0)
    assert verdict.score == b.total == 70.0
    # a need outside the amount or term range is not eligible at all (tests/matching/test_need_fit.py)
    assert not explain(Subject(e, make_need(amount=10_000_000, term_months=12), AS_OF), offer).eligible


def test_a_need_of_another_family_scores_nothing_on_amount_and_term():
    offer = make_product(None, amount=AmountRule(max=5_000_000), term=TermRule(6, 24))

    kind_other = explain(Subject(make_enterprise(), make_need(kind="equity"), AS_OF), offer).breakdown
    no_need = explain(Subject(make_enterprise(), None, AS_OF), offer).breakdown

    assert (kind_other.amount, kind_other.term) == (0.0, 0.0)
    assert (no_need.amount, no_need.term) == (12.5, 7.5)


def test_fit_weights_are_normalised_to_100():
    offer = make_product(None)
    verdict = explain(Subject(make_enterprise(rd_ratio=10.0, rd_staff_ratio=30.0), None, AS_OF), offer,
                      fit_weights=FitWeights(amount=0, term=0, industry_chain=0, region=0, innovation=1))

    assert verdict.score == 30.0
