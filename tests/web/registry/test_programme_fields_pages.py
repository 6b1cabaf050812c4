"""The fields programmes use on the profile and need forms: saved in their units, bad input refused
beside the field (400, nothing written), another enterprise's need answers 404."""

from __future__ import annotations

from matchmaker.models import EnterpriseProfile, FinancingNeed
from tests.factories import organization_of
from tests.web.registry.test_needs import NEED
from tests.web.registry.test_profiles import GOOD_PROFILE

PROGRAMME_FIELDS = {"legal_rep_age": "45", "legal_rep_share": "35.5", "new_hires": "12", "profitable_2y": "是",
                    "tax_paid": "260", "taxable_sales": "4800.5", "overdue_30d": "否", "overdue_90d": "否",
                    "overdue_3x6": "否", "abnormal_operation": "是"}


async def test_the_profile_form_saves_the_programme_fields(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/profile", {**GOOD_PROFILE, **PROGRAMME_FIELDS})
    page = await client.get("/profile")

    assert response.status_code == 303
    profile = await EnterpriseProfile.get(organization=await organization_of(owner))
    assert (profile.legal_rep_age, profile.legal_rep_share, profile.new_hires) == (45, 35.5, 12)
    assert (profile.tax_paid, profile.taxable_sales) == (2_600_000, 48_005_000)
    assert (profile.profitable_2y, profile.overdue_30d, profile.overdue_90d, profile.overdue_3x6,
            profile.abnormal_operation) == (True, False, False, False, True)
    assert "法定代表人年龄（岁）" in page.text and 'value="4800.5"' in page.text


async def test_bad_programme_fields_are_refused_beside_them_and_nothing_is_saved(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)

    response = await client.submit("/profile", {**GOOD_PROFILE, **PROGRAMME_FIELDS, "legal_rep_age": "200",
                                                "tax_paid": "很多", "overdue_90d": "也许"})

    assert response.status_code == 400
    assert '<p class="error" id="e-legal_rep_age">法定代表人年龄（岁）：不能大于 120</p>' in response.text
    assert '<p class="error" id="e-tax_paid">上年度纳税总额（万元）：应为数字' in response.text
    assert 'id="e-overdue_90d"' in response.text
    assert not await EnterpriseProfile.filter(organization=await organization_of(owner)).exists()


async def test_the_need_form_takes_the_pledged_patents_facts_and_another_enterprise_gets_404(
        client, other_client, make_organization):
    owner, other = await make_organization("enterprise"), await make_organization("enterprise")
    await client.login(owner.email)
    await other_client.login(other.email)
    facts = {"pledged_ip_remaining_years": "8.5", "pledged_ip_value": "800"}

    bad = await client.submit("/needs", {**NEED, **facts, "pledged_ip_remaining_years": "-1"})
    good = await client.submit("/needs", {**NEED, **facts})
    need = await FinancingNeed.get()
    theirs = await other_client.get(f"/needs/{need.id}")
    overwrite = await other_client.submit(f"/needs/{need.id}", {**NEED, "pledged_ip_value": "1"})

    assert bad.status_code == 400 and 'id="e-pledged_ip_remaining_years"' in bad.text
    assert good.status_code == 303
    assert (need.pledged_ip_remaining_years, need.pledged_ip_value) == (8.5, 8_000_000)
    assert theirs.status_code == 404 and overwrite.status_code == 404
    assert (await FinancingNeed.get()).pledged_ip_value == 8_000_000
