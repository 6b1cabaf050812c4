"""Consent is decided in services/consent.py for every page: what an institution may see of an
enterprise beyond its name, industry chain and needs."""

from __future__ import annotations

from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope
from matchmaker.services.accounts.consent import FINANCIAL_FIELDS, Visibility, visibility_for
from tests.factories import make_enterprise, make_event, make_institution, make_organizer, register


def test_one_list_of_financial_fields_serves_profile_columns_and_matching_fields():
    assert FINANCIAL_FIELDS == {"revenue", "total_assets", "existing_debt", "valuation", "profitable", "last_round",
                                "debt_ratio", "debt_ratio_after_loan",
                                # the tax bureau's figures and the two-year profit programmes test (issue 14)
                                "tax_paid", "taxable_sales", "profitable_2y"}


def test_without_financial_consent_every_financial_field_is_hidden_and_the_public_ones_are_not():
    contact_only = Visibility(frozenset({ConsentScope.CONTACT}))

    assert [key for key in sorted(FINANCIAL_FIELDS) if not contact_only.hides(key)] == []
    assert contact_only.hides("contact_phone") is False
    assert contact_only.hides("industry_code") is False
    assert Visibility(frozenset({ConsentScope.FINANCIALS})).hides("contact_phone") is True


async def test_event_grant_covers_institutions_approved_at_that_event_only(db):
    organizer = await make_organizer()
    docking, other = await make_event(organizer), await make_event(organizer, "另一场对接会")
    approved, elsewhere = await make_institution(), await make_institution()
    await register(docking, approved)
    await register(other, elsewhere)
    enterprise = await make_enterprise(last_round="B轮", valuation=300_000_000)
    await ConsentGrant.create(enterprise=enterprise, scope=ConsentScope.FINANCIALS, audience=ConsentAudience.EVENT,
                              event_id=docking.id)

    seen_by_approved = (await visibility_for(approved, [enterprise.id]))[enterprise.id]
    seen_elsewhere = (await visibility_for(elsewhere, [enterprise.id]))[enterprise.id]

    assert seen_by_approved.scopes == {ConsentScope.FINANCIALS}
    assert seen_elsewhere.scopes == frozenset()
    assert seen_elsewhere.hides("last_round") and seen_elsewhere.hides("valuation")


async def test_the_organizer_and_the_enterprise_itself_see_everything_another_enterprise_nothing(db):
    organizer = await make_organizer()
    enterprise, neighbour = await make_enterprise(), await make_enterprise()

    assert (await visibility_for(organizer, [enterprise.id]))[enterprise.id].scopes == set(ConsentScope)
    assert (await visibility_for(enterprise, [enterprise.id]))[enterprise.id].scopes == set(ConsentScope)
    assert (await visibility_for(neighbour, [enterprise.id]))[enterprise.id].scopes == frozenset()
