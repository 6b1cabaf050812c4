"""The organizer's overview: needs × products by chain and kind, and the gaps with why."""

from __future__ import annotations

from matchmaker.services.matching import match_overview
from tests.factories import (
    AS_OF,
    REVENUE_AT_LEAST_20M,
    make_enterprise,
    make_institution,
    make_need,
    make_product,
)


async def test_counts_by_chain_and_kind_and_the_gaps(db):
    bank = await make_institution("星河银行")
    await make_product(bank, REVENUE_AT_LEAST_20M, name="规上贷")
    await make_product(bank, None, name="普惠贷")
    chip = await make_enterprise("芯途", industry_chains=["集成电路"], revenue=60_000_000)
    bio = await make_enterprise("澜湾", industry_chains=["生物医药"], revenue=1_000_000)
    await make_need(chip, kind="credit_loan")
    await make_need(bio, kind="credit_loan")
    gap = await make_need(bio, title="股权融资需求", kind="equity")

    overview = await match_overview(as_of=AS_OF)

    cells = {(c.chain, c.kind): (c.open_needs, c.served_needs, c.fitting_pairs) for c in overview.cells}
    assert cells == {("集成电路", "credit_loan"): (1, 1, 2), ("生物医药", "credit_loan"): (1, 1, 1),
                     ("生物医药", "equity"): (1, 0, 0)}
    assert [g.need.id for g in overview.gaps] == [gap.id]
    assert overview.gaps[0].closest is None  # no equity product at all


async def test_a_gap_shows_the_closest_product_and_why_it_fails(db):
    await make_product(await make_institution("星河银行"), REVENUE_AT_LEAST_20M, name="规上贷")
    need = await make_need(await make_enterprise(industry_chains=[], revenue=5_000_000))

    overview = await match_overview(as_of=AS_OF)

    [gap] = overview.gaps
    assert gap.need.id == need.id
    assert gap.closest is not None and gap.closest.name == "规上贷"
    assert [r.text for r in gap.failed_reasons] == ["营业收入 500 万元 < 要求 ≥ 2000 万元 ✗"]
    assert [(c.chain, c.open_needs, c.served_needs) for c in overview.cells] == [("未标注产业链", 1, 0)]
