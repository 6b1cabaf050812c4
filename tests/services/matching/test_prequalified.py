"""预授信: an institution sees, per product, the list members that fit it; figures and the
verdict's financial reasons only with the enterprise's consent; a draft only for consenting ones."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.errors import NotFound
from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope, PublicationStatus
from matchmaker.services.matching.prequalified import prequalified_members
from matchmaker.services.registry import lists
from tests.conftest import next_uscc
from tests.factories import REVENUE_AT_LEAST_20M, make_enterprise, make_institution, make_organizer, make_product, make_user
from tests.services.registry.test_lists import HEADERS, TODAY
from tests.services.registry.test_registry_io import LIMITS, workbook

AS_OF = date(2026, 6, 30)


@pytest.fixture
async def listed(db):
    organizer = await make_organizer()
    user = await make_user(organizer)
    row = await lists.create_list(organizer, draft=lists.ListDraft(
        key="seed", name="金种子企业名单", kind="golden_seed", valid_from="2026-01-01", valid_until="2026-12-31"), by=user)
    rich = await make_enterprise("营收高", revenue=50_000_000)
    open_ = await make_enterprise("已授权", revenue=30_000_000)
    small = await make_enterprise("营收低", revenue=1_000_000)
    outsider = await make_enterprise("不在名单", revenue=90_000_000)
    await ConsentGrant.create(enterprise=open_, scope=ConsentScope.FINANCIALS, audience=ConsentAudience.ALL_INSTITUTIONS)
    unregistered = next_uscc()
    await lists.import_members(organizer, row.pk, "金种子.xlsx", workbook(
        HEADERS, *[[o.uscc, o.name, "", None] for o in (rich, open_, small)], [unregistered, "未注册企业", "", None]),
        replace=False, by=user, limits=LIMITS, today=TODAY)
    return row, outsider


async def test_members_that_fit_are_listed_with_figures_only_as_consented(listed):
    bank = await make_institution()
    product = await make_product(bank, REVENUE_AT_LEAST_20M)
    page = await prequalified_members(bank, product.pk, as_of=AS_OF)
    assert (page.members, page.unregistered, page.total) == (4, 1, 2)
    by_name = {fit.name: fit for fit in page.fits}
    assert set(by_name) == {"营收高", "已授权"}
    assert by_name["已授权"].financials.revenue == 30_000_000
    assert by_name["营收高"].financials is None
    def revenue(fit):
        return [(r.outcome, "5000" in r.text) for r in fit.verdict.reasons if r.criterion_id == "rev"]

    assert revenue(by_name["营收高"]) == [("withheld", False)]
    assert [outcome for outcome, _ in revenue(by_name["已授权"])] == ["pass"]
    assert by_name["营收高"].lists == ("金种子企业名单",)
    # outside the list's validity nobody is listed
    later = await prequalified_members(bank, product.pk, as_of=date(2027, 1, 1))
    assert (later.members, later.total) == (0, 0)


async def test_a_draft_lists_only_consenting_members_and_another_institution_gets_404(listed):
    bank = await make_institution()
    draft = await make_product(bank, REVENUE_AT_LEAST_20M, status=PublicationStatus.DRAFT)
    page = await prequalified_members(bank, draft.pk, as_of=AS_OF)
    assert [fit.name for fit in page.fits] == ["已授权"]
    with pytest.raises(NotFound):
        await prequalified_members(await make_institution(), draft.pk, as_of=AS_OF)
