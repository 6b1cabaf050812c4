"""Parsing, validation messages and plain-Chinese rendering of criteria."""

from __future__ import annotations

import pytest

from matchmaker.matching.criteria import (
    CriteriaError,
    criteria_to_json,
    parse_criteria,
    top_level_units,
    validate_criteria,
)
from matchmaker.matching.render import OPERATOR_WORDS, render_criterion, render_tree
from tests.matching.factories import FIELDS, leaf

TREE = {"id": "root", "text": "申请条件", "basis": "stated", "all": [
    {"id": "rd", "text": "研发投入不低于3%", "basis": "stated", "field": "rd_ratio", "op": "ge", "value": 3},
    {"id": "tech", "basis": "inferred", "any": [
        {"id": "hnte", "basis": "stated", "field": "qualifications", "op": "contains", "value": "高新技术企业"},
        {"id": "not_k", "basis": "stated", "not": {"id": "k", "basis": "stated", "field": "industry_section",
                                                   "op": "eq", "value": "K"}}]},
    {"id": "list", "text": "名单制", "basis": "process"},
]}


def test_round_trip_through_json():
    assert criteria_to_json(parse_criteria(TREE)) == TREE


def test_top_level_units_flatten_nested_all():
    tree = parse_criteria({"id": "r", "all": [leaf("rd_ratio", "ge", 3, "a"),
                                              {"id": "inner", "all": [leaf("employees", "ge", 3, "b")]}]})

    assert [u.id for u in top_level_units(tree)] == ["a", "b"]


def test_validation_is_empty_for_a_good_tree():
    assert validate_criteria(TREE, FIELDS) == {}


@pytest.mark.parametrize("node,message", [
    (leaf("rd_ration", "ge", 3), "未知字段 rd_ration"),
    (leaf("tax_rating", "ge", "A"), "运算符 ge 不适用于纳税信用等级 (enum 类型; 可用: eq in ne nin)"),
    (leaf("tax_rating", "eq", "AAA"), "纳税信用等级的值应为 A、B、M、C、D 之一, 而不是 AAA"),
    (leaf("revenue", "ge", "一千万"), "营业收入的值应为数字"),
    (leaf("revenue", "ge", -1), "营业收入的金额不能为负 (单位: 元)"),
    (leaf("established", "ge", "2020/01/01"), "成立日期的值应为日期 YYYY-MM-DD, 而不是 2020/01/01"),
    (leaf("tax_rating", "in", []), "in / nin 的值应为非空列表"),
    (leaf("first_loan", "contains", "x"), "运算符 contains 不适用于首贷户 (bool 类型; 可用: eq false ne true)"),
    (leaf("custom.白名单", "true"), None),
    (leaf("custom.未声明", "true"), "未知字段 custom.未声明"),
    (leaf("rd_ratio", "between", 3), "运算符 op 应为 eq ne lt le gt ge in nin contains true false 之一, 而不是 'between'"),
])
def test_validation_messages(node, message):
    assert validate_criteria(node, FIELDS) == ({} if message is None else {"c1": message})


def test_validation_of_shape_ids_and_process_under_not():
    problems = validate_criteria({"id": "r", "all": [leaf("rd_ratio", "ge", 3, "a"), leaf("employees", "ge", 1, "a"),
                                                     {"field": "employees", "op": "ge", "value": 1},
                                                     {"id": "platform.x", "field": "employees", "op": "ge", "value": 1}]},
                                 FIELDS)

    assert problems == {"a": "条件编号 a 重复", "criteria.all[2]": "缺少条件编号 id",
                        "platform.x": "条件编号不能以 platform. 或 product. 开头 (保留给平台规则和产品规则)"}
    assert validate_criteria({"id": "n", "not": {"id": "p", "basis": "process", "text": "名单制"}}, FIELDS) == {
        "n": "「不满足」条件中不能包含流程类条件 (流程类条件不自动判断)"}


def test_parse_raises_with_every_problem():
    with pytest.raises(CriteriaError) as raised:
        parse_criteria({"id": "r", "any": []})

    assert raised.value.problems == {"r": "any 应为非空列表"}


def test_operator_words_follow_chinese_legal_usage():
    assert OPERATOR_WORDS["ge"] == "不低于/以上(含)"
    assert OPERATOR_WORDS["gt"] == "超过"
    assert OPERATOR_WORDS["le"] == "不超过/以下(含)"
    assert OPERATOR_WORDS["lt"] == "不满/低于"


@pytest.mark.parametrize("node,text", [
    (leaf("rd_ratio", "ge", 3), "研发投入占比不低于 3%"),
    (leaf("rd_ratio", "gt", 3), "研发投入占比超过 3%"),
    (leaf("revenue", "le", 10_000_000), "营业收入不超过 1000 万元"),
    (leaf("years_established", "lt", 5), "成立年限低于 5 年"),
    (leaf("established", "ge", "2020-01-01"), "成立日期不早于 2020-01-01"),
    (leaf("tax_rating", "in", ["A", "B"]), "纳税信用等级为 A、B 之一"),
    (leaf("qualifications", "contains", "高新技术企业"), "有效资质包含 高新技术企业"),
    (leaf("industry_chains", "nin", ["集成电路"]), "所属产业链不包含 集成电路"),
    (leaf("first_loan", "true"), "首贷户：是"),
    (leaf("custom.创新积分", "ge", 60), "创新积分不低于 60"),
])
def test_render_a_criterion_in_plain_chinese(node, text):
    assert render_criterion(parse_criteria(node), FIELDS) == text


def test_render_a_tree_for_the_editor_preview():
    assert render_tree(parse_criteria(TREE), FIELDS) == "\n".join([
        "同时满足以下全部条件：",
        "  · 研发投入占比不低于 3%",
        "  · 满足以下任一条件：",
        "    · 有效资质包含 高新技术企业",
        "    · 不得满足：",
        "      · 行业门类为 K",
        "  · 名单制（由机构审核）",
    ])
    assert render_criterion(parse_criteria(TREE), FIELDS) == (
        "同时满足：研发投入占比不低于 3%；（满足其一：有效资质包含 高新技术企业；或 （不得：行业门类为 K））；名单制（由机构审核）")
