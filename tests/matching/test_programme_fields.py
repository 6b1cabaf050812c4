"""Fields programmes test (issue 14): each with its label and unit in the registry, judged at, just
below and just above its threshold with the Chinese legal reading (以上/以下 include, 超过/不满 exclude)."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.matching import Product, Subject, compile_offer, default_fields, explain, parse_criteria
from matchmaker.matching.model import EnterpriseProfile, FinancingNeed

AS_OF = date(2026, 12, 3)
NEW_FIELDS = {
    "legal_rep_age": ("法定代表人年龄", "number", "岁"), "legal_rep_share": ("法定代表人持股比例", "percent", "%"),
    "overdue_30d": ("当前逾期30天以上", "bool", ""), "overdue_90d": ("当前逾期90天以上", "bool", ""),
    "overdue_3x6": ("近两年逾期连三累六", "bool", ""), "abnormal_operation": ("列入经营异常名录", "bool", ""),
    "tax_paid": ("上年度纳税总额", "money", "万元"), "taxable_sales": ("上年度应税销售收入", "money", "万元"),
    "profitable_2y": ("近两年均盈利", "bool", ""), "new_hires": ("上年度新增就业人数", "number", "人"),
    "need.pledged_ip_remaining_years": ("质押专利剩余保护期", "number", "年"),
    "need.pledged_ip_value": ("质押知识产权评估价值", "money", "万元"),
}


def test_every_new_field_has_its_label_type_and_unit():
    fields = default_fields()
    assert {key: (fields.get(key).label, fields.get(key).type.value, fields.get(key).unit)
            for key in NEW_FIELDS} == NEW_FIELDS


def _eligible(criterion: dict, enterprise: EnterpriseProfile, need: FinancingNeed | None = None) -> bool:
    product = Product(id="P", name="测试", provider="银行", kind="ip_pledge_loan",
                      criteria=parse_criteria({"id": "c", **criterion}))
    return explain(Subject(enterprise, need, AS_OF), compile_offer(product, default_fields(), ())).eligible


def _firm(**values) -> EnterpriseProfile:
    return EnterpriseProfile(uscc="E", name="甲", **values)


@pytest.mark.parametrize(("op", "below", "at", "above"), [
    ("le", True, True, False),   # 法定代表人年龄 60 周岁以下 (含)
    ("lt", True, False, False),  # 不满 60 周岁
    ("ge", False, True, True),   # 60 周岁以上 (含)
    ("gt", False, False, True),  # 超过 60 周岁
])
def test_legal_representative_age_boundaries(op, below, at, above):
    rule = {"field": "legal_rep_age", "op": op, "value": 60}
    assert [_eligible(rule, _firm(legal_rep_age=age)) for age in (59, 60, 61)] == [below, at, above]


@pytest.mark.parametrize(("key", "threshold", "values"), [
    ("tax_paid", 1_000_000, (999_999, 1_000_000, 1_000_001)),  # 上年度纳税 100 万元以上
    ("taxable_sales", 20_000_000, (19_999_999, 20_000_000, 20_000_001)),
    ("legal_rep_share", 10, (9.99, 10, 10.01)),  # 法定代表人持股 10% 以上
    ("new_hires", 10, (9, 10, 11)),  # 上年度新增就业 10 人以上
])
def test_figures_at_just_below_and_just_above_a_ge_threshold(key, threshold, values):
    rule = {"field": key, "op": "ge", "value": threshold}
    assert [_eligible(rule, _firm(**{key: value})) for value in values] == [False, True, True]
    assert _eligible(rule, _firm()) is False  # 未填写 fails


def test_credit_flags_and_two_year_profit():
    clean = {"all": [{"id": "o30", "field": "overdue_30d", "op": "false"},
                     {"id": "o90", "field": "overdue_90d", "op": "false"},
                     {"id": "x36", "field": "overdue_3x6", "op": "false"},
                     {"id": "ab", "field": "abnormal_operation", "op": "false"},
                     {"id": "p2", "field": "profitable_2y", "op": "true"}]}
    good = dict(overdue_30d=False, overdue_90d=False, overdue_3x6=False, abnormal_operation=False, profitable_2y=True)
    assert _eligible(clean, _firm(**good))
    for key in good:
        assert not _eligible(clean, _firm(**{**good, key: not good[key]})), key
        assert not _eligible(clean, _firm(**{**good, key: None})), key  # 未填写 fails too


def test_need_level_pledged_patents_remaining_term_and_value():
    rule = {"all": [{"id": "term", "field": "need.pledged_ip_remaining_years", "op": "ge", "value": 5},
                    {"id": "value", "field": "need.pledged_ip_value", "op": "gt", "value": 3_000_000}]}

    def need(years, value):
        return FinancingNeed(id="N", kind="ip_pledge_loan", amount=1_000_000, pledged_ip_remaining_years=years,
                             pledged_ip_value=value)

    assert _eligible(rule, _firm(), need(5, 3_000_001))
    assert not _eligible(rule, _firm(), need(4.9, 3_000_001))  # 剩余保护期不满 5 年
    assert not _eligible(rule, _firm(), need(5, 3_000_000))    # 评估价值未超过 300 万元
