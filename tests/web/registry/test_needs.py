"""项目库: an enterprise's needs, checked, tenant-scoped, moving open → in talks → granted | withdrawn."""

from __future__ import annotations

from matchmaker.models import AuditLog, FinancingNeed, NeedStatus

NEED = {"title": "中试线流动资金", "kind": "信用贷款", "amount": "500", "term_months": "12",
        "purpose_category": "研发投入", "collateral": ["知识产权", "应收账款"], "acceptable_rate": "4.2",
        "urgency": "紧急"}


async def test_enterprise_posts_a_need_in_wan_yuan(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/needs", NEED)

    assert response.status_code == 303
    need = await FinancingNeed.get()
    assert (need.kind, need.amount, need.term_months, need.collateral, need.urgency, need.status) == (
        "credit_loan", 5_000_000, 12, ["知识产权", "应收账款"], "high", "open")
    assert "中试线流动资金" in (await client.get("/needs")).text


async def test_bad_amounts_and_terms_are_refused(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/needs", {**NEED, "amount": "-5", "term_months": "0", "kind": "高利贷"})

    assert response.status_code == 400
    assert "金额（万元）：不能为负数" in response.text
    assert "期限（月）：不能小于 1" in response.text
    assert "融资方式：应为 信用贷款、" in response.text
    assert await FinancingNeed.all().count() == 0


async def test_the_enterprise_may_only_withdraw_by_hand_and_withdrawn_stays(client, make_organization):
    """洽谈中 and 已获融资 follow the need's financing leads (tests/services/outcomes): no button sets them."""
    owner = await make_organization("enterprise")
    await client.login(owner.email)
    await client.submit("/needs", NEED)
    need = await FinancingNeed.get()

    granted = await client.submit(f"/needs/{need.id}/status", {"status": "granted"})
    talks = await client.submit(f"/needs/{need.id}/status", {"status": "in_talks"})
    await client.submit(f"/needs/{need.id}/status", {"status": "withdrawn"})
    refused = await client.submit(f"/needs/{need.id}/status", {"status": "open"})

    await need.refresh_from_db()
    assert need.status == NeedStatus.WITHDRAWN and need.status_changed_at is not None
    assert (granted.status_code, talks.status_code, refused.status_code) == (400, 400, 400)
    actions = await AuditLog.filter(object_type="FinancingNeed").order_by("id").values_list("action", flat=True)
    assert actions == ["need.create", "need.withdrawn"]


async def test_another_enterprises_need_answers_404(client, other_client, make_organization):
    owner = await make_organization("enterprise")
    intruder = await make_organization("enterprise")
    await client.login(owner.email)
    await client.submit("/needs", NEED)
    need = await FinancingNeed.get()
    await other_client.login(intruder.email)

    page = await other_client.get(f"/needs/{need.id}")
    edit = await other_client.submit(f"/needs/{need.id}", {**NEED, "amount": "1"})
    withdraw = await other_client.submit(f"/needs/{need.id}/status", {"status": "withdrawn"})
    listing = await other_client.get("/needs")

    assert (page.status_code, edit.status_code, withdraw.status_code) == (404, 404, 404)
    assert "中试线流动资金" not in listing.text
    await need.refresh_from_db()
    assert (need.amount, need.status) == (5_000_000, "open")


async def test_an_id_beyond_any_row_answers_404_not_a_server_error(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.get("/needs/202575609060064974283761282652831744")

    assert response.status_code == 404
