"""`need.custom.<key>`: an organizer's field declared on needs is a need field — judged at the
threshold with the legal reading (以上 includes) the same in the explained and the vectorised
paths, only for needs of the product's kind family, 未填写 when the need leaves it empty or holds
a value of the wrong type, and named by its label in the reason."""

from __future__ import annotations

from matchmaker import matching
from matchmaker.matching.fields import FieldType, need_custom_field
from tests.matching.factories import AS_OF, FIELDS, leaf, make_enterprise, make_need, make_product

REGISTRY = FIELDS.with_custom([need_custom_field("订单金额", FieldType.MONEY, label="在手订单金额", unit="万元"),
                               need_custom_field("项目阶段", FieldType.ENUM, label="项目阶段", choices=("研发", "量产"))])
ORDERS_AT_LEAST_300 = {"id": "root", "all": [leaf("need.custom.订单金额", "ge", 3_000_000, id="orders")]}


def _both(product, needs):
    enterprise = make_enterprise()
    explained = [matching.explain(matching.Subject(enterprise, need, AS_OF), product).eligible for need in needs]
    matrix = matching.MatchIndex([enterprise] * len(needs), AS_OF, needs=needs).evaluate([product])
    return explained, [bool(matrix.eligible[0, row]) for row in range(len(needs))]


def test_at_below_and_above_the_threshold_in_both_paths():
    product = make_product(ORDERS_AT_LEAST_300, fields=REGISTRY)
    needs = [make_need(id=str(i), custom={"订单金额": amount})
             for i, amount in enumerate((2_999_999, 3_000_000, 3_000_001))]
    explained, vectorised = _both(product, needs)
    assert explained == vectorised == [False, True, True]  # 300 万元以上 includes 300 万元


def test_an_empty_or_mistyped_value_is_not_filled_in_and_fails_the_criterion():
    product = make_product(ORDERS_AT_LEAST_300, fields=REGISTRY)
    needs = [make_need(id="a"), make_need(id="b", custom={"订单金额": "很多"}), make_need(id="c", custom={"订单金额": True})]
    explained, vectorised = _both(product, needs)
    assert explained == vectorised == [False, False, False]
    reason = matching.explain(matching.Subject(make_enterprise(), needs[0], AS_OF), product).reasons[0]
    assert reason.outcome == "fail" and reason.text.startswith("在手订单金额 未填写")


def test_it_is_a_need_field_judged_only_for_needs_of_the_products_family():
    field = REGISTRY.get("need.custom.项目阶段")
    assert field is not None and field.needs_need and field.source == "need"
    product = make_product({"id": "root", "all": [leaf("need.custom.项目阶段", "eq", "量产", id="stage")]},
                           fields=REGISTRY)
    equity_need = make_need(id="e", kind="equity", custom={"项目阶段": "研发"})
    loan_need = make_need(id="l", custom={"项目阶段": "量产"})
    explained, vectorised = _both(product, [equity_need, loan_need])
    assert explained == vectorised == [True, True]  # the equity need is not judged by a loan's need criterion
    reason = matching.explain(matching.Subject(make_enterprise(), loan_need, AS_OF), product).reasons[0]
    assert reason.outcome == "pass" and "项目阶段" in reason.text


def test_a_need_field_and_a_profile_field_of_the_same_name_do_not_mix():
    assert "need.custom.订单金额" in REGISTRY and "custom.订单金额" not in REGISTRY
    product = make_product(ORDERS_AT_LEAST_300, fields=REGISTRY)
    enterprise = make_enterprise(custom={"订单金额": 9_000_000})
    assert not matching.explain(matching.Subject(enterprise, make_need(), AS_OF), product).eligible
