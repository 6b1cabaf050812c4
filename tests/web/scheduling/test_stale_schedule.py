"""After publishing, a withdrawn request and a newly accepted one mark the published version out
of date on the organizer's schedule pages, beside the one-click repair; the repaired version,
published, drops the withdrawn meeting from the agendas."""

from __future__ import annotations

from matchmaker.models import Meeting, MeetingRequest, RequestState, ScheduleRun, ScheduleVersion
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.factories import organization_of
from tests.services.events.factories import approve
from tests.services.scheduling.factories import SOLVE_SECONDS, accept, seeded_event


async def test_withdrawal_after_publishing_marks_v1_out_of_date_and_repair_mends_it(client, make_organization):
    seeded = await seeded_event(make_organization)
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    v1 = await scheduling.save_draft(run, by=seeded.organizer)
    await scheduling.publish_version(v1, by=seeded.organizer, replaces=None)
    await client.login(seeded.organizer.email)
    base = f"/organizer/events/{seeded.event.id}/schedule"
    fresh = await client.get(base)
    assert "已过期" not in fresh.text

    withdrawn = await MeetingRequest.get(enterprise=seeded.enterprises[0], institution=seeded.bank)
    removed = await client.submit(f"/organizer/events/{seeded.event.id}/requests/{withdrawn.id}/remove")
    newcomer = await organization_of(await make_organization("enterprise", name="星河科技5号"))
    await approve(seeded.event, newcomer)
    await accept(seeded.event, newcomer, seeded.guarantor)
    overview = await client.get(base)
    version_page = await client.get(f"{base}/versions/{v1.id}")

    assert removed.status_code == 303
    assert "v1 已过期：1 项撤回，1 项新接受" in overview.text
    assert "星河科技1号 ↔ 星河银行" in overview.text and "星河科技5号 ↔ 星河担保" in overview.text
    assert f'action="{base}/versions/{v1.id}/repair"' in overview.text
    assert "v1 已过期：1 项撤回，1 项新接受" in version_page.text

    repaired = await client.submit(f"{base}/versions/{v1.id}/repair", {"time_limit": "5"})
    repair = await wait_for_run(await ScheduleRun.filter(event=seeded.event).order_by("-id").first())
    assert repaired.status_code == 303
    v2 = await scheduling.save_draft(repair, by=seeded.organizer)
    await scheduling.publish_version(v2, by=seeded.organizer, replaces=1)
    assert not await Meeting.exists(version=v2, request=withdrawn)
    assert await Meeting.exists(version=v2, enterprise=newcomer)
    assert (await MeetingRequest.get(id=withdrawn.id)).state == RequestState.WITHDRAWN
    after = await client.get(base)
    assert "已过期" not in after.text and (await ScheduleVersion.get(id=v2.id)).published_number == 2
