"""Hand-checked verdicts of the fixture programmes (tests/matching/fixtures) on both paths."""

from __future__ import annotations

import pytest

from matchmaker.matching.compiled import compile_offers
from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.formats import catalogue_from_json, enterprises_from_json
from matchmaker.matching.vectorized import MatchIndex
from tests.matching.factories import AS_OF, load_fixture

CATALOGUE = catalogue_from_json(load_fixture("products.json"))
OFFERS = compile_offers([*CATALOGUE.products, *CATALOGUE.policies], CATALOGUE.fields, CATALOGUE.platform_rules)
ENTERPRISES = enterprises_from_json(load_fixture("enterprises.json"))
EXPECTED = load_fixture("expected.json")


def _rows() -> list[tuple]:
    return [(e, n) for e, needs in ENTERPRISES for n in (needs or (None,))]


def test_the_fixture_has_ten_products_and_thirty_checked_enterprises():
    assert len(CATALOGUE.products) >= 10
    assert len({case["enterprise"] for case in EXPECTED}) >= 30


@pytest.mark.parametrize("case", EXPECTED, ids=lambda c: f"{c['enterprise']}-{c['product']}")
def test_explained_verdict_matches_hand_check(case):
    enterprise, need = next((e, n) for e, n in _rows() if e.uscc == case["enterprise"]
                            and (n.id if n else None) == case["need"])
    offer = next(o for o in OFFERS if o.id == case["product"])

    verdict = explain(Subject(enterprise, need, AS_OF), offer)

    assert {k: v for k, v in verdict.as_json().items() if k in case} == case


def test_vectorised_verdicts_match_hand_checks():
    rows = _rows()
    matrix = MatchIndex([e for e, _ in rows], AS_OF, needs=[n for _, n in rows]).evaluate(OFFERS)
    row_of = {(e.uscc, n.id if n else None): i for i, (e, n) in enumerate(rows)}
    offer_of = {o.id: i for i, o in enumerate(OFFERS)}

    actual = []
    for case in EXPECTED:
        r, o = row_of[case["enterprise"], case["need"]], offer_of[case["product"]]
        actual.append({"enterprise": case["enterprise"], "need": case["need"], "product": case["product"],
                       "eligible": bool(matrix.eligible[o, r]), "kind_match": bool(matrix.kind_match(o)[r]),
                       "failed_criteria": list(matrix.failed_criteria(o, r)), "max_amount": matrix.amount(o, r)})

    assert actual == EXPECTED


def test_fixture_reasons_show_value_beside_threshold():
    enterprise, _ = next(row for row in ENTERPRISES if row[0].uscc == "E02")
    offer = next(o for o in OFFERS if o.id == "P01")

    reasons = {r.criterion_id: r.text for r in explain(Subject(enterprise, None, AS_OF), offer).reasons}

    assert reasons["rd"] == "研发投入占比 2.99% < 要求 ≥ 3% ✗"
    assert reasons["age"] == "成立年限 0.9973 年 < 要求 ≥ 1 年 ✗"
    assert reasons["tax"] == "纳税信用等级 B，要求为 A、B、M 之一 ✓"
    assert reasons["product.amount"] == "可贷额度最高 500 万元（首贷户） ✓"
