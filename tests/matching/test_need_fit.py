"""Amount and term truth: a need of the product's family is held against what the product
grants this enterprise (issue 14 §3)."""

from __future__ import annotations

from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.model import AmountRule, TermRule
from matchmaker.matching.recommend import near_misses, recommend
from matchmaker.matching.vectorized import MatchIndex
from tests.matching.factories import AS_OF, make_enterprise, make_need, make_product

SHARE = AmountRule(share_field="revenue", share_percent=10, min=500_000)  # 10% of revenue


def verdict(offer, need, **profile):
    return explain(Subject(make_enterprise(**profile), need, AS_OF), offer)


def reasons(v):
    return {r.criterion_id: (r.outcome, r.text) for r in v.reasons}


def test_a_need_above_the_enterprises_maximum_fails_the_amount_with_what_would_fit():
    offer = make_product(None, amount=SHARE)

    v = verdict(offer, make_need(amount=8_000_000), revenue=30_000_000)

    assert (v.eligible, v.failed_criteria, v.max_amount) == (False, ("product.amount",), 3_000_000)
    assert reasons(v)["product.amount"] == (
        "fail", "需求 800 万元 > 本产品对贵企业最高 300 万元（按营业收入的 10% 计：3000 万元），可申请 300 万元 ✗")


def test_a_need_at_the_maximum_fits_and_one_yuan_more_does_not():
    offer = make_product(None, amount=SHARE)

    assert verdict(offer, make_need(amount=3_000_000), revenue=30_000_000).eligible
    assert not verdict(offer, make_need(amount=3_000_001), revenue=30_000_000).eligible


def test_a_need_below_the_products_minimum_fails():
    offer = make_product(None, amount=AmountRule(max=10_000_000, min=1_000_000))

    low = verdict(offer, make_need(amount=999_999))
    at = verdict(offer, make_need(amount=1_000_000))

    assert (low.eligible, low.failed_criteria) == (False, ("product.amount",))
    assert reasons(low)["product.amount"] == (
        "fail", "需求 99.9999 万元 < 起贷额度 100 万元，可申请 100 万元–1000 万元 ✗")
    assert at.eligible


def test_a_need_of_another_family_or_without_amount_is_not_judged_on_amount():
    offer = make_product(None, amount=AmountRule(max=1_000_000))

    assert verdict(offer, make_need(kind="equity", amount=80_000_000)).eligible
    assert verdict(offer, make_need(amount=None)).eligible
    assert verdict(offer, None).eligible


def test_a_need_term_outside_the_range_fails_the_term():
    offer = make_product(None, term=TermRule(6, 24))

    long = verdict(offer, make_need(term_months=36))
    short = verdict(offer, make_need(term_months=5))

    assert (long.eligible, long.failed_criteria) == (False, ("product.term",))
    assert reasons(long)["product.term"] == ("fail", "需求期限 36 个月 > 本产品最长 24 个月，可申请 6–24 个月 ✗")
    assert reasons(short)["product.term"] == ("fail", "需求期限 5 个月 < 本产品最短 6 个月，可申请 6–24 个月 ✗")
    for months in (6, 24):
        assert verdict(offer, make_need(term_months=months)).eligible
    assert reasons(verdict(offer, make_need(term_months=None)))["product.term"][0] == "unknown"
    assert verdict(offer, make_need(kind="equity", term_months=120)).eligible


def test_the_near_miss_says_what_would_fit():
    offer = make_product(None, amount=AmountRule(max=3_000_000))

    [miss] = near_misses(make_enterprise(), [offer], AS_OF, need=make_need(amount=8_000_000))

    assert miss.failed_criteria == ("product.amount",)
    assert "可申请 300 万元" in miss.to_improve[0].text


def test_both_paths_agree_on_amount_and_term_failures():
    offers = [make_product(None, amount=SHARE, term=TermRule(12, 36), id="A"),
              make_product(None, amount=AmountRule(min=2_000_000), id="B")]
    needs = [make_need(amount=a, term_months=t) for a in (None, 1_999_999, 2_000_000, 3_000_001) for t in (None, 11, 12, 37)]
    rows = [make_enterprise(revenue=30_000_000) for _ in needs]

    matrix = MatchIndex(rows, AS_OF, needs=needs).evaluate(offers)

    for o, offer in enumerate(offers):
        for r, need in enumerate(needs):
            v = explain(Subject(rows[r], need, AS_OF), offer)
            assert (bool(matrix.eligible[o, r]), matrix.failed_criteria(o, r)) == (v.eligible, v.failed_criteria)


def test_the_fit_score_still_ranks_the_eligible_offers():
    near = make_product(None, regions=("浙江省/杭州市/滨江区",), id="near")
    far = make_product(None, regions=("浙江省",), id="far")
    too_small = make_product(None, amount=AmountRule(max=1_000_000), regions=("浙江省/杭州市/滨江区",), id="small")

    ranked = recommend(make_enterprise(), [far, too_small, near], AS_OF, need=make_need(amount=2_000_000))

    assert [v.offer for v in ranked] == ["near", "far"]
