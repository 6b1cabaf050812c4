"""Custom fields declared on needs (issue 14): the organizer declares 在手订单金额 on needs; it is
asked in the need form (bad input refused beside the field, nothing written), kept when the need
is edited, read and written by the need import and export, offered by the criteria editor among
the need fields, and a product criterion on it decides and explains the enterprise's matches."""

from __future__ import annotations

import html
import json

import pytest

from matchmaker.models import CustomField, FinancingNeed
from matchmaker.services.registry.io.transfer import ImportRejected, export_file, import_file, make_context
from tests.conftest import issued_token
from tests.factories import make_institution, make_product, organization_of, workbook_bytes
from tests.services.registry.test_registry_io import LIMITS, _report

NEED = {"title": "订单融资", "kind": "信用贷款", "amount": "500", "term_months": "12", "urgency": "一般"}
ORDERS = {"key": "订单金额", "label": "在手订单金额", "type": "money", "target": "need"}


async def _declare(client, make_organization) -> None:
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    assert (await client.submit("/organizer/custom-fields", ORDERS)).status_code == 303
    await client.submit("/organizer/custom-fields", {"key": "阶段", "label": "项目阶段", "type": "enum",
                                                     "options": "研发、量产", "target": "need"})


async def test_the_organizer_declares_a_field_on_needs_and_the_editor_offers_it_as_a_need_field(
        client, other_client, make_organization):
    await _declare(client, make_organization)
    bank = await make_organization("bank")
    await other_client.login(bank.email)

    settings = await client.get("/organizer/registry")
    editor = await other_client.get("/institution/products/new")

    assert (await CustomField.get(key="订单金额")).target == "need"
    assert "<code>need.custom.订单金额</code>" in settings.text and "融资需求" in settings.text
    attribute = editor.text.split('id="criteria-meta"', 1)[1].split('data-fields="', 1)[1].split('"', 1)[0]
    offered = {f["key"]: f for f in json.loads(html.unescape(attribute))}
    assert offered["need.custom.订单金额"]["group"] == "融资需求" and offered["need.custom.订单金额"]["unit"] == "万元"
    assert offered["need.custom.阶段"]["choices"] == ["研发", "量产"]
    assert "custom.订单金额" not in offered  # not a profile field


async def test_a_target_other_than_profile_or_need_is_refused(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/custom-fields", {**ORDERS, "target": "product"})

    assert response.status_code == 400 and "请选择字段所属对象" in response.text
    assert await CustomField.all().count() == 0


async def test_the_need_form_asks_checks_and_keeps_the_need_fields(client, other_client, make_organization):
    await _declare(client, make_organization)
    owner = await make_organization("enterprise")
    await other_client.login(owner.email)

    form = await other_client.get("/needs/new")
    refused = await other_client.submit("/needs", {**NEED, "custom.订单金额": "很多", "custom.阶段": "试产"})
    created = await other_client.submit("/needs", {**NEED, "custom.订单金额": "300", "custom.阶段": "量产"})
    need = await FinancingNeed.get()
    edit = await other_client.get(f"/needs/{need.id}")
    await other_client.submit(f"/needs/{need.id}", {**NEED, "amount": "600", "custom.订单金额": "320",
                                                    "custom.阶段": "量产"})

    assert "在手订单金额" in form.text and "项目阶段" in form.text
    assert refused.status_code == 400
    assert "在手订单金额：" in refused.text and "项目阶段：应为 研发、量产 之一" in refused.text
    assert created.status_code == 303 and await FinancingNeed.all().count() == 1
    assert 'value="300"' in edit.text
    await need.refresh_from_db()
    assert (need.amount, need.custom) == (6_000_000, {"订单金额": 3_200_000, "阶段": "量产"})


async def test_a_product_criterion_on_a_need_field_decides_and_explains_the_match(
        client, other_client, make_organization):
    await _declare(client, make_organization)
    owner = await make_organization("enterprise")
    await other_client.login(owner.email)
    await other_client.submit("/profile", {"province": "浙江省", "city": "星河市", "district": "高新区",
                                           "dishonest_debtor": "否", "serious_violation": "否"})
    bank = await make_institution("星河银行")
    await make_product(bank, {"id": "root", "all": [
        {"id": "o", "field": "need.custom.订单金额", "op": "ge", "value": 3_000_000}]}, name="订单贷")
    await other_client.submit("/needs", {**NEED, "custom.订单金额": "300"})
    await other_client.submit("/needs", {**NEED, "title": "小订单", "custom.订单金额": "299.99"})
    big, small = await FinancingNeed.all().order_by("id")

    fits = await other_client.get(f"/enterprise/needs/{big.id}/matches")
    misses = await other_client.get(f"/enterprise/needs/{small.id}/matches")

    assert fits.status_code == misses.status_code == 200
    assert "订单贷" in fits.text and "在手订单金额 300 万元" in fits.text
    assert "在手订单金额 299.99 万元" in misses.text


async def test_need_import_reads_the_need_fields_and_export_writes_them(client, make_organization):
    await _declare(client, make_organization)
    owner = await organization_of(await make_organization("enterprise"))
    ctx = await make_context(chains=())
    headers = ["企业统一社会信用代码", "需求名称", "融资方式", "金额（万元）", "期限（月）", "在手订单金额", "项目阶段"]

    bad = workbook_bytes(headers, [owner.uscc, "订单融资", "信用贷款", 500, 12, "很多", "量产"])
    with pytest.raises(ImportRejected) as refused:
        await import_file("needs", "需求.xlsx", bad, ctx=ctx, limits=LIMITS)
    assert [(row, column) for row, column, _ in _report(refused)] == [("第 2 行", "在手订单金额")]
    assert await FinancingNeed.all().count() == 0
    good = workbook_bytes(headers, [owner.uscc, "订单融资", "信用贷款", 500, 12, 300, "量产"],
                  [owner.uscc, "无订单", "信用贷款", 100, 6, None, None])
    written = await import_file("needs", "需求.xlsx", good, ctx=ctx, limits=LIMITS)
    document = json.loads(await export_file("needs", ".json", ctx=ctx))

    assert written == 2
    assert [n.custom for n in await FinancingNeed.all().order_by("id")] == [{"订单金额": 3_000_000, "阶段": "量产"}, {}]
    assert [(item["custom.订单金额"], item["custom.阶段"]) for item in document["items"]] == [(3_000_000, "量产"),
                                                                                          (None, None)]


async def test_the_need_api_reads_and_answers_the_need_fields(client, other_client, make_organization):
    await _declare(client, make_organization)
    owner = await make_organization("enterprise")
    await other_client.login(owner.email)
    page = await other_client.submit("/account/api-tokens", {"name": "行内系统"})
    headers = {"authorization": f"Bearer {issued_token(page.text)}"}
    body = {"title": "接口需求", "kind": "credit_loan", "amount": 5_000_000, "term_months": 12}

    refused = await other_client.post("/api/v1/needs", json={**body, "custom": {"订单金额": "很多"}}, headers=headers)
    created = await other_client.post("/api/v1/needs", json={**body, "custom": {"订单金额": 3_000_000, "阶段": "研发"}},
                                      headers=headers)

    assert refused.status_code == 400 and list(refused.json()["problems"]) == ["custom.订单金额"]
    assert created.status_code == 201 and created.json()["custom"] == {"订单金额": 3_000_000, "阶段": "研发"}
