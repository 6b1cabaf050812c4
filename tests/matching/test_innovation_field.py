"""科创积分 as a criterion field, on the as-of date, with the configured weights; the default
weights name the qualifications as profiles hold them."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.innovation import InnovationWeights, innovation_score
from matchmaker.matching.vectorized import MatchIndex
from matchmaker.services.registry.profiles import QUALIFICATIONS
from tests.matching.factories import AS_OF, FIELDS, leaf, make_enterprise, make_product


@pytest.mark.parametrize("name,points", [("专精特新中小企业", 6.0), ("专精特新“小巨人”企业", 10.0),
                                         ("瞪羚企业", 5.0), ("制造业单项冠军", 10.0)])
def test_the_qualifications_profiles_hold_earn_their_points(name, points):
    assert name in QUALIFICATIONS
    score = innovation_score(make_enterprise(qualifications={name: date(2025, 1, 1)}), AS_OF)

    assert score.qualifications == points == score.total


def test_every_default_weight_names_a_qualification_profiles_can_hold():
    assert set(InnovationWeights().qualification_points) <= set(QUALIFICATIONS)


def test_innovation_score_is_a_criterion_field_on_the_as_of_date():
    offer = make_product(leaf("innovation_score", "ge", 10, "score"))
    enterprise = make_enterprise(qualifications={"专精特新“小巨人”企业": date(2026, 6, 30)})

    on_the_day = explain(Subject(enterprise, None, AS_OF), offer)
    the_day_before = explain(Subject(enterprise, None, date(2026, 6, 29)), offer)

    assert FIELDS.get("innovation_score").label == "科创积分"
    assert on_the_day.eligible and not the_day_before.eligible
    assert [r.text for r in on_the_day.reasons] == ["科创积分 10 分 ≥ 要求 ≥ 10 分 ✓"]
    assert [r.text for r in the_day_before.reasons] == ["科创积分 0 分 < 要求 ≥ 10 分 ✗"]


def test_innovation_score_uses_the_configured_weights_on_both_paths():
    offer = make_product(leaf("innovation_score", "ge", 20, "score"))
    enterprise = make_enterprise(qualifications={"瞪羚企业": date(2025, 1, 1)})
    weights = InnovationWeights.from_mapping({"qualification_points": {"瞪羚企业": 25}, "qualification_cap": 30})

    default = explain(Subject(enterprise, None, AS_OF), offer)
    configured = explain(Subject(enterprise, None, AS_OF), offer, innovation_weights=weights)
    matrix = MatchIndex([enterprise], AS_OF, innovation_weights=weights).evaluate([offer])

    assert not default.eligible
    assert configured.eligible and bool(matrix.eligible[0, 0])
    assert matrix.verdict(0, 0).eligible
