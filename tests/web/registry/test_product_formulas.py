"""Products with arithmetic: a formula criterion and a formula amount rule through the form,
stored as the JSON of docs/formats.md; bad formulas refused beside the field, nothing written."""

from __future__ import annotations

import json

from matchmaker.models import Product
from tests.web.registry.test_products import PRODUCT

DEBT_OVER_REVENUE = {"id": "root", "all": [
    {"id": "debt", "expr": {"op": "div", "args": [{"op": "add", "args": [{"field": "existing_debt"},
                                                                       {"field": "need.amount"}]},
                                                  {"field": "revenue"}]}, "op": "le", "value": 50},
]}
CAP = {"op": "sub", "args": [{"op": "mul", "args": [{"percent": 50}, {"field": "valuation"}]}, {"field": "existing_debt"}]}


async def test_a_product_with_a_formula_criterion_and_amount(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    response = await client.submit("/institution/products", {
        **PRODUCT, "criteria": json.dumps(DEBT_OVER_REVENUE), "amount_mode": "expr", "amount_expr": json.dumps(CAP),
        "amount_max": "2000", "amount_min": "50"})

    assert response.status_code == 303
    product = await Product.get()
    assert product.criteria == DEBT_OVER_REVENUE
    assert product.amount_rule == {"expr": CAP, "max": 20_000_000, "min": 500_000}
    page = await client.get(f"/institution/products/{product.pk}")
    assert 'value="expr" checked' in page.text
    assert "&#34;percent&#34;: 50" in page.text or '"percent": 50' in page.text


async def test_bad_formulas_are_refused_beside_the_field(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)
    mixed = {"id": "root", "all": [{"id": "mix", "expr": {"op": "add", "args": [{"field": "revenue"},
                                                                            {"field": "rd_ratio"}]},
                                    "op": "le", "value": 1}]}
    ratio = {"op": "div", "args": [{"field": "existing_debt"}, {"field": "revenue"}]}

    response = await client.submit("/institution/products", {
        **PRODUCT, "criteria": json.dumps(mixed), "amount_mode": "expr", "amount_expr": json.dumps(ratio)})

    assert response.status_code == 400
    assert "mix：营业收入 + 研发投入占比：金额、比例不能相加" in response.text
    assert "额度公式的结果应为金额" in response.text
    empty = await client.submit("/institution/products", {**PRODUCT, "amount_mode": "expr", "amount_expr": ""})
    assert empty.status_code == 400 and "请填写额度公式" in empty.text
    assert await Product.all().count() == 0
