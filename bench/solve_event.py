"""Adds to a demo database one docking event of 3,000 enterprises × 500 institutions × 24 slots
with about 18,000 accepted meeting requests (bench/instances.py's `docking` family), organized
by the demo organizer, so that bench/load.py can start a 60 s solve of it through the
organizer's schedule page while the virtual users browse. Prints the new event's id.

    .venv/bin/python bench/solve_event.py   # the database of MATCHMAKER_DATABASE_URL (config.toml)

The rows go in with bulk inserts (no user exists for these organizations: nobody logs in as
them); the solve reads them exactly as for any event (services/scheduling/problem_export).
"""

from __future__ import annotations

import asyncio
import random
import sys
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from tortoise import Tortoise  # noqa: E402

from bench.instances import generate  # noqa: E402
from matchmaker.config import load_settings  # noqa: E402
from matchmaker.db import tortoise_config  # noqa: E402
from matchmaker.models import (  # noqa: E402
    Event,
    EventStatus,
    FinancingNeed,
    MeetingRequest,
    NeedStatus,
    Organization,
    OrganizationKind,
    Priority,
    Registration,
    RegistrationStatus,
    RequestState,
)

ENTERPRISES, INSTITUTIONS, SLOTS, REQUESTS = 3000, 500, 24, 18000
TITLE = "负载测试：全省银企对接大会（3000 × 500）"


async def seed(seed_value: int = 1) -> int:
    problem = generate("docking", ENTERPRISES, INSTITUTIONS, SLOTS, REQUESTS, seed_value)
    rng = random.Random(seed_value)
    organizer = await Organization.filter(is_organizer=True).order_by("id").first()
    day = date.today() + timedelta(days=30)
    # 09:00-12:00 and 14:00-17:00 in 15-minute slots: the 24 slots of the generated instance.
    event = await Event.create(
        organizer=organizer, title=TITLE, status=EventStatus.DRAFT, slot_minutes=15,
        sessions=[{"day": day.isoformat(), "part": "am", "start": "09:00", "end": "12:00"},
                  {"day": day.isoformat(), "part": "pm", "start": "14:00", "end": "17:00"}])
    first = await Organization.all().order_by("-id").first()
    await Organization.bulk_create([Organization(kind=OrganizationKind.ENTERPRISE, name=f"负载企业{i:04d}")
                                    for i in range(ENTERPRISES)], batch_size=1000)
    await Organization.bulk_create([Organization(kind=OrganizationKind.BANK, name=f"负载机构{i:03d}")
                                    for i in range(INSTITUTIONS)], batch_size=1000)
    created = await Organization.filter(id__gt=first.pk).order_by("id").values_list("id", "kind")
    enterprise_ids = [i for i, kind in created if kind == OrganizationKind.ENTERPRISE]
    institution_ids = [i for i, kind in created if kind != OrganizationKind.ENTERPRISE]
    by_key = {e.id: enterprise_ids[n] for n, e in enumerate(problem.enterprises)}
    by_key |= {i.id: institution_ids[n] for n, i in enumerate(problem.institutions)}
    # Granted, not open: the matching pages of bench/load.py's mix (an institution's matches, the
    # organizer's matching) then see the demo's open needs only, in the runs with and without the
    # solve alike. With 3,000 more open needs they are another benchmark: 93 -> 19 requests/s.
    await FinancingNeed.bulk_create([FinancingNeed(enterprise_id=e, title="流动资金贷款", kind="credit_loan",
                                                   amount=3_000_000, term_months=12, status=NeedStatus.GRANTED)
                                     for e in enterprise_ids], batch_size=2000)
    need_of = dict(await FinancingNeed.filter(enterprise_id__in=enterprise_ids).values_list("enterprise_id", "id"))
    tables = {i.id: i.tables for i in problem.institutions}
    await Registration.bulk_create(
        [Registration(event=event, organization_id=by_key[e.id], status=RegistrationStatus.APPROVED)
         for e in problem.enterprises]
        + [Registration(event=event, organization_id=by_key[i.id], status=RegistrationStatus.APPROVED,
                        tables=tables[i.id]) for i in problem.institutions], batch_size=2000)
    priorities = list(Priority)
    await MeetingRequest.bulk_create([MeetingRequest(
        event=event, enterprise_id=by_key[r.enterprise], institution_id=by_key[r.institution], from_enterprise=True,
        need_id=need_of[by_key[r.enterprise]], state=RequestState.ACCEPTED, priority=rng.choice(priorities),
        answer_priority=rng.choice(priorities)) for r in problem.requests], batch_size=2000)
    return event.pk


async def main() -> None:
    settings = load_settings()
    await Tortoise.init(config=tortoise_config(settings))
    try:
        print(await seed())
    finally:
        await Tortoise.close_connections()


if __name__ == "__main__":
    asyncio.run(main())
