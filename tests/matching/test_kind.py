"""Kind within a family: a credit-loan need sees credit loans first; the reason says when the
product is another kind of loan."""

from __future__ import annotations

from matchmaker.matching.evaluate import Subject, explain
from matchmaker.matching.recommend import recommend
from tests.matching.factories import AS_OF, make_enterprise, make_need, make_product


def test_a_credit_loan_need_sees_credit_loans_before_guarantee_loans():
    # the guarantee loan fits better (it serves the enterprise's district) but is not what was asked
    guaranteed = make_product(None, id="G", kind="guaranteed_loan", regions=("浙江省/杭州市/滨江区",))
    credit = make_product(None, id="C", kind="credit_loan", regions=("浙江省",))
    pledge = make_product(None, id="I", kind="ip_pledge_loan", regions=("浙江省/杭州市",))

    ranked = recommend(make_enterprise(), [guaranteed, pledge, credit], AS_OF, need=make_need(kind="credit_loan"))

    assert [v.offer for v in ranked] == ["C", "G", "I"]
    assert ranked[1].score > ranked[0].score  # the fit score still orders within each group
    assert [v.kind_exact for v in ranked] == [True, False, False]


def test_the_reason_says_when_the_kind_differs():
    guaranteed = make_product(None, kind="guaranteed_loan")

    other = explain(Subject(make_enterprise(), make_need(kind="credit_loan"), AS_OF), guaranteed)
    same = explain(Subject(make_enterprise(), make_need(kind="guaranteed_loan"), AS_OF), guaranteed)

    assert other.eligible and other.kind_match and not other.kind_exact
    assert [(r.outcome, r.text) for r in other.reasons if r.source == "kind"] == [
        ("pass", "产品类型为担保贷款，与需求类型（信用贷款）不同，同属贷款类")]
    assert same.kind_exact and not [r for r in same.reasons if r.source == "kind"]
    assert explain(Subject(make_enterprise(), None, AS_OF), guaranteed).kind_exact
