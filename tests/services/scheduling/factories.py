"""A small seeded docking event for scheduling tests: one day, 6 slots (09:00–10:00 and
14:00–15:00, 20 minutes each), four enterprises, a bank with two tables and a guarantor with one,
and accepted requests between them."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.models import Event, MeetingRequest, Organization, Priority, RequestState, User
from tests.services.events.factories import approve, make_event, make_need
from tests.factories import organization_of

SOLVE_SECONDS = 1.5


@dataclass
class SeededEvent:
    organizer: User
    event: Event
    enterprises: list[Organization]
    bank: Organization      # two tables
    guarantor: Organization  # one table


async def accept(event: Event, enterprise: Organization, institution: Organization,
                 priority: Priority = Priority.WANT) -> MeetingRequest:
    need = await make_need(enterprise)
    return await MeetingRequest.create(event=event, enterprise=enterprise, institution=institution, need=need,
                                       from_enterprise=True, priority=priority, answer_priority=Priority.WANT,
                                       state=RequestState.ACCEPTED)


async def seeded_event(make_organization, *, enterprises: int = 4, organizer: User | None = None) -> SeededEvent:
    organizer = organizer or await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    companies = [await organization_of(await make_organization("enterprise", name=f"星河科技{n}号"))
                 for n in range(1, enterprises + 1)]
    bank = await organization_of(await make_organization("bank", name="星河银行"))
    guarantor = await organization_of(await make_organization("guarantor", name="星河担保"))
    for company in companies:
        await approve(event, company)
    await approve(event, bank, tables=2)
    await approve(event, guarantor, tables=1)
    for company in companies:
        await accept(event, company, bank, Priority.MUST)
        await accept(event, company, guarantor)
    return SeededEvent(organizer, event, companies, bank, guarantor)
