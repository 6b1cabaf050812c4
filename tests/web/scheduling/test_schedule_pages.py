"""The organizer's schedule pages over HTTP: run, live progress (SSE), draft, edit, publish, and
nothing of another organizer's event."""

from __future__ import annotations

import json

from matchmaker.models import Meeting, ScheduleRun, ScheduleVersion, VersionState
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event


def _events(body: str) -> list[tuple[str, dict]]:
    """(event name, data) of a text/event-stream body."""
    parsed = []
    for block in body.strip().split("\n\n"):
        lines = dict(line.split(": ", 1) for line in block.splitlines())
        parsed.append((lines["event"], json.loads(lines["data"])))
    return parsed


async def test_organizer_runs_the_solver_follows_progress_saves_and_publishes(client, make_organization):
    seeded = await seeded_event(make_organization)
    await client.login(seeded.organizer.email)
    base = f"/organizer/events/{seeded.event.id}/schedule"

    started = await client.submit(f"{base}/runs", {"time_limit": str(SOLVE_SECONDS), "seed": "0"})
    run = await ScheduleRun.get(event=seeded.event)
    stream = await client.get(f"{base}/runs/{run.id}/events")  # polls the row until the run is done
    run_page = await client.get(f"{base}/runs/{run.id}")
    saved = await client.submit(f"{base}/runs/{run.id}/draft")
    version = await ScheduleVersion.get(event=seeded.event)
    page = await client.get(f"{base}/versions/{version.id}")
    published = await client.submit(f"{base}/versions/{version.id}/publish", {"replaces": "", "confirm": "1"})

    assert started.status_code == 303 and started.headers["location"] == f"{base}/runs/{run.id}"
    assert stream.headers["content-type"].startswith("text/event-stream")
    assert "data: {" in stream.text
    events = _events(stream.text)
    assert [name for name, _ in events][-1] == "done"
    progress = [data for name, data in events if name == "progress"]
    assert progress and {"objective", "bound", "gap", "percent", "seconds", "phase"} <= set(progress[0])
    assert events[-1][1]["state"] == "done" and events[-1][1]["percent"] == 100
    assert events[-1][1]["objective"] == events[-1][1]["bound"] == 140
    # the whole event fits one proven neighbourhood: the solver says it stopped early, and why
    assert (events[-1][1]["stopped"], events[-1][1]["stopped_label"]) == ("optimal", "已达最优，提前结束")
    assert {data["phase_label"] for data in progress} <= {"初步排程", "计算理论上限", "精确求解", "逐步改进", "整理空档", "完成"}
    assert "已安排的洽谈价值 140，理论上限 140：已是最优。" in run_page.text
    assert saved.headers["location"] == f"{base}/versions/{version.id}"
    assert page.status_code == 200 and "星河担保" in page.text and "星河科技1号" in page.text
    assert "6</strong> 个参与方将收到新的日程" in page.text  # 4 enterprises and 2 institutions
    assert published.headers["location"] == f"{base}/versions/{version.id}?published=6"
    await version.refresh_from_db()
    assert (version.state, version.published_number) == (VersionState.PUBLISHED, 1)


async def test_a_clashing_move_answers_400_with_the_reason_on_the_page(client, make_organization):
    seeded = await seeded_event(make_organization)
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    version = await scheduling.save_draft(run, by=seeded.organizer)
    first, second = await Meeting.filter(version=version, institution_id=seeded.guarantor.pk).order_by("id").limit(2)
    await client.login(seeded.organizer.email)

    response = await client.submit(
        f"/organizer/events/{seeded.event.id}/schedule/versions/{version.id}/meetings/{first.id}/move",
        {"slot": second.slot, "table": "1"})

    assert response.status_code == 400
    assert "无法调整：" in response.text and "星河担保第 1 桌" in response.text


async def test_another_organizers_schedule_answers_404_everywhere(client, make_organization):
    theirs = await seeded_event(make_organization, enterprises=1)
    run = await wait_for_run(await scheduling.start_run(theirs.event, by=theirs.organizer, time_limit=SOLVE_SECONDS))
    version = await scheduling.save_draft(run, by=theirs.organizer)
    meeting = await Meeting.filter(version=version).first()
    ours = await seeded_event(make_organization, enterprises=1)
    await client.login(ours.organizer.email)
    their_base = f"/organizer/events/{theirs.event.id}/schedule"
    our_base = f"/organizer/events/{ours.event.id}/schedule"

    pages = [await client.get(path) for path in (
        their_base, f"{their_base}/runs/{run.id}", f"{their_base}/runs/{run.id}/events",
        f"{their_base}/versions/{version.id}",
        # their run and version under our own event's URLs
        f"{our_base}/runs/{run.id}", f"{our_base}/runs/{run.id}/events", f"{our_base}/versions/{version.id}",
        f"{our_base}/compare?a={version.id}&b={version.id}")]
    posts = [await client.submit(path, data) for path, data in (
        (f"{our_base}/versions/{version.id}/publish", {"replaces": ""}),
        (f"{our_base}/runs/{run.id}/draft", {}),
        (f"{their_base}/runs", {"time_limit": "1"}),
        (f"{our_base}/versions/{version.id}/meetings/{meeting.id}/lock", {"locked": "1"}))]

    assert [p.status_code for p in pages] == [404] * 8
    assert [p.status_code for p in posts] == [404] * 4
    await version.refresh_from_db()
    assert version.state == VersionState.DRAFT
    assert await ScheduleRun.filter(event=theirs.event).count() == 1


async def test_fairness_settings_are_saved_on_the_event_and_bad_values_shown_beside_the_field(
        client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    await client.login(seeded.organizer.email)
    path = f"/organizer/events/{seeded.event.id}/schedule/fairness"

    saved = await client.submit(path, {"coverage_bonus": "25", "first_loan_bonus_percent": "80",
                                       "max_meetings_per_enterprise": "3", "max_meetings_per_institution": ""})
    refused = await client.submit(path, {"coverage_bonus": "-1", "first_loan_bonus_percent": "80"})

    assert saved.status_code == 303
    await seeded.event.refresh_from_db()
    assert (seeded.event.coverage_bonus, seeded.event.first_loan_bonus_percent,
            seeded.event.max_meetings_per_enterprise, seeded.event.max_meetings_per_institution) == (25, 80, 3, None)
    assert refused.status_code == 400 and "请填写 0–1000 之间的整数" in refused.text
