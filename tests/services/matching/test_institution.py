"""The institution's side: fitting open needs ranked, consent respected, tenants kept apart."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from matchmaker.errors import NotFound
from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope, NeedStatus, RegistrationStatus
from matchmaker.services.matching import matching_needs_for_product, products_with_match_counts
from matchmaker.services.matching.institution import Contact
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


async def test_fitting_open_needs_are_ranked_and_the_others_left_out(db):
    bank = await make_institution("星河银行")
    product = await make_product(bank, REVENUE_AT_LEAST_20M, amount_rule={"max": 5_000_000})
    big = await make_enterprise("规上企业", revenue=60_000_000)
    innovative = await make_enterprise("研发型企业", revenue=60_000_000, rd_ratio=10.0)
    small = await make_enterprise("小微企业", revenue=5_000_000)
    exact = await make_need(big, title="金额正好", amount=3_000_000)
    more_innovative = await make_need(innovative, title="研发投入更高", amount=3_000_000)
    await make_need(big, title="超过额度", amount=20_000_000)  # above the product's 500 万元: not fitting
    await make_need(small, title="营收不够")
    await make_need(big, title="已放款", status=NeedStatus.GRANTED)
    await make_need(big, title="股权需求", kind="equity")

    result = await matching_needs_for_product(bank, product.id, as_of=AS_OF)

    assert [m.need.id for m in result.needs] == [more_innovative.id, exact.id]
    assert result.needs[0].verdict.score > result.needs[1].verdict.score


async def test_without_consent_no_contact_and_no_financial_figures(db):
    bank = await make_institution()
    product = await make_product(bank, REVENUE_AT_LEAST_20M)
    enterprise = await make_enterprise("保密科技", revenue=36_000_000, contact_phone="13800001234")
    await make_need(enterprise)
    # a consent for another institution and a revoked one must not count
    other = await make_institution()
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.CONTACT, audience=ConsentAudience.NAMED,
                              institution=other)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.FINANCIALS,
                              audience=ConsentAudience.ALL_INSTITUTIONS, revoked_at=datetime.now(UTC))

    [match] = (await matching_needs_for_product(bank, product.id, as_of=AS_OF)).needs

    assert match.enterprise_name == "保密科技"
    assert match.industry_chains == ("集成电路",)
    assert match.contact is None
    assert match.financials is None
    texts = [r.text for r in match.verdict.reasons]
    assert "营业收入不低于 2000 万元（企业未授权查看财务数据）" in texts  # no ✓: it would be a threshold test
    assert not any("3600" in text for text in texts)


async def test_with_consent_contact_and_figures_are_shown(db):
    bank = await make_institution()
    product = await make_product(bank, REVENUE_AT_LEAST_20M)
    enterprise = await make_enterprise(revenue=36_000_000, contact_phone="13800001234")
    await make_need(enterprise)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.CONTACT, audience=ConsentAudience.NAMED,
                              institution=bank)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.FINANCIALS,
                              audience=ConsentAudience.ALL_INSTITUTIONS)

    [match] = (await matching_needs_for_product(bank, product.id, as_of=AS_OF)).needs

    assert match.contact is not None and match.contact.phone == "13800001234"
    assert match.financials is not None and match.financials.revenue == 36_000_000
    assert "营业收入 3600 万元 ≥ 要求 ≥ 2000 万元 ✓" in [r.text for r in match.verdict.reasons]


async def test_event_audience_consent_shows_the_contact_only_to_institutions_approved_at_that_event(db):
    organizer = await make_organizer()
    docking, other = await make_event(organizer), await make_event(organizer, "另一场对接会")
    approved, pending, elsewhere = await make_institution(), await make_institution(), await make_institution()
    await register(docking, approved)
    await register(docking, pending, RegistrationStatus.PENDING)
    await register(other, elsewhere)
    enterprise = await make_enterprise()
    await make_need(enterprise)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.CONTACT, audience=ConsentAudience.EVENT,
                              event_id=docking.id)

    async def contact_seen_by(bank):
        [match] = (await matching_needs_for_product(bank, (await make_product(bank, None)).id, as_of=AS_OF)).needs
        return match.contact

    assert await contact_seen_by(approved) == Contact("林晓峰", "13800001234", "lin@example.cn")
    assert await contact_seen_by(pending) is None
    assert await contact_seen_by(elsewhere) is None


async def test_share_of_valuation_amount_is_withheld_without_financial_consent(db):
    investor = await make_institution()
    product = await make_product(investor, None, amount_rule={"share": {"field": "valuation", "percent": 5}})
    enterprise = await make_enterprise(valuation=300_000_000)
    await make_need(enterprise)

    [match] = (await matching_needs_for_product(investor, product.id, as_of=AS_OF)).needs

    assert match.verdict.max_amount is None
    amount = next(r for r in match.verdict.reasons if r.source == "amount")
    assert amount.text == "可贷额度按企业财务数据计算（企业未授权查看财务数据）"


async def test_another_institutions_product_is_not_found(db):
    ours, theirs = await make_institution("我行"), await make_institution("他行")
    their_product = await make_product(theirs, None)
    await make_need(await make_enterprise())

    with pytest.raises(NotFound):
        await matching_needs_for_product(ours, their_product.id, as_of=AS_OF)


async def test_each_product_counts_its_fitting_needs(db):
    bank = await make_institution()
    picky = await make_product(bank, REVENUE_AT_LEAST_20M, name="挑剔贷")
    open_to_all = await make_product(bank, None, name="普惠贷")
    await make_need(await make_enterprise(revenue=60_000_000))
    await make_need(await make_enterprise(revenue=1_000_000))

    counts = {s.product.id: s.fitting_needs for s in await products_with_match_counts(bank, as_of=AS_OF)}

    assert counts == {picky.id: 1, open_to_all.id: 2}
