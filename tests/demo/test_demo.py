"""The demo city: enough data to try every page, and every criteria tree valid for the engine."""

from __future__ import annotations

from matchmaker.matching.criteria import validate_criteria
from matchmaker.matching.fields import default_fields
from matchmaker.models import EnterpriseProfile, Organization, PlatformRule, Policy, Product, User
from matchmaker.demo.city import load_demo
from matchmaker.services.registry.offers import amount_problems


async def test_demo_has_the_promised_registries_and_valid_criteria(db, settings):
    await load_demo(settings.var_dir)

    chains = {chain for profile in await EnterpriseProfile.all() for chain in profile.industry_chains}
    institutions = await Organization.filter(kind__not_in=["enterprise", "government"]).count()
    products = await Product.all()
    policies = await Policy.all()
    fields = default_fields()

    assert await EnterpriseProfile.all().count() == 62 and len(chains) == 10
    # 16 institutions with 32 products in the library, and 14 more (banks, funds) with 10
    # products who come to the demo events.
    assert institutions == 30
    assert len(products) == 42 and len(policies) == 10 and await PlatformRule.all().count() == 2
    for offer in [*products, *policies]:
        assert validate_criteria(offer.criteria, fields) == {}, offer.name
        assert amount_problems(offer.amount_rule, fields) == {}, offer.name
    assert await User.exists(email="e01@demo.matchmaker.cn") and await User.exists(email="bank1@demo.matchmaker.cn")
