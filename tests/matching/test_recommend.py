"""Recommendations (eligible offers, best fit first) and near misses (what to improve)."""

from __future__ import annotations

from matchmaker.matching.model import AmountRule
from matchmaker.matching.recommend import near_misses, recommend
from tests.matching.factories import AS_OF, leaf, make_enterprise, make_product


def offers():
    return [
        make_product(leaf("rd_ratio", "ge", 3), id="A", amount=AmountRule(max=1_000_000)),
        make_product({"id": "root", "all": [leaf("rd_ratio", "ge", 5, "rd"), leaf("revenue", "ge", 10_000_000, "rev"),
                                            leaf("first_loan", "true", id="first")]}, id="B"),
        make_product({"id": "root", "all": [leaf("rd_ratio", "ge", 5, "rd"),
                                            {"id": "q", "any": [leaf("phd_count", "ge", 3, "phd"),
                                                                leaf("invention_patents", "ge", 2, "ip")]}]},
                     id="C", industry_chains=("集成电路",)),
        make_product(leaf("rd_ratio", "ge", 3), id="D", industry_chains=("集成电路",)),
    ]


def test_recommend_lists_eligible_offers_best_fit_first():
    enterprise = make_enterprise(rd_ratio=4.0, industry_chains=("集成电路",))

    verdicts = recommend(enterprise, offers(), AS_OF)

    assert [(v.offer, v.score) for v in verdicts] == [("D", 42.8), ("A", 35.3)]


def test_near_misses_say_what_to_improve():
    enterprise = make_enterprise(rd_ratio=4.0, revenue=20_000_000, first_loan=True, phd_count=1)

    misses = near_misses(enterprise, offers(), AS_OF)

    assert [(m.offer, m.failed_criteria) for m in misses] == [("B", ("rd",)), ("C", ("rd", "q"))]
    assert [r.text for r in misses[1].to_improve] == [
        "研发投入占比 4% < 要求 ≥ 5% ✗", "博士人数 1 人 < 要求 ≥ 3 人 ✗", "发明专利 未填写，要求 ≥ 2 件 ✗", "满足其一：均未满足 ✗"]
