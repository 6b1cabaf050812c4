"""/api/v1/: session or Bearer token, tenant-scoped, JSON errors, an OpenAPI document."""

from __future__ import annotations


from matchmaker.models import FinancingNeed, Product
from tests.conftest import issued_token

NEED = {"title": "接口需求", "kind": "credit_loan", "amount": 5_000_000, "term_months": 12}


async def _token(client, email: str) -> str:
    await client.login(email)
    page = await client.submit("/account/api-tokens", {"name": "行内系统"})
    return issued_token(page.text)


async def test_enterprise_posts_and_reads_needs_with_a_bearer_token(client, other_client, make_organization):
    owner = await make_organization("enterprise")
    token = await _token(client, owner.email)
    headers = {"authorization": f"Bearer {token}"}

    created = await other_client.post("/api/v1/needs", json=NEED, headers=headers)
    listed = await other_client.get("/api/v1/needs", headers=headers)

    assert created.status_code == 201
    assert {k: created.json()[k] for k in ("kind", "amount", "status")} == {
        "kind": "credit_loan", "amount": 5_000_000, "status": "open"}
    assert [n["title"] for n in listed.json()] == ["接口需求"]


async def test_bad_input_answers_400_with_problems_by_field(client, make_organization):
    owner = await make_organization("enterprise")
    token = await _token(client, owner.email)

    response = await client.post("/api/v1/needs", json={**NEED, "amount": "100万左右", "term_months": 0},
                                 headers={"authorization": f"Bearer {token}"})

    assert response.status_code == 400
    assert response.json()["problems"] == {"amount": "金额（万元）：应为整数（单位：元）",
                                           "term_months": "期限（月）：不能小于 1"}
    assert await FinancingNeed.all().count() == 0


async def test_another_tenants_need_answers_404_and_no_token_401(client, other_client, make_organization):
    owner = await make_organization("enterprise")
    intruder = await make_organization("enterprise")
    owner_token = await _token(client, owner.email)
    need = (await client.post("/api/v1/needs", json=NEED, headers={"authorization": f"Bearer {owner_token}"})).json()
    intruder_token = await _token(other_client, intruder.email)

    peek = await other_client.get(f"/api/v1/needs/{need['id']}", headers={"authorization": f"Bearer {intruder_token}"})
    anonymous = await other_client.get("/api/v1/needs", headers={"authorization": "Bearer mm_wrong"})

    assert peek.status_code == 404
    assert anonymous.status_code == 401


async def test_institution_creates_a_product_with_criteria_over_the_api(client, make_organization):
    bank = await make_organization("bank")
    token = await _token(client, bank.email)
    body = {"name": "接口产品", "kind": "credit_loan", "amount_rule": {"max": 10_000_000},
            "criteria": {"id": "r", "field": "rd_ratio", "op": "ge", "value": 3}}

    created = await client.post("/api/v1/my/products", json=body, headers={"authorization": f"Bearer {token}"})
    bad = await client.post("/api/v1/my/products", headers={"authorization": f"Bearer {token}"},
                            json={**body, "criteria": {"id": "r", "field": "nothing", "op": "ge", "value": 3}})

    assert created.status_code == 201 and created.json()["status"] == "draft"
    assert bad.status_code == 400 and bad.json()["problems"] == {"criteria:r": "未知字段 nothing"}
    assert await Product.all().count() == 1


async def test_openapi_document_lists_the_paths(client):
    document = (await client.get("/api/v1/openapi.json")).json()

    assert document["openapi"] == "3.1.0"
    assert {"/api/v1/needs", "/api/v1/my/products", "/api/v1/products", "/api/v1/profile"} <= set(document["paths"])


async def test_numbers_too_large_for_their_columns_are_refused(client, make_organization):
    owner = await make_organization("enterprise")
    token = await _token(client, owner.email)

    response = await client.post("/api/v1/needs", json={**NEED, "amount": 10**30, "term_months": 10**12},
                                 headers={"authorization": f"Bearer {token}"})
    profile = await client.put("/api/v1/profile", json={"employees": 10**12},
                               headers={"authorization": f"Bearer {token}"})

    assert response.status_code == 400
    assert response.json()["problems"] == {"amount": "金额（万元）：金额过大", "term_months": "期限（月）：不能大于 360"}
    assert profile.status_code == 400 and profile.json()["problems"] == {"employees": "职工人数：数值过大"}
