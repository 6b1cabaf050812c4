"""Roadshows: business plan upload, selection into halls and slots, investor picks, follow-ups."""

import pytest

from matchmaker.errors import InvalidInput
from matchmaker.models import AttendanceState, MeetingRequest, Notification, Pitch, PitchAttendance, PitchStatus
from matchmaker.services.events.pitches import cancel_pick, pick_pitch, place_pitch
from matchmaker.services.scheduling.problem_export import export_problem
from matchmaker.solver.problem import parse_problem
from tests.services.events.factories import approve, make_event, make_need
from tests.factories import organization_of

PDF = b"%PDF-1.7\n" + b"0" * 1000


@pytest.fixture
def roadshow(make_organization):
    """An open roadshow (one hall of 1 seat) with an approved enterprise and two approved investors."""

    async def make():
        organizer_user = await make_organization("government", is_organizer=True)
        event = await make_event(organizer_user, kind="roadshow", halls="一号厅 1", eligibility="all")
        enterprise_user = await make_organization("enterprise", name="澜湾生物医药")
        enterprise = await organization_of(enterprise_user)
        need = await make_need(enterprise, kind="equity", title="A 轮融资 3000 万")
        await approve(event, enterprise, need_ids=[need.id])
        investors = []
        for name in ("远望创投", "星河引导基金"):
            user = await make_organization("investor", name=name)
            await approve(event, await organization_of(user), tables=1)
            investors.append(user)
        return {"organizer": organizer_user, "event": event, "enterprise_user": enterprise_user,
                "enterprise": enterprise, "need": need, "investors": investors}

    return make


async def _apply(client, d, content=PDF, name="计划书.pdf"):
    return await client.post(f"/events/{d['event'].id}/pitches", data={
        "csrftoken": await client.csrf(), "title": "新型抗体药物", "need_id": str(d["need"].id)},
        files={"plan": (name, content, "application/pdf")})


async def test_enterprise_applies_with_a_pdf_stored_outside_static(client, roadshow, settings):
    d = await roadshow()
    await client.login(d["enterprise_user"].email)

    response = await _apply(client, d, content=b"%PDF-1.7\n" + b"0" * (3 * 1024 * 1024))  # above the 2 MB default

    assert response.status_code == 303
    pitch = await Pitch.get()
    assert (pitch.title, pitch.status, pitch.plan_name) == ("新型抗体药物", PitchStatus.APPLIED, "计划书.pdf")
    stored = settings.var_dir / "uploads" / pitch.plan_path
    assert stored.read_bytes().startswith(b"%PDF-1.7")
    assert "static" not in stored.parts


async def test_a_file_that_is_not_a_pdf_is_refused_beside_the_field(client, roadshow, settings):
    d = await roadshow()
    await client.login(d["enterprise_user"].email)

    response = await _apply(client, d, content=b"MZ\x90\x00 not a pdf", name="plan.pdf")

    assert response.status_code == 400
    assert "商业计划书须为 PDF 文件（文件内容不是 PDF）" in response.text
    assert await Pitch.all().count() == 0
    assert not (settings.var_dir / "uploads").exists() or not any((settings.var_dir / "uploads").rglob("*.pdf"))


async def test_a_plan_over_20_mb_is_refused(client, roadshow):
    d = await roadshow()
    await client.login(d["enterprise_user"].email)

    just_over = await _apply(client, d, content=PDF + b"0" * (20 * 1024 * 1024))
    far_over = await _apply(client, d, content=PDF + b"0" * (25 * 1024 * 1024))

    assert just_over.status_code == 400
    assert "商业计划书不能超过 20 MB" in just_over.text
    assert far_over.status_code == 413
    assert await Pitch.all().count() == 0


async def test_the_plan_is_served_to_approved_institutions_and_the_organizer_only(client, other_client, roadshow,
                                                                                  make_organization):
    d = await roadshow()
    await client.login(d["enterprise_user"].email)
    await _apply(client, d)
    pitch = await Pitch.get()
    path = f"/events/{d['event'].id}/pitches/{pitch.id}/plan.pdf"

    await other_client.login(d["investors"][0].email)
    investor = await other_client.get(path)
    await other_client.login((await make_organization("enterprise")).email)
    competitor = await other_client.get(path)
    await other_client.login(d["organizer"].email)
    organizer = await other_client.get(path)

    assert (investor.status_code, competitor.status_code, organizer.status_code) == (200, 404, 200)
    assert investor.content == PDF
    assert investor.headers["content-type"] == "application/pdf"


async def test_organizer_places_pitches_one_per_hall_and_slot(client, roadshow):
    d = await roadshow()
    first = await Pitch.create(event=d["event"], enterprise=d["enterprise"], title="甲", need=d["need"])
    other = await organization_of(d["investors"][0])  # any organization works as a stand-in enterprise row
    second = await Pitch.create(event=d["event"], enterprise=other, title="乙")
    await place_pitch(d["event"], first, status=PitchStatus.SELECTED, hall="一号厅", slot="d1-0900", by=d["organizer"])

    with pytest.raises(InvalidInput) as refused:
        await place_pitch(d["event"], second, status=PitchStatus.SELECTED, hall="一号厅", slot="d1-0900",
                          by=d["organizer"])

    assert refused.value.problems == {"slot": "该路演厅的这个时段已安排了其他路演"}
    assert (await Notification.get(organization=d["enterprise"])).text == (
        f"您在“{d['event'].title}”的路演申请已入选，安排在一号厅 d1-0900")


async def test_investors_beyond_the_hall_capacity_wait_and_move_up_when_a_seat_frees(roadshow):
    d = await roadshow()
    pitch = await Pitch.create(event=d["event"], enterprise=d["enterprise"], title="甲", need=d["need"],
                               status=PitchStatus.SELECTED, hall="一号厅", slot="d1-0900")
    first, second = [await organization_of(user) for user in d["investors"]]

    seated = await pick_pitch(d["event"], pitch, first, by=d["investors"][0])
    waiting = await pick_pitch(d["event"], pitch, second, by=d["investors"][1])
    await cancel_pick(d["event"], pitch, first, by=d["investors"][0])

    assert (seated.state, waiting.state) == (AttendanceState.CONFIRMED, AttendanceState.WAITLISTED)
    assert [(a.investor_id, a.state) for a in await PitchAttendance.all()] == [(second.id, AttendanceState.CONFIRMED)]
    assert await Notification.filter(organization=second, kind="pitch.seat").count() == 1


async def test_a_follow_up_after_the_pitch_is_exported_after_pitch(client, roadshow):
    d = await roadshow()
    pitch = await Pitch.create(event=d["event"], enterprise=d["enterprise"], title="甲", need=d["need"],
                               status=PitchStatus.SELECTED, hall="一号厅", slot="d1-0900")
    await client.login(d["investors"][0].email)

    response = await client.submit(f"/events/{d['event'].id}/pitches/{pitch.id}/follow-up", {"priority": "must"})
    request = await MeetingRequest.get()
    request.state, request.answer_priority = "accepted", "want"
    await request.save()
    document = await export_problem(d["event"])

    assert response.status_code == 303
    assert request.after_pitch is True
    assert document["pitches"] == [{"enterprise": f"E{d['enterprise'].id}", "slot": "d1-0900"}]
    assert [(r["after_pitch"], r["weight"]) for r in document["requests"]] == [(True, 15)]
    assert parse_problem(document).requests[0].after_pitch is True


async def test_an_upload_without_the_csrf_token_first_is_refused(client, roadshow):
    d = await roadshow()
    await client.login(d["enterprise_user"].email)

    response = await client.post(f"/events/{d['event'].id}/pitches", data={"title": "甲"},
                                 files={"plan": ("plan.pdf", PDF, "application/pdf")})

    assert response.status_code == 403
    assert "表单已失效" in response.text
    assert await Pitch.all().count() == 0


async def test_an_investor_cannot_sit_in_two_halls_in_the_same_slot(client, roadshow):
    d = await roadshow()
    other = await organization_of(d["investors"][1])  # any organization works as a stand-in enterprise row
    hall_one = await Pitch.create(event=d["event"], enterprise=d["enterprise"], title="甲", need=d["need"],
                                  status=PitchStatus.SELECTED, hall="一号厅", slot="d1-0900")
    hall_two = await Pitch.create(event=d["event"], enterprise=other, title="乙",
                                  status=PitchStatus.SELECTED, hall="二号厅", slot="d1-0900")
    await client.login(d["investors"][0].email)
    investor = await organization_of(d["investors"][0])
    await client.post(f"/events/{d['event'].id}/pitches/{hall_one.id}/pick", data={"csrftoken": await client.csrf()})

    response = await client.post(f"/events/{d['event'].id}/pitches/{hall_two.id}/pick", data={"csrftoken": await client.csrf()})

    assert response.status_code == 400
    assert "您已确认参加同一时段的“甲”（一号厅），一个时段只能参加一场路演" in response.text
    assert [(a.pitch_id, a.state.value) for a in await PitchAttendance.filter(investor=investor)] == [
        (hall_one.id, "confirmed")]


async def test_a_freed_seat_skips_the_investor_already_seated_elsewhere_in_that_slot(roadshow):
    d = await roadshow()
    other = await organization_of(d["investors"][1])
    full = await Pitch.create(event=d["event"], enterprise=d["enterprise"], title="甲", need=d["need"],
                              status=PitchStatus.SELECTED, hall="一号厅", slot="d1-0900")
    elsewhere = await Pitch.create(event=d["event"], enterprise=other, title="乙",
                                   status=PitchStatus.SELECTED, hall="二号厅", slot="d1-0900")
    first, second = [await organization_of(user) for user in d["investors"]]
    seated = await PitchAttendance.create(pitch=full, investor=first, state=AttendanceState.CONFIRMED)
    await PitchAttendance.create(pitch=full, investor=second, state=AttendanceState.WAITLISTED)
    await PitchAttendance.create(pitch=elsewhere, investor=second, state=AttendanceState.CONFIRMED)

    await cancel_pick(d["event"], full, first, by=d["investors"][0])

    assert await PitchAttendance.get_or_none(pk=seated.pk) is None
    waiting = await PitchAttendance.get(pitch=full, investor=second)
    assert waiting.state == AttendanceState.WAITLISTED  # not promoted into a second hall at 09:00
