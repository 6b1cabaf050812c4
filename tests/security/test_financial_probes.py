"""Finding 1: an institution learns about an enterprise that did not consent to show its
financial figures only whether it is eligible for a published product — never the tier reached,
the amount a tier gives, the fit score computed from it, the ✓/✗ beside a financial criterion, or
anything from a draft (drafts fit only enterprises that consented)."""

from __future__ import annotations

import re

from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope, EnterpriseProfile, PublicationStatus
from matchmaker.services.matching import matching_needs_for_product, products_with_match_counts
from matchmaker.services.matching.redaction import WITHHELD_OUTCOME
from tests.factories import AS_OF, make_need, make_product, organization_of

REAL_REVENUE = 503_185_000  # 50,318.5 万元: what the probe is after
THRESHOLDS = [504_000_000, 503_990_000, 503_500_000, 503_190_000, 503_180_000, 503_000_000, 500_000_000]


def _probe_tiers(threshold: int) -> dict:
    return {"tiers": [{"when": {"id": "t1", "field": "revenue", "op": "ge", "value": threshold},
                       "max": 1_000_000, "label": f"REV>={threshold}"},
                      {"max": 500_000, "label": "基础额度"}]}


async def _setting(make_organization):
    """A bank's admin and an enterprise (with its real revenue on file) that consented to nothing."""
    bank_admin = await make_organization("bank", name="探测银行")
    enterprise = await organization_of(await make_organization("enterprise", name="保密制造"))
    await EnterpriseProfile.create(organization=enterprise, province="浙江省", city="杭州市",
                                   industry_chains=["集成电路"], dishonest_debtor=False, revenue=REAL_REVENUE,
                                   total_assets=900_000_000, existing_debt=100_000_000)
    # within the base tier, so that every probe fits (a need above what a tier gives fails the amount)
    need = await make_need(enterprise, title="扩产贷款", amount=400_000)
    return bank_admin, await organization_of(bank_admin), enterprise, need


def _without_ids(html: str, names: list[str]) -> str:
    """The part of a matches page that may differ between products of a series: its name and ids."""
    section = html[html.index('<section class="card">'):html.index("</section>")]
    for name in names:
        section = section.replace(name, "PRODUCT")
    return re.sub(r"/institution/products/\d+/", "/institution/products/N/", section)


async def test_a_series_of_published_tier_probes_reads_the_same_page_for_every_threshold(client, make_organization):
    bank_admin, bank, _enterprise, need = await _setting(make_organization)
    products = [await make_product(bank, None, name=f"探测{i}", amount_rule=_probe_tiers(t))
                for i, t in enumerate(THRESHOLDS)]
    await client.login(bank_admin.email)

    pages = [(await client.get(f"/institution/products/{p.id}/matches")).text for p in products]

    # eligible for each (the allowed bit: the base tier makes every probe fit) ...
    assert all(f'id="need-{need.id}"' in page for page in pages)
    # ... and nothing on the page depends on where the real revenue lies among the thresholds
    bodies = {_without_ids(page, [p.name]) for page, p in zip(pages, products, strict=True)}
    assert len(bodies) == 1
    [body] = bodies
    assert "可贷额度按企业财务数据计算（企业未授权查看财务数据）" in body
    for leak in ["REV&gt;=", "REV>=", "基础额度", "100 万元", "50 万元", "50318", "503185000", "score-number"]:
        assert leak not in body


async def test_tier_reached_amount_score_and_marks_are_withheld_in_the_verdict(db, make_organization):
    _, bank, _enterprise, _need = await _setting(make_organization)
    criteria = {"id": "root", "all": [{"id": "rev", "text": "营收", "field": "revenue", "op": "ge",
                                      "value": 500_000_000}]}
    product = await make_product(bank, criteria, amount_rule=_probe_tiers(503_180_000))

    [match] = (await matching_needs_for_product(bank, product.id, as_of=AS_OF)).needs

    verdict = match.verdict
    assert (verdict.max_amount, verdict.score, verdict.breakdown, match.financials) == (None, None, None, None)
    assert [(r.outcome, r.text) for r in verdict.reasons if r.source not in ("region", "term")] == [
        (WITHHELD_OUTCOME, "营业收入不低于 50000 万元（企业未授权查看财务数据）"),
        (WITHHELD_OUTCOME, "可贷额度按企业财务数据计算（企业未授权查看财务数据）"),
    ]
    assert not any("✓" in r.text or "✗" in r.text for r in verdict.reasons if r.outcome == WITHHELD_OUTCOME)


async def test_with_consent_the_tier_and_amount_are_shown(db, make_organization):
    _, bank, enterprise, _need = await _setting(make_organization)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.FINANCIALS,
                              audience=ConsentAudience.ALL_INSTITUTIONS)
    product = await make_product(bank, None, amount_rule=_probe_tiers(503_180_000))

    [match] = (await matching_needs_for_product(bank, product.id, as_of=AS_OF)).needs

    assert match.verdict.max_amount == 1_000_000
    assert match.verdict.score is not None
    assert "可贷额度最高 100 万元（REV>=503180000），需求 40 万元在额度内 ✓" in [r.text for r in match.verdict.reasons]


async def test_drafts_fit_no_enterprise_that_did_not_consent(db, make_organization):
    _, bank, enterprise, _need = await _setting(make_organization)
    drafts = [await make_product(bank, {"id": "root", "all": [{"id": "rev", "text": "营收", "field": "revenue",
                                                               "op": "ge", "value": t}]},
                                 status=PublicationStatus.DRAFT) for t in THRESHOLDS]

    counts = [s.fitting_needs for s in await products_with_match_counts(bank, as_of=AS_OF)]
    pages = [(await matching_needs_for_product(bank, d.id, as_of=AS_OF)).needs for d in drafts]

    assert counts == [0] * len(THRESHOLDS)
    assert pages == [[]] * len(THRESHOLDS)

    # once it consents, the drafts preview against it (those it passes: thresholds at or below its revenue)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.FINANCIALS, audience=ConsentAudience.NAMED,
                              institution=bank)
    counts = [s.fitting_needs for s in await products_with_match_counts(bank, as_of=AS_OF)]
    assert counts == [0, 0, 0, 0, 1, 1, 1]


async def test_ranking_among_withheld_enterprises_does_not_follow_their_revenue(db, make_organization):
    _, bank, _first, first_need = await _setting(make_organization)
    richer = await organization_of(await make_organization("enterprise", name="更大企业"))
    await EnterpriseProfile.create(organization=richer, province="浙江省", city="杭州市", industry_chains=["集成电路"],
                                   dishonest_debtor=False, revenue=900_000_000)
    richer_need = await make_need(richer, title="更大企业的需求", amount=1_000_000)
    product = await make_product(bank, None, amount_rule=_probe_tiers(600_000_000))

    needs = (await matching_needs_for_product(bank, product.id, as_of=AS_OF)).needs

    # the richer one reaches the higher tier (a better score), yet both are listed in need order
    assert [m.need.id for m in needs] == [first_need.id, richer_need.id]
