"""The matching pages over HTTP: each audience sees its own, others get 404, reasons are shown."""

from __future__ import annotations

from matchmaker.models import EnterpriseProfile, FinancingNeed, NeedClaim, User
from tests.factories import REVENUE_AT_LEAST_20M, make_need, make_product, organization_of


async def _enterprise_user(make_organization, name: str, **profile) -> tuple[User, FinancingNeed]:
    user = await make_organization("enterprise", name=name)
    organization = await organization_of(user)
    await EnterpriseProfile.create(organization=organization, province="浙江省", city="杭州市",
                                   industry_chains=["集成电路"], dishonest_debtor=False, **profile)
    return user, await make_need(organization, title=f"{name}的需求")


async def test_enterprise_sees_ranked_products_with_why(client, make_organization):
    user, need = await _enterprise_user(make_organization, "星河纳米", revenue=36_000_000)
    bank = await organization_of(await make_organization("bank", name="星河银行"))
    await make_product(bank, REVENUE_AT_LEAST_20M, name="规上科技贷")
    await client.login(user.email)

    page = await client.get(f"/enterprise/needs/{need.id}/matches")

    assert page.status_code == 200
    assert "规上科技贷" in page.text
    assert "<details" in page.text
    assert "营业收入 3600 万元 ≥ 要求 ≥ 2000 万元 ✓" in page.text


async def test_enterprise_cannot_open_another_enterprises_need(client, make_organization):
    user, _ = await _enterprise_user(make_organization, "我方企业")
    _, their_need = await _enterprise_user(make_organization, "他方企业")
    await client.login(user.email)

    page = await client.get(f"/enterprise/needs/{their_need.id}/matches")

    assert page.status_code == 404
    assert "他方企业的需求" not in page.text


async def test_institution_cannot_open_another_institutions_product(client, make_organization):
    ours = await make_organization("bank", name="我行")
    theirs = await organization_of(await make_organization("bank", name="他行"))
    product = await make_product(theirs, None, name="他行的产品")
    await client.login(ours.email)

    page = await client.get(f"/institution/products/{product.id}/matches")

    assert page.status_code == 404
    assert "他行的产品" not in page.text


async def test_institution_page_hides_figures_without_consent_and_claims(client, make_organization):
    _, need = await _enterprise_user(make_organization, "保密科技", revenue=36_000_000, contact_phone="13800001234")
    officer = await make_organization("bank", name="星河银行")
    product = await make_product(await organization_of(officer), REVENUE_AT_LEAST_20M, name="规上科技贷")
    await client.login(officer.email)

    page = await client.get(f"/institution/products/{product.id}/matches")
    claimed = await client.submit(f"/institution/products/{product.id}/claims", {"need_id": str(need.id)})

    assert page.status_code == 200
    assert "保密科技" in page.text and "<details" in page.text
    assert "13800001234" not in page.text and "3600" not in page.text
    assert claimed.status_code == 303
    assert await NeedClaim.filter(need=need, product=product).count() == 1


async def test_pages_are_for_their_audience_only(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    assert (await client.get("/enterprise/matches")).status_code == 403
    assert (await client.get("/organizer/matching")).status_code == 403


async def test_organizer_overview_lists_gaps_and_claims(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await _enterprise_user(make_organization, "孤单企业")
    await client.login(organizer.email)

    page = await client.get("/organizer/matching")

    assert page.status_code == 200
    assert "孤单企业的需求" in page.text  # no product at all: a gap


async def test_enterprise_sees_the_claim_notice_and_accepts(client, other_client, make_organization):
    owner, need = await _enterprise_user(make_organization, "星河纳米")
    officer = await make_organization("bank", name="星河银行")
    product = await make_product(await organization_of(officer), None, name="科创贷")
    await other_client.login(officer.email)
    await other_client.submit(f"/institution/products/{product.id}/claims", {"need_id": str(need.id)})
    claim = await NeedClaim.get(need=need)
    await client.login(owner.email)

    dashboard = await client.get("/dashboard")
    answered = await client.submit(f"/enterprise/claims/{claim.id}/answer", {"answer": "accept"})

    assert "星河银行 以「科创贷」认领了您的融资需求「星河纳米的需求」" in dashboard.text
    assert answered.status_code == 303
    await claim.refresh_from_db()
    assert (claim.state, claim.accepted) == ("answered", True)


async def test_an_accepted_claim_leads_to_its_next_step_on_both_sides(client, other_client, make_organization):
    owner, need = await _enterprise_user(make_organization, "星河纳米")
    officer = await make_organization("bank", name="星河银行")
    product = await make_product(await organization_of(officer), None, name="科创贷")
    await other_client.login(officer.email)
    await other_client.submit(f"/institution/products/{product.id}/claims", {"need_id": str(need.id)})
    waiting = await other_client.get(f"/institution/products/{product.id}/matches")
    claim = await NeedClaim.get(need=need)
    await client.login(owner.email)
    await client.submit(f"/enterprise/claims/{claim.id}/answer", {"answer": "accept"})

    accepted = await other_client.get(f"/institution/products/{product.id}/matches")
    enterprise_side = await client.get("/enterprise/matches")

    assert "已抢单，等待企业回复" in waiting.text and "企业已接受对接" not in waiting.text
    assert "企业已接受对接" in accepted.text and "下一步：" in accepted.text
    assert "企业尚未授权查看联系方式" in accepted.text  # no contact consent given: said so, not shown
    assert 'href="/events">在对接活动中约见' in accepted.text
    assert "下一步：机构将与您联系" in enterprise_side.text and 'href="/profile#consent"' in enterprise_side.text


async def test_kept_match_counts_follow_a_need_edit_and_a_profile_change(client, make_organization):
    """The counts on the enterprise's matching page are kept between visits (services/matching/
    recommendations.needs_with_match_counts): the next page after a write shows the new count."""
    user, need = await _enterprise_user(make_organization, "星河缓存", revenue=36_000_000)
    bank = await organization_of(await make_organization("bank", name="缓存银行"))
    await make_product(bank, REVENUE_AT_LEAST_20M, name="规上科技贷")  # amounts up to 500 万元
    await client.login(user.email)
    assert "符合条件的产品：1" in (await client.get("/enterprise/matches")).text
    assert "符合条件的产品：1" in (await client.get("/enterprise/matches")).text  # from the cache

    edited = await client.submit(f"/needs/{need.id}", {"title": need.title, "kind": "信用贷款", "amount": "800",
                                                      "term_months": "12"})
    assert edited.status_code == 303, edited.text
    assert "符合条件的产品：0" in (await client.get("/enterprise/matches")).text  # 800 万元: over the product's

    edited = await client.submit(f"/needs/{need.id}", {"title": need.title, "kind": "信用贷款", "amount": "300",
                                                      "term_months": "12"})
    assert "符合条件的产品：1" in (await client.get("/enterprise/matches")).text
    profile = await EnterpriseProfile.get(organization__memberships__user=user)
    profile.revenue = 10_000_000  # as the profile form saves it
    await profile.save()
    assert "符合条件的产品：0" in (await client.get("/enterprise/matches")).text
