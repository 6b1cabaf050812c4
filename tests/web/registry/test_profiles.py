"""Enterprise profile: saved by its members with a revision each time, checked field by field,
and seen by institutions only as far as the enterprise consented (every look audited)."""

from __future__ import annotations

from matchmaker.models import (
    AuditLog,
    ConsentGrant,
    EnterpriseProfile,
    Event,
    ProfileRevision,
    Registration,
    RegistrationStatus,
)
from tests.factories import organization_of

GOOD_PROFILE = {
    "province": "浙江省", "city": "星河市", "district": "高新区", "industry_code": "C3911 计算机整机制造",
    "size_class": "小", "established_on": "2016-05-18", "employees": "86", "rd_staff_ratio": "32.5",
    "revenue": "5200.5", "total_assets": "8600", "rd_ratio": "8.6", "profitable": "是", "tax_rating": "A",
    "invention_patents": "12", "qual.高新技术企业": "2023-12-08", "contact_name": "林晓峰",
    "contact_phone": "0571-88886666",
}


async def test_enterprise_saves_its_profile_in_wan_yuan_and_a_revision_is_kept(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/profile", {**GOOD_PROFILE, "industry_chains": ["信息产业", "人工智能"]})

    assert response.status_code == 303
    profile = await EnterpriseProfile.get(organization=await organization_of(owner))
    assert profile.revenue == 52_005_000
    assert profile.industry_code == "C3911"
    assert profile.industry_chains == ["信息产业", "人工智能"]
    assert profile.qualifications == {"高新技术企业": {"obtained": "2023-12-08"}}
    assert profile.profitable is True
    revisions = await ProfileRevision.filter(profile=profile)
    assert [r.data["revenue"] for r in revisions] == [52_005_000]
    page = await client.get("/profile")
    assert 'value="5200.5"' in page.text


async def test_bad_figures_are_refused_beside_their_fields_and_nothing_is_saved(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/profile", {**GOOD_PROFILE, "revenue": "100万左右", "employees": "-3",
                                                "established_on": "2999-01-01", "industry_code": "X9999"})

    assert response.status_code == 400
    assert "上年度营业收入（万元）：应为数字" in response.text
    assert "职工人数（件）" not in response.text
    assert "职工人数：不能为负数" in response.text
    assert "成立日期：不能晚于今天" in response.text
    assert "“X9999”不是可选的国民经济行业小类" in response.text
    assert 'value="100万左右"' in response.text
    assert await EnterpriseProfile.all().count() == 0


async def test_institution_sees_financials_only_after_consent_and_every_view_is_audited(
        client, other_client, make_organization):
    owner = await make_organization("enterprise", name="授权测试科技有限公司")
    bank = await make_organization("bank", name="测试银行")
    other_bank = await make_organization("bank", name="另一家银行")
    await client.login(owner.email)
    await client.submit("/profile", GOOD_PROFILE)
    enterprise = await organization_of(owner)
    await other_client.login(bank.email)

    before = await other_client.get(f"/enterprises/{enterprise.id}")
    await client.submit("/profile/consents", {"scope": "financials", "audience": "named",
                                              "institution_id": str((await organization_of(bank)).id)})
    after = await other_client.get(f"/enterprises/{enterprise.id}")

    assert before.status_code == after.status_code == 200
    assert "5200.5" not in before.text and "企业未授权查看" in before.text
    assert "5200.5" in after.text
    assert "林晓峰" not in after.text  # contact was not granted
    views = await AuditLog.filter(action="profile.view", object_id=str(enterprise.id)).order_by("id")
    assert [v.after["scopes"] for v in views] == [[], ["financials"]]
    assert {v.actor_id for v in views} == {bank.id}
    # the named grant shows nothing to another bank
    assert await ConsentGrant.filter(institution_id=(await organization_of(other_bank)).id).count() == 0


async def test_an_event_grant_shows_the_figures_to_banks_approved_at_that_event_only(
        client, other_client, make_organization):
    owner = await make_organization("enterprise")
    approved_user, pending_user = await make_organization("bank"), await make_organization("bank")
    organizer = await make_organization("government", is_organizer=True)
    await client.login(owner.email)
    await client.submit("/profile", GOOD_PROFILE)
    enterprise = await organization_of(owner)
    event = await Event.create(organizer=await organization_of(organizer), title="星河市银企对接会")
    await Registration.create(event=event, organization=await organization_of(approved_user),
                              status=RegistrationStatus.APPROVED)
    await Registration.create(event=event, organization=await organization_of(pending_user),
                              status=RegistrationStatus.PENDING)

    unknown = await client.submit("/profile/consents", {"scope": "financials", "audience": "event",
                                                        "event_id": str(event.id + 1)})
    granted = await client.submit("/profile/consents", {"scope": "financials", "audience": "event",
                                                        "event_id": str(event.id)})
    await other_client.login(approved_user.email)
    seen_by_approved = await other_client.get(f"/enterprises/{enterprise.id}")
    await other_client.login(pending_user.email)
    seen_by_pending = await other_client.get(f"/enterprises/{enterprise.id}")

    assert (unknown.status_code, granted.status_code) == (400, 303)
    assert "没有这场活动，请核对活动编号" in unknown.text
    assert await ConsentGrant.filter(audience="event").count() == 1
    assert "5200.5" in seen_by_approved.text
    assert "5200.5" not in seen_by_pending.text and "企业未授权查看" in seen_by_pending.text


async def test_revoked_consent_hides_the_contact_again(client, other_client, make_organization):
    owner = await make_organization("enterprise")
    bank = await make_organization("bank")
    await client.login(owner.email)
    await client.submit("/profile", GOOD_PROFILE)
    await client.submit("/profile/consents", {"scope": "contact", "audience": "all"})
    grant = await ConsentGrant.get()
    await other_client.login(bank.email)
    enterprise_id = (await organization_of(owner)).id
    assert "林晓峰" in (await other_client.get(f"/enterprises/{enterprise_id}")).text

    await client.submit(f"/profile/consents/{grant.id}/revoke")

    assert "林晓峰" not in (await other_client.get(f"/enterprises/{enterprise_id}")).text
    await grant.refresh_from_db()
    assert grant.revoked_at is not None


async def test_another_enterprise_cannot_revoke_or_open_profiles(client, other_client, make_organization):
    owner = await make_organization("enterprise")
    intruder = await make_organization("enterprise")
    await client.login(owner.email)
    await client.submit("/profile/consents", {"scope": "contact", "audience": "all"})
    grant = await ConsentGrant.get()
    await other_client.login(intruder.email)

    revoke = await other_client.submit(f"/profile/consents/{grant.id}/revoke")
    peek = await other_client.get(f"/enterprises/{(await organization_of(owner)).id}")

    assert revoke.status_code == 404
    assert peek.status_code == 403
    await grant.refresh_from_db()
    assert grant.revoked_at is None
