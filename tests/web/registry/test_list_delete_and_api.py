"""Lists (名单): deleting one from its page after a confirmation — refused with 409 and a Chinese
message naming the products while a criterion tests list.<key>, audited as list.delete — and
/api/v1/lists for the organizer's systems: list, read, members paged, create, update, import
members (all or nothing), delete; organizers only, another organizer's list answers 404."""

from __future__ import annotations

from matchmaker.models import AuditLog, ListMember, RegistryList
from tests.conftest import issued_token, next_uscc
from tests.factories import make_institution, make_product

LIST = {"key": "seed", "name": "金种子企业名单", "kind": "golden_seed", "issuer": "星河市地方金融管理局",
        "source_document": "星金发〔2026〕7号", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}


async def _token(client, email: str) -> dict[str, str]:
    await client.login(email)
    page = await client.submit("/account/api-tokens", {"name": "名单系统"})
    return {"authorization": f"Bearer {issued_token(page.text)}"}


async def _organizer_with_list(client, make_organization) -> tuple[dict[str, str], int]:
    organizer = await make_organization("government", is_organizer=True)
    headers = await _token(client, organizer.email)
    created = await client.post("/api/v1/lists", json=LIST, headers=headers)
    assert created.status_code == 201, created.text
    return headers, created.json()["id"]


async def test_the_api_creates_reads_updates_and_imports_members_all_or_nothing(client, make_organization):
    headers, list_id = await _organizer_with_list(client, make_organization)
    first, second = next_uscc(), next_uscc()

    bad = await client.post(f"/api/v1/lists/{list_id}/members", headers=headers, json={"members": [
        {"uscc": first, "name": "甲"}, {"uscc": "91330100MA2B00001X", "name": "乙"}, {"uscc": first}]})
    imported = await client.post(f"/api/v1/lists/{list_id}/members", headers=headers, json={"members": [
        {"uscc": first, "name": "甲科技", "added_on": "2026-03-01"}, {"uscc": second, "name": "乙科技"}]})
    again = await client.post(f"/api/v1/lists/{list_id}/members", headers=headers, json={
        "members": [{"uscc": second, "note": "第二批"}], "replace": True})
    updated = await client.put(f"/api/v1/lists/{list_id}", headers=headers,
                               json={**LIST, "key": "other", "name": "金种子企业名单（2026）", "priority": False})
    listing = await client.get("/api/v1/lists", headers=headers)
    members = await client.get(f"/api/v1/lists/{list_id}/members?page=1", headers=headers)
    bad_page = await client.get(f"/api/v1/lists/{list_id}/members?page=0", headers=headers)

    assert bad.status_code == 400
    assert set(bad.json()["problems"]) == {"members[1].uscc", "members[2].uscc"}
    assert "与 members[0] 重复" in bad.json()["problems"]["members[2].uscc"]
    assert imported.json() == {"added": 2, "updated": 0, "removed": 0}
    assert again.json() == {"added": 0, "updated": 1, "removed": 1}
    assert updated.status_code == 200 and updated.json()["key"] == "seed" and updated.json()["field"] == "list.seed"
    assert [(x["name"], x["members"]) for x in listing.json()] == [("金种子企业名单（2026）", 1)]
    assert members.json()["total"] == 1 and members.json()["members"] == [
        {"uscc": second, "name": "乙科技", "note": "第二批", "added_on": members.json()["members"][0]["added_on"]}]
    assert bad_page.status_code == 400 and "page" in bad_page.json()["problems"]
    actions = await AuditLog.filter(object_type="RegistryList").order_by("id").values_list("action", flat=True)
    assert actions == ["list.create", "list.import_members", "list.import_members", "list.update"]


async def test_bad_list_bodies_are_refused_beside_the_field_and_write_nothing(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    headers = await _token(client, organizer.email)

    response = await client.post("/api/v1/lists", headers=headers,
                                 json={**LIST, "key": "", "valid_until": "2025-01-01", "priority": "yes", "x": 1})

    assert response.status_code == 400
    assert set(response.json()["problems"]) == {"priority", "x"}
    response = await client.post("/api/v1/lists", headers=headers, json={**LIST, "key": "", "valid_until": "2025-01-01"})
    assert response.status_code == 400 and {"key", "valid_until"} <= set(response.json()["problems"])
    assert await RegistryList.all().count() == 0


async def test_only_the_owning_organizer_reaches_a_list(client, other_client, make_organization):
    headers, list_id = await _organizer_with_list(client, make_organization)
    other = await make_organization("government", is_organizer=True)
    bank = await make_organization("bank")
    other_headers = await _token(other_client, other.email)

    peek = await other_client.get(f"/api/v1/lists/{list_id}", headers=other_headers)
    members = await other_client.get(f"/api/v1/lists/{list_id}/members", headers=other_headers)
    page = await other_client.get(f"/organizer/lists/{list_id}/delete")
    bank_headers = await _token(other_client, bank.email)
    banned = await other_client.get("/api/v1/lists", headers=bank_headers)
    anonymous = await other_client.get("/api/v1/lists", headers={"authorization": "Bearer mm_wrong"})

    assert (peek.status_code, members.status_code, page.status_code) == (404, 404, 404)
    assert (banned.status_code, anonymous.status_code) == (403, 401)
    assert await RegistryList.filter(pk=list_id).exists()


async def test_a_list_a_product_tests_cannot_be_deleted_until_the_criterion_is_gone(client, make_organization):
    headers, list_id = await _organizer_with_list(client, make_organization)
    await client.post(f"/api/v1/lists/{list_id}/members", headers=headers, json={"members": [{"uscc": next_uscc()}]})
    bank = await make_institution("星河银行")
    product = await make_product(bank, {"id": "root", "all": [{"id": "s", "field": "list.seed", "op": "true"}]},
                                 name="金种子贷")

    confirm = await client.get(f"/organizer/lists/{list_id}/delete")
    refused = await client.submit(f"/organizer/lists/{list_id}/delete")

    assert confirm.status_code == 200 and "星河银行 · 金种子贷" in confirm.text and "确定删除" not in confirm.text
    assert refused.status_code == 409
    assert "名单“金种子企业名单”仍被以下产品或规则的条件引用（list.seed）" in refused.text
    assert "星河银行 · 金种子贷" in refused.text
    assert await RegistryList.filter(pk=list_id).exists() and await ListMember.all().count() == 1

    product.criteria = {"id": "root", "all": [{"id": "r", "field": "rd_ratio", "op": "ge", "value": 3}]}
    await product.save()
    confirm = await client.get(f"/organizer/lists/{list_id}/delete")
    deleted = await client.submit(f"/organizer/lists/{list_id}/delete")

    assert "确定删除" in confirm.text and "1 家企业" in confirm.text
    assert deleted.status_code == 303 and deleted.headers["location"] == "/organizer/lists?notice=deleted"
    assert not await RegistryList.filter(pk=list_id).exists() and await ListMember.all().count() == 0
    audit = await AuditLog.get(action="list.delete")
    assert audit.before["key"] == "seed" and audit.before["members"] == 1
    assert "名单已删除。" in (await client.get("/organizer/lists?notice=deleted")).text


async def test_deleting_without_the_form_token_is_refused(client, make_organization):
    _, list_id = await _organizer_with_list(client, make_organization)

    response = await client.post(f"/organizer/lists/{list_id}/delete", data={})

    assert response.status_code == 403
    assert await RegistryList.filter(pk=list_id).exists()
