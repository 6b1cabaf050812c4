"""The enterprise's side: products that fit a need with why, near misses, policies, 科创积分."""

from __future__ import annotations

import pytest

from matchmaker.errors import NotFound
from matchmaker.matching import InnovationWeights
from matchmaker.models import EnterpriseProfile, PublicationStatus
from matchmaker.services.matching import CatalogueCache, innovation_report, recommendations_for_need
from tests.factories import (
    AS_OF,
    RD_AT_LEAST_3,
    REVENUE_AT_LEAST_20M,
    make_enterprise,
    make_institution,
    make_need,
    make_organizer,
    make_platform_rule,
    make_policy,
    make_product,
)


async def test_eligible_products_come_ranked_with_every_reason(db):
    enterprise = await make_enterprise(rd_ratio=5.0)
    need = await make_need(enterprise)
    bank = await make_institution("星河银行")
    fits = await make_product(bank, RD_AT_LEAST_3, name="研发贷")
    on_chain = await make_product(bank, RD_AT_LEAST_3, name="集成电路贷", industry_chains=["集成电路"])

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert [m.offer.name for m in result.eligible] == ["集成电路贷", "研发贷"]  # on the chain ranks higher
    assert result.eligible_total == 2
    assert [m.offer.id for m in result.eligible] == [str(on_chain.id), str(fits.id)]
    reasons = {r.criterion_id: (r.outcome, r.text) for r in result.eligible[1].verdict.reasons}
    assert reasons["rd"] == ("pass", "研发投入占比 5% ≥ 要求 ≥ 3% ✓")
    assert reasons["product.amount"] == ("pass", "可贷额度最高 500 万元（产品最高额度），需求 300 万元在额度内 ✓")


async def test_near_miss_says_what_to_improve(db):
    enterprise = await make_enterprise(rd_ratio=2.8)
    need = await make_need(enterprise)
    await make_product(await make_institution(), RD_AT_LEAST_3, name="研发贷")

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert result.eligible == []
    assert [m.offer.name for m in result.near_misses] == ["研发贷"]
    assert [r.text for r in result.near_misses[0].to_improve] == ["研发投入占比 2.8% < 要求 ≥ 3% ✗"]


async def test_platform_rule_excludes_a_dishonest_debtor_and_says_so(db):
    organizer = await make_organizer()
    await make_platform_rule(organizer)
    enterprise = await make_enterprise(dishonest_debtor=True)
    need = await make_need(enterprise)
    await make_product(await make_institution(), RD_AT_LEAST_3, name="研发贷")

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert result.eligible == []
    platform = [r for r in result.near_misses[0].to_improve if r.source == "platform"]
    assert platform[0].text == "平台规则：失信被执行人不得参与对接 ✗"


async def test_products_of_another_kind_family_and_drafts_are_not_recommended(db):
    enterprise = await make_enterprise()
    need = await make_need(enterprise, kind="credit_loan")
    investor = await make_institution()
    await make_product(investor, None, name="股权投资", kind="equity")
    await make_product(investor, None, name="草稿贷", status=PublicationStatus.DRAFT)
    await make_product(investor, None, name="知识产权质押贷", kind="ip_pledge_loan")  # same family: loans

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert [m.offer.name for m in result.eligible] == ["知识产权质押贷"]


async def test_policies_the_enterprise_can_apply_for(db):
    organizer = await make_organizer()
    enterprise = await make_enterprise(revenue=10_000_000)
    need = await make_need(enterprise)
    await make_policy(organizer, None, name="首贷贴息")
    await make_policy(organizer, REVENUE_AT_LEAST_20M, name="规上企业贴息")

    result = await recommendations_for_need(enterprise, need.id, as_of=AS_OF)

    assert [m.offer.name for m in result.policies] == ["首贷贴息"]


async def test_another_enterprises_need_is_not_found(db):
    ours = await make_enterprise("我方企业")
    theirs = await make_enterprise("他方企业")
    their_need = await make_need(theirs, title="他方的需求")
    await make_product(await make_institution(), None)

    with pytest.raises(NotFound):
        await recommendations_for_need(ours, their_need.id, as_of=AS_OF)


async def test_the_cache_recompiles_when_a_product_is_published(db):
    enterprise = await make_enterprise()
    need = await make_need(enterprise)
    bank = await make_institution()
    await make_product(bank, None, name="甲")
    cache = CatalogueCache()
    first = await recommendations_for_need(enterprise, need.id, as_of=AS_OF, cache=cache)
    draft = await make_product(bank, None, name="乙", status=PublicationStatus.DRAFT)
    unchanged = await recommendations_for_need(enterprise, need.id, as_of=AS_OF, cache=cache)

    draft.status = PublicationStatus.PUBLISHED
    await draft.save()
    after = await recommendations_for_need(enterprise, need.id, as_of=AS_OF, cache=cache)

    assert [m.offer.name for m in first.eligible] == ["甲"]
    assert [m.offer.name for m in unchanged.eligible] == ["甲"]
    assert sorted(m.offer.name for m in after.eligible) == ["乙", "甲"]


async def test_innovation_breakdown_uses_the_configured_weights(db):
    enterprise = await make_enterprise(rd_ratio=5.0, invention_patents=2, phd_count=1,
                                       qualifications={"高新技术企业": {"obtained": "2025-01-10"}})
    weights = InnovationWeights.from_mapping({"rd_ratio_points": 40, "qualification_points": {"高新技术企业": 12}})

    report = await innovation_report(enterprise, as_of=AS_OF, weights=weights)

    assert report.score.rd_ratio == 20.0  # 5% of the 10% for full points × 40
    assert report.score.ip_class1 == 8.0
    assert report.score.talent == 2.0
    assert report.score.qualifications == 12.0
    assert report.score.total == 42.0
    assert report.held_qualifications == (("高新技术企业", 12.0),)


async def test_cached_results_follow_a_profile_change(db):
    enterprise = await make_enterprise(rd_ratio=2.8)
    need = await make_need(enterprise)
    await make_product(await make_institution(), RD_AT_LEAST_3, name="研发贷")
    cache = CatalogueCache()
    before = await recommendations_for_need(enterprise, need.id, as_of=AS_OF, cache=cache)

    profile = await EnterpriseProfile.get(organization=enterprise)
    profile.rd_ratio = 3.0
    await profile.save()
    after = await recommendations_for_need(enterprise, need.id, as_of=AS_OF, cache=cache)

    assert [m.offer.name for m in before.eligible] == []
    assert [m.offer.name for m in after.eligible] == ["研发贷"]
