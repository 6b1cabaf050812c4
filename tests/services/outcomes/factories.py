"""A lead made the real way: an enterprise (首贷户 in its profile) asks a bank for a meeting about a
5 000 000 元 need at an open event and the bank accepts it through the request service."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from matchmaker.models import (
    Event,
    EventStatus,
    FinancingNeed,
    MeetingRequest,
    Organization,
    Priority,
    Product,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    RequestState,
    User,
)
from matchmaker.models.outcomes import FinancingLead
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.events.requests import answer
from matchmaker.services.outcomes.facts import refresh_facts
from tests.factories import make_enterprise, make_institution, make_need, make_organizer, make_user


@dataclass
class LeadSetup:
    event: Event
    enterprise: Organization
    bank: Organization
    need: FinancingNeed
    product: Product
    enterprise_user: User
    bank_user: User
    organizer: Organization
    organizer_user: User
    lead: FinancingLead


async def accepted_lead(*, first_loan: bool | None = True, days_ago: int = 10, organizer: Organization | None = None,
                        bank: Organization | None = None) -> LeadSetup:
    organizer = organizer or await make_organizer()
    organizer_user = await make_user(organizer)
    event = await Event.create(organizer=organizer, title="星河银企对接会", status=EventStatus.OPEN)
    enterprise = await make_enterprise(first_loan=first_loan)
    bank = bank or await make_institution()
    enterprise_user, bank_user = await make_user(enterprise), await make_user(bank)
    need = await make_need(enterprise, amount=5_000_000)
    product = await Product.create(organization=bank, name="科创信用贷", kind="credit_loan",
                                   status=PublicationStatus.PUBLISHED)
    for organization in (enterprise, bank):
        await Registration.create(event=event, organization=organization, status=RegistrationStatus.APPROVED,
                                  need_ids=[need.pk] if organization is enterprise else [])
    request = await MeetingRequest.create(event=event, enterprise=enterprise, institution=bank, need=need,
                                          product=product, from_enterprise=True, priority=Priority.WANT,
                                          state=RequestState.PENDING)
    await answer(request, bank, accept=True, by=bank_user)
    lead = await FinancingLead.get(need=need, institution=bank)
    # The lead began `days_ago` days ago, so that stage dates before today are valid.
    began = utc_now() - timedelta(days=days_ago)
    await FinancingLead.filter(pk=lead.pk).update(first_contact_at=db_time(began), stage_changed_at=db_time(began))
    await refresh_facts([lead.pk])  # the backdated first contact is a fact the statistics read
    await lead.refresh_from_db()
    return LeadSetup(event, enterprise, bank, need, product, enterprise_user, bank_user, organizer, organizer_user,
                     lead)
