"""Meeting-request suggestions come from the matching engine: an enterprise is offered the
approved institutions whose published products it is eligible for, an institution the approved
enterprises whose registered open needs fit its products, best fit first."""

from __future__ import annotations

from matchmaker.models import NeedStatus, PublicationStatus, RegistrationStatus
from matchmaker.services.events.requests import suggestions
from tests.factories import (
    AS_OF,
    REVENUE_AT_LEAST_20M,
    make_enterprise,
    make_event,
    make_institution,
    make_need,
    make_organizer,
    make_product,
    register,
)

REVENUE_AT_LEAST_100M = {"id": "root", "all": [
    {"id": "rev", "text": "上年营业收入1亿元以上", "field": "revenue", "op": "ge", "value": 100_000_000},
]}


async def test_an_enterprise_is_offered_the_institutions_whose_products_it_qualifies_for_best_fit_first(db):
    event = await make_event(await make_organizer())
    enterprise = await make_enterprise("星河纳米", revenue=36_000_000)
    need = await make_need(enterprise, amount=3_000_000, term_months=12)
    await register(event, enterprise, needs=(need,))
    close_fit, loose_fit, too_strict, equity, draft_only, absent = [
        await make_institution(name) for name in ("星河银行", "江海银行", "大额银行", "星河创投", "草稿银行", "未参会银行")]
    await make_product(close_fit, REVENUE_AT_LEAST_20M, name="科创贷", amount_rule={"max": 5_000_000})
    # a looser fit: it targets another industry chain (a term outside its range would not fit at all)
    await make_product(loose_fit, None, name="普惠贷", amount_rule={"max": 50_000_000}, industry_chains=["生物医药"])
    await make_product(too_strict, REVENUE_AT_LEAST_100M, name="大额贷")
    await make_product(equity, None, name="天使投资", kind="equity")
    await make_product(draft_only, None, name="草稿贷", status=PublicationStatus.DRAFT)
    await make_product(absent, None, name="场外贷")
    for institution in (close_fit, loose_fit, too_strict, equity, draft_only):
        await register(event, institution)

    offered = await suggestions(event, enterprise, as_of=AS_OF)

    assert [(s.organization.name, s.product.name, s.need.id) for s in offered] == [
        ("星河银行", "科创贷", need.id), ("江海银行", "普惠贷", need.id)]


async def test_an_institution_is_offered_the_enterprises_whose_registered_open_needs_fit_its_products(db):
    event = await make_event(await make_organizer())
    bank = await make_institution("星河银行")
    await make_product(bank, REVENUE_AT_LEAST_20M, name="科创贷", amount_rule={"max": 5_000_000})
    await register(event, bank)
    big = await make_enterprise("规上企业", revenue=60_000_000)
    small = await make_enterprise("小微企业", revenue=5_000_000)
    pending = await make_enterprise("待审企业", revenue=60_000_000)
    fitting = await make_need(big, title="扩产资金")
    not_brought = await make_need(big, title="未带来的需求")
    granted = await make_need(big, title="已放款", status=NeedStatus.GRANTED)
    await register(event, big, needs=(fitting, granted))
    await register(event, small, needs=(await make_need(small, title="营收不够"),))
    await register(event, pending, RegistrationStatus.PENDING, needs=(await make_need(pending, title="待审需求"),))

    offered = await suggestions(event, bank, as_of=AS_OF)

    assert [(s.organization.name, s.need.title) for s in offered] == [("规上企业", "扩产资金")]
    assert not_brought.id not in [s.need.id for s in offered]


async def test_when_nothing_fits_there_is_no_suggestion(db):
    event = await make_event(await make_organizer())
    enterprise = await make_enterprise(revenue=5_000_000)
    await register(event, enterprise, needs=(await make_need(enterprise),))
    bank = await make_institution()
    await make_product(bank, REVENUE_AT_LEAST_20M)
    await register(event, bank)

    assert await suggestions(event, enterprise, as_of=AS_OF) == []
