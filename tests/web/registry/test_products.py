"""产品库: institutions create products whose criteria the matching engine checks, publish and
archive them; the public library lists published ones and says in plain Chinese who qualifies."""

from __future__ import annotations

import json

from matchmaker.models import AuditLog, Product

CRITERIA = {"id": "root", "all": [
    {"id": "rd", "field": "rd_ratio", "op": "ge", "value": 3, "text": "研发投入占比不低于3%"},
    {"id": "path", "any": [
        {"id": "hnte", "field": "qualifications", "op": "contains", "value": "高新技术企业"},
        {"id": "ip", "field": "invention_patents", "op": "gt", "value": 5},
    ]},
]}
PRODUCT = {"name": "科创信用贷", "kind": "信用贷款", "term_min_months": "6", "term_max_months": "36",
           "rate_text": "LPR 起", "regions": "浙江省/星河市", "policy_instruments": ["贴息"],
           "amount_mode": "fixed", "amount_max": "1000", "amount_min": "50", "criteria": json.dumps(CRITERIA)}


async def test_institution_creates_a_product_with_nested_criteria(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    response = await client.submit("/institution/products", PRODUCT)

    assert response.status_code == 303
    product = await Product.get()
    assert (product.name, product.kind, product.status) == ("科创信用贷", "credit_loan", "draft")
    assert product.amount_rule == {"max": 10_000_000, "min": 500_000}
    assert product.criteria == CRITERIA
    assert product.regions == ["浙江省/星河市"] and product.policy_instruments == ["贴息"]


async def test_tiered_amounts_are_stored_in_yuan_with_their_conditions(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)
    first_loan = {"id": "t1", "field": "first_loan", "op": "true"}

    await client.submit("/institution/products", {
        **PRODUCT, "amount_mode": "tiers", "amount_max": "", "tier0_label": "首贷户", "tier0_max": "500",
        "tier0_when": json.dumps(first_loan), "tier1_label": "其他", "tier1_max": "300"})

    product = await Product.get()
    assert product.amount_rule == {"tiers": [{"max": 5_000_000, "when": first_loan, "label": "首贷户"},
                                             {"max": 3_000_000, "label": "其他"}], "min": 500_000}


async def test_bad_criteria_and_amounts_are_shown_beside_their_rows(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)
    bad = {"id": "root", "all": [{"id": "x", "field": "moon_phase", "op": "ge", "value": 1},
                                 {"id": "y", "field": "tax_rating", "op": "ge", "value": "A"}]}

    response = await client.submit("/institution/products", {**PRODUCT, "criteria": json.dumps(bad),
                                                              "amount_min": "2000", "term_min_months": "0"})

    assert response.status_code == 400
    assert "x：未知字段 moon_phase" in response.text
    assert "y：运算符 ge 不适用于纳税信用等级" in response.text
    assert "起贷额度不能高于最高额度" in response.text
    assert "最短期限（月）：不能小于 1" in response.text
    assert await Product.all().count() == 0


async def test_preview_renders_plain_chinese_or_problems_by_row(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)
    token = await client.csrf()

    good = await client.post("/products/criteria-preview", json={"criteria": CRITERIA},
                             headers={"x-csrftoken": token})
    bad = await client.post("/products/criteria-preview", headers={"x-csrftoken": token},
                            json={"criteria": {"id": "r", "all": [{"id": "a", "field": "revenue", "op": "ge",
                                                                   "value": "很多"}]}})

    assert good.status_code == 200
    assert good.json()["text"].splitlines() == [
        "同时满足以下全部条件：", "  · 研发投入占比不低于 3%", "  · 满足以下任一条件：",
        "    · 有效资质包含 高新技术企业", "    · 发明专利超过 5 件"]
    assert bad.status_code == 422
    assert bad.json() == {"problems": {"a": "营业收入的值应为数字"}}


async def test_published_products_appear_in_the_library_with_who_qualifies(client, other_client, make_organization):
    bank = await make_organization("bank", name="星河银行")
    await client.login(bank.email)
    await client.submit("/institution/products", PRODUCT)
    await client.submit("/institution/products", {**PRODUCT, "name": "草稿产品"})
    published = await Product.get(name="科创信用贷")
    await client.submit(f"/institution/products/{published.id}/status", {"status": "published"})

    library = await other_client.get("/products?kind=credit_loan&amount=800&region=浙江省")
    too_big = await other_client.get("/products?amount=5000")
    detail = await other_client.get(f"/products/{published.id}")
    draft = await other_client.get(f"/products/{(await Product.get(name='草稿产品')).id}")

    assert "科创信用贷" in library.text and "草稿产品" not in library.text
    assert "科创信用贷" not in too_big.text
    assert "研发投入占比不低于 3%" in detail.text and "最高 1000 万元；起贷额度 50 万元" in detail.text
    assert draft.status_code == 404
    assert await AuditLog.filter(action="product.publish").count() == 1


async def test_another_institutions_product_answers_404(client, other_client, make_organization):
    bank = await make_organization("bank")
    rival = await make_organization("bank")
    await client.login(bank.email)
    await client.submit("/institution/products", PRODUCT)
    product = await Product.get()
    await other_client.login(rival.email)

    edit = await other_client.get(f"/institution/products/{product.id}")
    overwrite = await other_client.submit(f"/institution/products/{product.id}", {**PRODUCT, "name": "被改"})
    publish = await other_client.submit(f"/institution/products/{product.id}/status", {"status": "published"})

    assert (edit.status_code, overwrite.status_code, publish.status_code) == (404, 404, 404)
    await product.refresh_from_db()
    assert (product.name, product.status) == ("科创信用贷", "draft")
    assert "科创信用贷" not in (await other_client.get("/institution/products")).text


async def test_enterprises_cannot_create_products(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/institution/products", PRODUCT)

    assert response.status_code == 403
