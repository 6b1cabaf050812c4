"""Small factories for event tests: rows made through the ORM or the real services."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from matchmaker.models import (
    Event,
    EventStatus,
    FinancingKind,
    FinancingNeed,
    Organization,
    Product,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    User,
)
from matchmaker.services.events.setup import create_event, read_event_form
from tests.factories import organization_of

EVENT_FORM = {
    "title": "星河市科技金融银企对接会", "kind": "docking", "venue": "星河国际会议中心",
    "days": "2026-12-08", "am_start": "09:00", "am_end": "10:00", "pm_start": "14:00", "pm_end": "15:00",
    "breaks": "", "slot_minutes": "20", "pitch_minutes": "10", "tables_per_institution": "2",
    "eligibility": "all", "coverage_bonus": "10", "first_loan_bonus_percent": "50",
}


async def make_event(organizer_user: User, *, open_it: bool = True, **changes: str) -> Event:
    organizer = await organization_of(organizer_user)
    event = await create_event(organizer, draft=read_event_form({**EVENT_FORM, **changes}), by=organizer_user)
    if open_it:
        event.status = EventStatus.OPEN
        await event.save()
    return event


async def make_need(enterprise: Organization, *, kind: str = "credit_loan", title: str = "流动资金贷款 500 万",
                    amount: int = 5_000_000) -> FinancingNeed:
    return await FinancingNeed.create(enterprise=enterprise, title=title, kind=FinancingKind(kind), amount=amount,
                                      term_months=12)


async def make_product(institution: Organization, *, kind: str = "credit_loan", name: str = "科创信用贷") -> Product:
    return await Product.create(organization=institution, name=name, kind=FinancingKind(kind),
                                status=PublicationStatus.PUBLISHED)


async def approve(event: Event, organization: Organization, *, need_ids: list[int] | None = None,
                  tables: int = 0) -> Registration:
    return await Registration.create(event=event, organization=organization, status=RegistrationStatus.APPROVED,
                                     need_ids=need_ids or [], tables=tables,
                                     representatives=[{"name": "代表", "title": "经理", "product_ids": []}] if tables
                                     else [])


def past(minutes: int = 5) -> datetime:
    return datetime.now(UTC) - timedelta(minutes=minutes)
