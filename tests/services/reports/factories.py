"""The hand-computed fixture of tests/stats/fixture.py written into the database through the
models, so the loader, the pages and the files can be checked against the same figures."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime, time

from matchmaker.models import (
    CheckIn,
    EnterpriseProfile,
    Event,
    FinancingLead,
    FinancingNeed,
    LeadRecord,
    Meeting,
    MeetingFeedback,
    Organization,
    OrganizationKind,
    Programme,
    Registration,
    RegistrationStatus,
    ScheduleVersion,
    VersionState,
)
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.outcomes.facts import refresh_all_facts
from tests.conftest import next_uscc
from tests.stats import fixture


def at(day, hour: int = 10) -> datetime:
    return datetime.combine(day, time(hour), SHANGHAI).astimezone(UTC)


@dataclass
class Loaded:
    programme: Programme
    events: dict[int, Event]
    organizations: dict[int, Organization]


async def load_fixture(organizer: Organization, *, refresh: bool = True) -> Loaded:
    """Every fixture row but the responses (their deadlines are per request there); `refresh`
    False leaves the stored facts alone (a database before migration 0019 has none)."""
    programme = await Programme.create(organizer=organizer, name="2026年科技金融常态化银企对接活动",
                                       starts_on=fixture.OCT15.replace(month=1, day=1),
                                       ends_on=fixture.OCT15.replace(month=12, day=31))
    events = {row.id: await Event.create(organizer=organizer, title=row.title, programme=programme,
                                         sessions=[{"day": row.held_on.isoformat(), "part": "am",
                                                    "start": "09:00", "end": "12:00"}])
              for row in fixture.EVENTS}
    orgs: dict[int, Organization] = {}
    for row in fixture.INSTITUTIONS.values():
        orgs[row.id] = await Organization.create(kind=OrganizationKind(row.kind), name=row.name)
    for row in fixture.ENTERPRISES.values():
        orgs[row.id] = await Organization.create(kind=OrganizationKind.ENTERPRISE, name=row.name, uscc=next_uscc())
        await EnterpriseProfile.create(organization=orgs[row.id], district=row.district,
                                       industry_chains=list(row.chains), size_class=row.size_class,
                                       first_loan=row.first_loan, revenue=987_654_321)
    for row in fixture.PARTICIPANTS:
        await Registration.create(event=events[row.event_id], organization=orgs[row.organization_id],
                                  status=RegistrationStatus.APPROVED)
        if row.checked_in:
            day = fixture.EVENTS[row.event_id - 1].held_on
            await CheckIn.create(event=events[row.event_id], organization=orgs[row.organization_id], day=day,
                                 checked_in_at=at(day, 9))
    versions = {i: await ScheduleVersion.create(event=e, number=1, published_number=1, state=VersionState.PUBLISHED)
                for i, e in events.items()}
    for row in fixture.MEETINGS:
        await Meeting.create(version=versions[row.event_id], event=events[row.event_id],
                             enterprise=orgs[row.enterprise_id], institution=orgs[row.institution_id],
                             slot=f"s{row.id}", starts_at=at(row.day), ends_at=at(row.day, 11), table=1,
                             state=row.state, absent_side=row.absent_side)
    needs = {}
    leads = {}
    for row in fixture.LEADS:
        need = needs.get((row.enterprise_id, row.kind)) or await FinancingNeed.create(
            enterprise=orgs[row.enterprise_id], title="流动资金", kind=row.kind, amount=5_000_000, term_months=12)
        needs[(row.enterprise_id, row.kind)] = need
        # Leads without an event (claims) join the programme through their institution's
        # meeting elsewhere in real life; here they carry the first event so the scope holds them.
        leads[row.id] = await FinancingLead.create(
            enterprise=orgs[row.enterprise_id], institution=orgs[row.institution_id], need=need, origin="meeting",
            first_event=events[row.event_id or 1], first_contact_at=at(row.first_contact_on),
            stage_changed_at=at(row.first_contact_on))
    records = {}
    for row in fixture.RECORDS:
        records[row.id] = await LeadRecord.create(
            lead=leads[row.lead_id], stage=row.stage, occurred_on=row.occurred_on, amount=row.amount,
            rate_bp=row.rate_bp, guarantee=row.guarantee, first_loan=row.first_loan, confirmation=row.confirmation,
            superseded=row.superseded, recorded_side="institution")
    if refresh:
        await refresh_all_facts()  # the records were written straight through the models, as a bulk import does
    for row in fixture.FEEDBACK:
        meeting = await Meeting.get(enterprise=orgs[row.enterprise_id], institution=orgs[row.institution_id])
        feedback = await MeetingFeedback.create(meeting=meeting, enterprise=orgs[row.enterprise_id],
                                                institution=orgs[row.institution_id], event=events[1],
                                                satisfaction=row.satisfaction)
        await MeetingFeedback.filter(id=feedback.id).update(created_at=at(row.on))
    return Loaded(programme=programme, events=events, organizations=orgs)
