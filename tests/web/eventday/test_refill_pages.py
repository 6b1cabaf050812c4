"""The refill pages: organizers only (not event staff), the plan, a run and its proposal."""

from __future__ import annotations

from matchmaker.models import Membership, Role, ScheduleRun
from matchmaker.services.scheduling.solver_runs import _tasks, wait_for_run
from tests.conftest import PASSWORD
from tests.services.eventday.day import check_in, publish
from tests.services.scheduling.factories import seeded_event


async def test_the_refill_page_lists_absent_and_runs_a_proposal(client, make_organization):
    seeded = await seeded_event(make_organization)
    await publish(seeded)
    await check_in(seeded.event, *seeded.enterprises, seeded.bank, seeded.guarantor)
    await client.login(seeded.organizer.email)

    page = await client.get(f"/organizer/events/{seeded.event.id}/refill")
    started = await client.submit(f"/organizer/events/{seeded.event.id}/refill", {"cutoff": "9点"})

    run = await client.submit(f"/organizer/events/{seeded.event.id}/refill", {"cutoff": ""})
    run_id = int(run.headers["location"].rsplit("/", 1)[1])
    await wait_for_run(await ScheduleRun.get(id=run_id))
    proposal = await client.get(run.headers["location"])

    assert page.status_code == 200 and "生成补位方案" in page.text
    assert proposal.status_code == 200 and 'id="proposal"' in proposal.text
    assert started.status_code == 400 and "请按 时:分 填写截止时间，例如 09:30" in started.text


async def test_event_staff_cannot_open_the_refill(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    staff = await make_organization("government", is_organizer=True)
    membership = await Membership.get(user=staff)
    membership.role = Role.STAFF
    await membership.save()
    await client.login(staff.email, PASSWORD)

    response = await client.get(f"/organizer/events/{seeded.event.id}/refill")

    assert response.status_code in (403, 404)
    assert not _tasks
