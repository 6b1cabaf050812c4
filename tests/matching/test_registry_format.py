"""`eligibility` reads `matchmaker.registry/1` (the platform's export) as strictly as its own formats."""

from __future__ import annotations

import json

from tests.matching.test_command import run_cli, write

DOC = {"format": "matchmaker.registry/1"}
PRODUCTS = {**DOC, "kind": "products", "custom_fields": [{"name": "白名单", "type": "bool", "label": "白名单"}],
            "platform_rules": [{"id": "1", "text": "非失信", "criteria": {"id": "d", "field": "dishonest_debtor",
                                                                         "op": "false"}}],
            "items": [{"institution": "甲银行", "name": "白名单贷", "kind": "credit_loan", "status": "published",
                       "amount_rule": {"max": 3000000}, "term_min_months": 6, "term_max_months": 12,
                       "criteria": {"id": "w", "field": "custom.白名单", "op": "true"}, "regions": [],
                       "description": "", "rate_text": ""},
                      {"institution": "甲银行", "name": "草稿贷", "kind": "credit_loan", "status": "draft"}]}
ENTERPRISES = {**DOC, "kind": "enterprises", "items": [
    {"uscc": "E1", "name": "甲", "city": "星河市", "province": "浙江省", "district": "", "dishonest_debtor": False,
     "custom.白名单": True, "qual.高新技术企业": "2025-01-01", "qual_valid.高新技术企业": None, "contact_name": "",
     "established_on": "2020-01-01", "industry_code": "C3911", "last_round": ""},
    {"uscc": "E2", "name": "乙", "dishonest_debtor": False}]}
NEEDS = {**DOC, "kind": "needs", "items": [
    {"enterprise_uscc": "E1", "title": "周转", "kind": "credit_loan", "amount": 1000000, "status": "open"},
    {"enterprise_uscc": "E1", "title": "已放款", "kind": "credit_loan", "amount": 1000000, "status": "granted"}]}


def test_published_offers_open_needs_custom_fields_and_platform_rules_are_read(tmp_path, capsys):
    code, out, err = run_cli(capsys, "--as-of", "2026-12-03", write(tmp_path, "p.json", PRODUCTS),
                             write(tmp_path, "e.json", ENTERPRISES), "--needs", write(tmp_path, "n.json", NEEDS))

    lines = [json.loads(line) for line in out.splitlines()]
    assert (code, err) == (0, "")
    assert [(x["enterprise"], x["need"], x["product"], x["eligible"]) for x in lines] == [
        ("E1", "items[0]", "甲银行/白名单贷", True), ("E2", None, "甲银行/白名单贷", False)]
    assert lines[1]["failed_criteria"] == ["w"] and "platform.1" in [r["id"] for r in lines[0]["reasons"]]


def test_bad_registry_files_exit_2_naming_the_place(tmp_path, capsys):
    products = write(tmp_path, "p.json", PRODUCTS)
    cases = [
        ({**ENTERPRISES, "items": [{"uscc": "E1", "name": "甲", "nonsense": 1}]}, None,
         "e.json.items[0]: 未知的键 nonsense"),
        ({**ENTERPRISES, "kind": "products"}, None, "e.json.kind: 此处应为 enterprises 的导出文件，而不是 products"),
        ({**ENTERPRISES, "items": [{"uscc": "E1", "name": "甲", "employees": "many"}]}, None,
         "e.json.items[0].employees: 应为整数"),
        (ENTERPRISES, {**NEEDS, "items": [{"enterprise_uscc": "E9", "kind": "credit_loan", "status": "open"}]},
         "n.json.items[0].enterprise_uscc: 企业文件中没有统一社会信用代码 E9"),
        ([{"uscc": "E1", "name": "甲"}], NEEDS, "--needs 只用于 matchmaker.registry/1 格式的企业文件"),
    ]
    for enterprises, needs, message in cases:
        argv = ["--as-of", "2026-12-03", products, write(tmp_path, "e.json", enterprises)]
        if needs is not None:
            argv += ["--needs", write(tmp_path, "n.json", needs)]
        code, out, err = run_cli(capsys, *argv)
        assert (code, out) == (2, ""), message
        assert message in err, err


def test_a_field_declared_on_needs_is_read_from_the_needs_export(tmp_path, capsys):
    products = {**PRODUCTS, "custom_fields": [{"name": "订单金额", "type": "money", "label": "在手订单金额",
                                               "target": "need"}],
                "platform_rules": [], "items": [{**PRODUCTS["items"][0], "name": "订单贷", "criteria": {
                    "id": "o", "field": "need.custom.订单金额", "op": "ge", "value": 3000000}}]}
    needs = {**DOC, "kind": "needs", "items": [
        {"enterprise_uscc": "E1", "kind": "credit_loan", "amount": 1000000, "status": "open", "custom.订单金额": 3000000},
        {"enterprise_uscc": "E2", "kind": "credit_loan", "amount": 1000000, "status": "open", "custom.订单金额": 2999999}]}

    code, out, err = run_cli(capsys, "--as-of", "2026-12-03", write(tmp_path, "p.json", products),
                             write(tmp_path, "e.json", ENTERPRISES), "--needs", write(tmp_path, "n.json", needs))

    lines = [json.loads(line) for line in out.splitlines()]
    assert (code, err) == (0, "")
    assert [(x["enterprise"], x["eligible"]) for x in lines] == [("E1", True), ("E2", False)]
    assert "在手订单金额" in lines[1]["reasons"][0]["text"]
