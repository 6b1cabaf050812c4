"""The institution's 预授信 page: list members that fit its product; another institution gets 404."""

from __future__ import annotations

from matchmaker.services.registry import lists
from tests.factories import REVENUE_AT_LEAST_20M, make_enterprise, make_organizer, make_product, make_user, organization_of
from tests.services.registry.test_lists import HEADERS, TODAY
from tests.services.registry.test_registry_io import LIMITS, workbook


async def test_the_page_lists_fitting_members_and_is_scoped(client, other_client, make_organization):
    organizer = await make_organizer()
    user = await make_user(organizer)
    row = await lists.create_list(organizer, draft=lists.ListDraft(key="red", name="守信红名单（2026）", kind="red"),
                                  by=user)
    fits, small = await make_enterprise("红名单甲", revenue=50_000_000), await make_enterprise("红名单乙", revenue=10)
    await lists.import_members(organizer, row.pk, "红.xlsx", workbook(HEADERS, [fits.uscc, "红名单甲", "", None],
                                                                       [small.uscc, "红名单乙", "", None]),
                               replace=False, by=user, limits=LIMITS, today=TODAY)
    bank_user = await make_organization("bank", name="星河银行")
    product = await make_product(await organization_of(bank_user), REVENUE_AT_LEAST_20M)
    await client.login(bank_user.email)
    page = await client.get(f"/institution/products/{product.pk}/lists")
    assert page.status_code == 200
    assert "红名单甲" in page.text and "红名单乙" not in page.text and "守信红名单（2026）" in page.text
    assert "企业未授权查看财务数据" in page.text and "5000" not in page.text
    other = await make_organization("bank", name="另一银行")
    await other_client.login(other.email)
    assert (await other_client.get(f"/institution/products/{product.pk}/lists")).status_code == 404
