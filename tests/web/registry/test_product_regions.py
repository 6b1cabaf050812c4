"""The product and policy forms: regions from the table (a unique name is completed, an unknown one
refused beside the field), and a warning — not an error — when a saved product fits no registered need."""

from __future__ import annotations

import json

import pytest

from matchmaker.errors import NotFound
from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope, Policy, Product
from matchmaker.services.matching import fitting_need_count
from matchmaker.web.views.matching.terms import matching_date
from tests.factories import make_enterprise, make_need, organization_of

PRODUCT = {"name": "星河科创贷", "kind": "信用贷款", "term_min_months": "6", "term_max_months": "36",
           "amount_mode": "fixed", "amount_max": "1000", "amount_min": "50", "criteria": ""}
WARNING = "没有一条符合“星河科创贷”的条件"


async def test_a_unique_city_is_completed_and_a_product_fitting_no_need_is_saved_with_a_warning(
        client, make_organization):
    enterprise = await make_enterprise(city="杭州市")  # registered in 浙江省/杭州市/滨江区
    await make_need(enterprise)
    # a draft is judged only on enterprises that show their financials (no probing by drafts)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.FINANCIALS,
                              audience=ConsentAudience.ALL_INSTITUTIONS)
    bank = await make_organization("bank")
    await client.login(bank.email)

    saved = await client.submit("/institution/products", {**PRODUCT, "regions": "星河市"})
    page = await client.get(saved.headers["location"])

    product = await Product.get()
    assert saved.status_code == 303 and "unmatched=1" in saved.headers["location"]
    assert product.regions == ["浙江省/星河市"]
    assert page.status_code == 200 and WARNING in page.text and "平台目前登记的 1 条融资需求中" in page.text

    updated = await client.submit(f"/institution/products/{product.id}", {**PRODUCT, "regions": "滨江区"})
    after = await client.get(updated.headers["location"])

    assert updated.status_code == 303 and "unmatched" not in updated.headers["location"]
    assert (await Product.get()).regions == ["浙江省/杭州市/滨江区"]
    assert WARNING not in after.text and "已保存" in after.text


async def test_an_unknown_region_is_refused_beside_the_field_and_nothing_is_written(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    response = await client.submit("/institution/products", {**PRODUCT, "regions": "月亮市、星河市"})

    assert response.status_code == 400
    assert ('<p class="error" id="e-regions">服务地区：未知的地区“月亮市”，请写作“省/市/区”，如“浙江省/星河市”</p>'
            in response.text)
    assert 'value="月亮市、星河市"' in response.text  # what was typed is shown again
    assert await Product.all().count() == 0


async def test_the_policy_form_resolves_and_refuses_regions_too(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    policy = {"name": "科技贴息", "instrument": "贷款贴息", "amount_mode": "none", "criteria": ""}

    refused = await client.submit("/organizer/policies", {**policy, "regions": "普陀区"})
    saved = await client.submit("/organizer/policies", {**policy, "regions": "星河市"})

    assert refused.status_code == 400 and "“普陀区”有多处同名" in refused.text
    assert saved.status_code == 303
    assert (await Policy.get()).regions == ["浙江省/星河市"]


async def test_the_picker_and_its_fallback_are_on_the_form(client, make_organization):
    """The datalist (no JavaScript) suggests every province and city; the picker's tree reaches
    every district of the whole table, and the form stays light (about 100 KB)."""
    bank = await make_organization("bank")
    await client.login(bank.email)

    page = await client.get("/institution/products/new")

    assert 'list="region-paths"' in page.text and '<option value="浙江省/星河市">' in page.text
    assert '<option value="四川省/成都市">' in page.text and '<option value="四川省/成都市/武侯区">' not in page.text
    assert "js/region-picker.js" in page.text and 'id="region-tree"' in page.text
    tree = json.loads(page.text.split('id="region-tree">', 1)[1].split("</script>", 1)[0])
    assert "武侯区" in tree["四川省"]["成都市"] and "高新区" in tree["浙江省"]["星河市"]
    assert sum(len(districts) for cities in tree.values() for districts in cities.values()) > 2900
    assert len(page.content) < 150_000


async def test_another_institutions_product_is_not_found_and_its_warning_not_shown(
        client, other_client, make_organization):
    await make_need(await make_enterprise())
    bank, other = await make_organization("bank"), await make_organization("bank")
    await client.login(bank.email)
    await client.submit("/institution/products", {**PRODUCT, "regions": "星河市"})
    product = await Product.get()
    await other_client.login(other.email)

    peek = await other_client.get(f"/institution/products?notice=created&id={product.id}&unmatched=1")
    edit = await other_client.submit(f"/institution/products/{product.id}", {**PRODUCT, "regions": "杭州市"})

    assert peek.status_code == 200 and WARNING not in peek.text
    assert edit.status_code == 404 and (await Product.get()).regions == ["浙江省/星河市"]
    with pytest.raises(NotFound):
        await fitting_need_count(await organization_of(other), product.id, as_of=matching_date())
    # the enterprise has not consented: the draft is judged on no need at all, so no warning either way
    assert await fitting_need_count(await organization_of(bank), product.id, as_of=matching_date()) == (0, 0)
