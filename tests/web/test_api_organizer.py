"""/api/v1/ for the organizer's objects: its policies (政策库) and the custom profile fields; and the
list filters the pages have (needs by status and kind, the product library by kind, institution,
amount and region)."""

from __future__ import annotations


from matchmaker.models import CustomField, Policy, Product, PublicationStatus
from tests.conftest import issued_token

POLICY = {"name": "科技型中小企业贷款贴息", "instrument": "贷款贴息", "support": "按 LPR 的 50% 贴息",
          "regions": ["浙江省/星河市"], "valid_from": "2026-01-01", "valid_until": "2027-12-31",
          "amount_rule": {"max": 500_000},
          "criteria": {"id": "r", "all": [{"id": "q", "field": "qualifications", "op": "contains",
                                           "value": "科技型中小企业"}]}}


async def _bearer(client, email: str) -> dict[str, str]:
    await client.login(email)
    page = await client.submit("/account/api-tokens", {"name": "局内系统"})
    return {"authorization": f"Bearer {issued_token(page.text)}"}


async def test_organizer_creates_reads_edits_and_lists_its_policy(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    headers = await _bearer(client, organizer.email)

    created = await client.post("/api/v1/my/policies", json=POLICY, headers=headers)
    policy_id = created.json()["id"]
    edited = await client.put(f"/api/v1/my/policies/{policy_id}", json={**POLICY, "support": "贴息 60%"},
                              headers=headers)
    read = await client.get(f"/api/v1/my/policies/{policy_id}", headers=headers)
    listed = await client.get("/api/v1/my/policies", headers=headers)
    public = await client.get("/api/v1/policies", headers=headers)

    assert created.status_code == 201
    assert created.json() == {
        "id": policy_id, "name": "科技型中小企业贷款贴息", "instrument": "贷款贴息", "support": "按 LPR 的 50% 贴息",
        "description": "", "regions": ["浙江省/星河市"], "industry_chains": [], "criteria": POLICY["criteria"],
        "amount_rule": {"max": 500_000}, "valid_from": "2026-01-01", "valid_until": "2027-12-31",
        "status": "draft"}
    assert edited.status_code == 200 and edited.json()["support"] == "贴息 60%"
    assert read.json() == edited.json()
    assert [p["id"] for p in listed.json()] == [policy_id]
    assert public.json() == []  # a draft is not in the public library until the organizer publishes it


async def test_policy_with_a_bad_criteria_tree_is_refused_with_field_messages(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    headers = await _bearer(client, organizer.email)
    bad_tree = {"id": "r", "all": [{"id": "q", "field": "nothing", "op": "ge", "value": 3}]}

    response = await client.post("/api/v1/my/policies", headers=headers,
                                 json={**POLICY, "criteria": bad_tree, "valid_until": "2025-01-01"})

    assert response.status_code == 400
    assert response.json()["problems"] == {"criteria:q": "未知字段 nothing",
                                           "valid_until": "截止日期不能早于生效日期"}
    assert await Policy.all().count() == 0


async def test_another_organizers_policy_answers_404_and_stays_unchanged(client, other_client, make_organization):
    owner = await make_organization("government", is_organizer=True)
    rival = await make_organization("government", is_organizer=True)
    policy_id = (await client.post("/api/v1/my/policies", json=POLICY,
                                   headers=await _bearer(client, owner.email))).json()["id"]
    rival_headers = await _bearer(other_client, rival.email)

    peek = await other_client.get(f"/api/v1/my/policies/{policy_id}", headers=rival_headers)
    overwrite = await other_client.put(f"/api/v1/my/policies/{policy_id}", json={**POLICY, "name": "改掉"},
                                       headers=rival_headers)
    rival_list = await other_client.get("/api/v1/my/policies", headers=rival_headers)

    assert (peek.status_code, overwrite.status_code) == (404, 404)
    assert rival_list.json() == []
    assert (await Policy.get(id=policy_id)).name == "科技型中小企业贷款贴息"


async def test_non_organizers_may_not_write_policies_or_custom_fields(client, make_organization):
    bank = await make_organization("bank")
    headers = await _bearer(client, bank.email)

    policy = await client.post("/api/v1/my/policies", json=POLICY, headers=headers)
    field = await client.post("/api/v1/custom-fields", json={"key": "白名单", "label": "白名单", "type": "bool"},
                              headers=headers)

    assert (policy.status_code, field.status_code) == (403, 403)
    assert policy.json() == {"error": "仅限组织方", "problems": {}}
    assert await Policy.all().count() == await CustomField.all().count() == 0


async def test_organizer_defines_and_edits_a_custom_field_everyone_signed_in_can_list(
        client, other_client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    enterprise = await make_organization("enterprise")
    headers = await _bearer(client, organizer.email)

    created = await client.post("/api/v1/custom-fields", headers=headers, json={
        "key": "创新积分档", "label": "创新积分档次", "type": "enum", "options": ["A", "B"]})
    field_id = created.json()["id"]
    edited = await client.put(f"/api/v1/custom-fields/{field_id}", headers=headers, json={
        "label": "创新积分评价档次", "options": ["A", "B", "C"], "description": "区科技局每年评定",
        "key": "ignored", "type": "text"})
    listed = await other_client.get("/api/v1/custom-fields", headers=await _bearer(other_client, enterprise.email))

    assert created.status_code == 201
    assert created.json() == {"id": field_id, "key": "创新积分档", "label": "创新积分档次", "type": "enum",
                              "options": ["A", "B"], "description": "", "target": "profile"}
    assert edited.status_code == 200
    assert listed.json() == [{"id": field_id, "key": "创新积分档", "label": "创新积分评价档次", "type": "enum",
                              "options": ["A", "B", "C"], "description": "区科技局每年评定", "target": "profile"}]


async def test_bad_custom_fields_are_refused_with_field_messages(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    headers = await _bearer(client, organizer.email)

    bad = await client.post("/api/v1/custom-fields", headers=headers,
                            json={"key": "1abc", "label": "", "type": "enum", "options": ["只有一个"]})
    wrong_types = await client.post("/api/v1/custom-fields", headers=headers,
                                    json={"key": 7, "label": "积分", "type": "number", "options": {"a": 1}})

    assert bad.status_code == wrong_types.status_code == 400
    assert bad.json()["problems"] == {
        "key": "字段代码须以字母或汉字开头，只含字母、数字、下划线或汉字，最长 40 个字符",
        "label": "请填写名称（最长 60 个字）", "options": "单选字段至少需要两个选项，用“、”分隔"}
    assert wrong_types.json()["problems"] == {"key": "key 应为字符串", "options": "options 应为字符串数组"}
    assert await CustomField.all().count() == 0


async def test_another_organizers_custom_field_cannot_be_edited(client, other_client, make_organization):
    owner = await make_organization("government", is_organizer=True)
    rival = await make_organization("government", is_organizer=True)
    field_id = (await client.post("/api/v1/custom-fields", headers=await _bearer(client, owner.email),
                                  json={"key": "白名单", "label": "区白名单", "type": "bool"})).json()["id"]

    response = await other_client.put(f"/api/v1/custom-fields/{field_id}", json={"label": "改掉"},
                                      headers=await _bearer(other_client, rival.email))

    assert response.status_code == 404
    assert (await CustomField.get(id=field_id)).label == "区白名单"


async def test_needs_list_filters_by_status_and_kind(client, make_organization):
    owner = await make_organization("enterprise")
    headers = await _bearer(client, owner.email)
    need = {"title": "信用贷", "kind": "credit_loan", "amount": 5_000_000, "term_months": 12}
    await client.post("/api/v1/needs", json=need, headers=headers)
    await client.post("/api/v1/needs", json={**need, "title": "股权", "kind": "equity"}, headers=headers)

    equity = await client.get("/api/v1/needs?kind=equity", headers=headers)
    open_credit = await client.get("/api/v1/needs?status=open&kind=credit_loan", headers=headers)
    granted = await client.get("/api/v1/needs?status=granted", headers=headers)
    typo = await client.get("/api/v1/needs?status=opened", headers=headers)

    assert [n["title"] for n in equity.json()] == ["股权"]
    assert [n["title"] for n in open_credit.json()] == ["信用贷"]
    assert granted.json() == []
    assert typo.status_code == 400
    assert typo.json()["problems"] == {"status": "status 应为 open、in_talks、granted、withdrawn 之一"}


async def test_product_library_filters_by_kind_institution_amount_and_region(client, make_organization):
    bank = await make_organization("bank")
    headers = await _bearer(client, bank.email)
    small = {"name": "小额信用贷", "kind": "credit_loan", "amount_rule": {"max": 3_000_000},
             "regions": ["浙江省/星河市"]}
    large = {"name": "大额担保贷", "kind": "guaranteed_loan", "amount_rule": {"max": 20_000_000}}
    for body in (small, large):
        await client.post("/api/v1/my/products", json=body, headers=headers)
    await Product.all().update(status=PublicationStatus.PUBLISHED)
    institution = (await Product.first()).organization_id

    async def names(query: str) -> list[str]:
        return sorted(p["name"] for p in (await client.get(f"/api/v1/products?{query}", headers=headers)).json())

    assert await names("kind=credit_loan") == ["小额信用贷"]
    assert await names(f"institution={institution}") == ["大额担保贷", "小额信用贷"]
    assert await names("institution=999999") == []
    assert await names("amount=5000000") == ["大额担保贷"]
    assert await names("region=江苏省") == ["大额担保贷"]  # no regions: serves everywhere
    bad = await client.get("/api/v1/products?amount=100万左右&institution=99999999999", headers=headers)
    assert bad.status_code == 400
    assert bad.json()["problems"] == {"amount": "amount 应为不超过 1000000000000 的非负整数",
                                      "institution": "institution 应为不超过 2147483647 的非负整数"}


async def test_openapi_document_lists_the_organizer_paths_and_filters(client):
    document = (await client.get("/api/v1/openapi.json")).json()

    assert {"/api/v1/my/policies", "/api/v1/my/policies/{policy_id}", "/api/v1/custom-fields",
            "/api/v1/custom-fields/{field_id}"} <= set(document["paths"])
    assert [p["name"] for p in document["paths"]["/api/v1/products"]["get"]["parameters"]] == [
        "kind", "institution", "amount", "region"]
    assert [p["name"] for p in document["paths"]["/api/v1/needs"]["get"]["parameters"]] == ["status", "kind"]


async def test_control_characters_in_text_are_bad_input_not_a_server_error(client, make_organization):
    # PostgreSQL refuses NUL in text and jsonb; schemathesis generates it. Both databases answer 400.
    organizer = await make_organization("government", is_organizer=True)
    headers = await _bearer(client, organizer.email)

    policy = await client.post("/api/v1/my/policies", json={**POLICY, "name": "贴\x00息", "regions": ["浙\x00江"]},
                               headers=headers)
    field = await client.post("/api/v1/custom-fields", json={"key": "abc", "label": "白\x00名单", "type": "bool"},
                              headers=headers)

    assert policy.status_code == field.status_code == 400
    assert policy.json()["problems"] == {"name": "政策名称：不能包含控制字符",
                                         "regions": "适用地区（省/市/区，多个用、分隔，空为不限）：不能包含控制字符"}
    assert field.json()["problems"] == {"label": "不能包含控制字符"}
    assert await Policy.all().count() == await CustomField.all().count() == 0
