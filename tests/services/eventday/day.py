"""An event day for the eventday tests: the seeded scheduling event (2026-12-08, slots 09:00,
09:20, 09:40, 14:00, 14:20, 14:40) solved and published, and check-ins made at the desk."""

from __future__ import annotations

from datetime import datetime

from matchmaker.models import CheckIn, Event, Organization, RunState, ScheduleVersion
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.services.scheduling.factories import SOLVE_SECONDS, SeededEvent

DAY = datetime(2026, 12, 8, tzinfo=SHANGHAI).date()


def at(hhmm: str) -> datetime:
    hours, minutes = map(int, hhmm.split(":"))
    return datetime(2026, 12, 8, hours, minutes, tzinfo=SHANGHAI)


async def publish(seeded: SeededEvent) -> ScheduleVersion:
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    assert run.state == RunState.DONE, run.error
    version = await scheduling.save_draft(run, by=seeded.organizer)
    await scheduling.publish_version(version, by=seeded.organizer, replaces=None)
    return await ScheduleVersion.get(id=version.pk)


async def check_in(event: Event, *organizations: Organization, moment: datetime | None = None) -> None:
    for organization in organizations:
        await CheckIn.create(event=event, organization=organization, day=DAY, checked_in_at=moment or at("08:45"))
