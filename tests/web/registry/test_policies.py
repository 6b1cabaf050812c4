"""政策库, custom fields and platform rules: organizer-only, checked by the matching engine."""

from __future__ import annotations

import json

from matchmaker.models import AuditLog, CustomField, PlatformRule, Policy

POLICY = {"name": "科技型中小企业贷款贴息", "instrument": "贷款贴息", "support": "按 LPR 的 50% 贴息",
          "valid_from": "2026-01-01", "valid_until": "2027-12-31", "amount_mode": "fixed", "amount_max": "50",
          "criteria": json.dumps({"id": "r", "all": [
              {"id": "q", "field": "qualifications", "op": "contains", "value": "科技型中小企业"}]})}


async def test_organizer_keeps_policies_with_criteria(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    created = await client.submit("/organizer/policies", POLICY)
    policy = await Policy.get()
    updated = await client.submit(f"/organizer/policies/{policy.id}", {**POLICY, "support": "贴息 60%"})
    await client.submit(f"/organizer/policies/{policy.id}/status", {"status": "published"})

    assert created.status_code == updated.status_code == 303
    await policy.refresh_from_db()
    assert (policy.support, policy.status, policy.amount_rule) == ("贴息 60%", "published", {"max": 500_000})
    page = await client.get(f"/organizer/policies/{policy.id}")
    assert "科技型中小企业贷款贴息" in page.text


async def test_policy_dates_out_of_order_are_refused(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/policies", {**POLICY, "valid_until": "2025-01-01"})

    assert response.status_code == 400
    assert "截止日期不能早于生效日期" in response.text
    assert await Policy.all().count() == 0


async def test_custom_field_becomes_usable_in_criteria_and_on_the_profile(client, other_client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    owner = await make_organization("enterprise")
    await client.login(organizer.email)

    await client.submit("/organizer/custom-fields", {"key": "白名单", "label": "区科技企业白名单", "type": "bool"})
    rule = await client.submit("/organizer/platform-rules", {
        "text": "须在区白名单内", "active": "on",
        "criteria": json.dumps({"id": "w", "field": "custom.白名单", "op": "true"})})
    await other_client.login(owner.email)
    profile = await other_client.get("/profile")

    assert (await CustomField.get()).type == "bool"
    assert rule.status_code == 303
    assert (await PlatformRule.get()).criteria == {"id": "w", "field": "custom.白名单", "op": "true"}
    assert "区科技企业白名单" in profile.text


async def test_platform_rule_on_an_unknown_field_is_refused(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/platform-rules", {
        "text": "不存在的字段", "criteria": json.dumps({"id": "w", "field": "custom.没有", "op": "true"})})

    assert response.status_code == 400
    assert "未知字段 custom.没有" in response.text


async def test_institutions_cannot_open_the_policy_library(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    assert (await client.get("/organizer/policies")).status_code == 403
    assert (await client.submit("/organizer/policies", POLICY)).status_code == 403


async def test_organizer_edits_a_custom_fields_label_options_and_description(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    await client.submit("/organizer/custom-fields", {"key": "积分档", "label": "创新积分档", "type": "enum",
                                                     "options": "A、B"})
    field = await CustomField.get()

    listing = await client.get("/organizer/registry")
    form = await client.get(f"/organizer/custom-fields/{field.id}")
    saved = await client.submit(f"/organizer/custom-fields/{field.id}", {
        "label": "创新积分评价档次", "options": "A、B、C", "description": "区科技局每年评定"})

    assert f'href="/organizer/custom-fields/{field.id}"' in listing.text
    assert 'value="A、B"' in form.text and "custom.积分档" in form.text
    assert saved.status_code == 303 and saved.headers["location"] == "/organizer/registry?notice=field"
    await field.refresh_from_db()
    assert (field.key, field.type, field.label, field.options, field.description) == (
        "积分档", "enum", "创新积分评价档次", ["A", "B", "C"], "区科技局每年评定")
    entry = await AuditLog.get(action="custom_field.update")
    assert (entry.object_id, entry.before, entry.after) == (
        str(field.id), {"label": "创新积分档", "options": ["A", "B"], "description": ""},
        {"label": "创新积分评价档次", "options": ["A", "B", "C"], "description": "区科技局每年评定"})


async def test_a_bad_custom_field_edit_shows_the_messages_beside_the_fields_and_changes_nothing(
        client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    await client.submit("/organizer/custom-fields", {"key": "积分档", "label": "创新积分档", "type": "enum",
                                                     "options": "A、B"})
    field = await CustomField.get()

    response = await client.submit(f"/organizer/custom-fields/{field.id}", {"label": "", "options": "只有一个"})

    assert response.status_code == 400
    assert '<p class="error" id="e-label">请填写名称（最长 60 个字）</p>' in response.text
    assert '<p class="error" id="e-options">单选字段至少需要两个选项，用“、”分隔</p>' in response.text
    assert 'value="只有一个"' in response.text  # what was typed stays in the form
    await field.refresh_from_db()
    assert (field.label, field.options) == ("创新积分档", ["A", "B"])
    assert not await AuditLog.exists(action="custom_field.update")


async def test_another_organizers_custom_field_edit_page_answers_404(client, other_client, make_organization):
    owner = await make_organization("government", is_organizer=True)
    rival = await make_organization("government", is_organizer=True)
    await client.login(owner.email)
    await client.submit("/organizer/custom-fields", {"key": "白名单", "label": "区白名单", "type": "bool"})
    field = await CustomField.get()
    await other_client.login(rival.email)

    listing = await other_client.get("/organizer/registry")
    form = await other_client.get(f"/organizer/custom-fields/{field.id}")
    overwrite = await other_client.submit(f"/organizer/custom-fields/{field.id}", {"label": "改掉"})

    assert "区白名单" in listing.text  # every organizer sees the field, only its owner gets the edit link
    assert f'href="/organizer/custom-fields/{field.id}"' not in listing.text
    assert (form.status_code, overwrite.status_code) == (404, 404)
    assert (await CustomField.get(id=field.id)).label == "区白名单"
