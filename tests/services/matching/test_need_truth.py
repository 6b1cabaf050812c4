"""Issue 14 §3 through the services: the need's kind, amount and term as the enterprise and the
institution see them."""

from __future__ import annotations

from matchmaker.services.matching import matching_needs_for_product, recommendations_for_need
from tests.factories import AS_OF, make_enterprise, make_institution, make_need, make_product


async def test_a_credit_loan_need_sees_its_own_kind_first_and_why_another_differs(db):
    enterprise = await make_enterprise()
    need = await make_need(enterprise, kind="credit_loan")
    bank = await make_institution("星河银行")
    # the guarantee loan targets the enterprise's chain: a better fit score, but another kind
    await make_product(bank, None, name="政担贷", kind="guaranteed_loan", industry_chains=["集成电路"])
    await make_product(bank, None, name="信用贷")

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert [m.offer.name for m in result.eligible] == ["信用贷", "政担贷"]
    assert result.eligible[1].verdict.score > result.eligible[0].verdict.score
    assert [r.text for r in result.eligible[1].verdict.reasons if r.source == "kind"] == [
        "产品类型为担保贷款，与需求类型（信用贷款）不同，同属贷款类"]


async def test_a_need_above_what_the_product_grants_is_a_near_miss_saying_what_fits(db):
    enterprise = await make_enterprise()
    need = await make_need(enterprise, amount=8_000_000)
    bank = await make_institution()
    await make_product(bank, None, name="小额信用贷", amount_rule={"max": 3_000_000})

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert result.eligible == []
    [miss] = result.near_misses
    assert [r.text for r in miss.to_improve] == [
        "需求 800 万元 > 本产品对贵企业最高 300 万元（产品最高额度），可申请 300 万元 ✗"]


async def test_the_institution_sees_needs_of_its_products_kind_first_and_none_outside_the_term(db):
    bank = await make_institution()
    product = await make_product(bank, None, kind="guaranteed_loan", term_min_months=6, term_max_months=24)
    credit = await make_need(await make_enterprise(rd_ratio=20.0), kind="credit_loan")  # higher 科创积分
    guaranteed = await make_need(await make_enterprise(rd_ratio=1.0), kind="guaranteed_loan")
    await make_need(await make_enterprise(), kind="guaranteed_loan", term_months=36)  # longer than the product

    needs = (await matching_needs_for_product(bank, product.id, as_of=AS_OF)).needs

    assert [m.need.id for m in needs] == [guaranteed.id, credit.id]
    assert needs[1].verdict.score > needs[0].verdict.score
