"""Organizers set up events; the public sees open events only."""

from matchmaker.models import AuditLog, Event, EventStatus
from tests.services.events.factories import EVENT_FORM, approve, make_event, make_product
from tests.factories import organization_of


async def test_organizer_creates_a_docking_event_with_its_sessions(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/events", {**EVENT_FORM, "breaks": "09:20-09:30"})

    event = await Event.get()
    assert response.status_code == 303
    assert response.headers["location"] == f"/organizer/events/{event.id}"
    assert event.status == EventStatus.DRAFT
    assert event.sessions == [{"day": "2026-12-08", "part": "am", "start": "09:00", "end": "10:00"},
                              {"day": "2026-12-08", "part": "pm", "start": "14:00", "end": "15:00"}]
    assert event.breaks == [{"day": "2026-12-08", "start": "09:20", "end": "09:30"}]
    assert await AuditLog.filter(action="event.create").count() == 1
    page = await client.get(f"/organizer/events/{event.id}")
    assert page.status_code == 200
    assert "5 个时段" not in page.text and "2 个时段" in page.text  # 09:00, 09:30 in the morning


async def test_overlapping_sessions_are_refused_beside_the_field(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/events", {**EVENT_FORM, "am_end": "14:30"})

    assert response.status_code == 400
    assert "12月8日上午与12月8日下午时间重叠" in response.text
    assert await Event.all().count() == 0


async def test_a_deadline_after_the_event_starts_is_refused(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/events", {**EVENT_FORM, "registration_deadline": "2026-12-09T18:00"})

    assert response.status_code == 400
    assert "截止时间不能晚于活动开始（2026-12-08 09:00）" in response.text
    assert await Event.all().count() == 0


async def test_a_roadshow_needs_a_hall_and_a_pitch_that_fits_a_slot(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    response = await client.submit("/organizer/events", {**EVENT_FORM, "kind": "roadshow", "pitch_minutes": "30"})

    assert response.status_code == 400
    assert "路演活动请至少设置一个路演厅" in response.text
    assert "每场路演时长不能超过一个时段（20 分钟）" in response.text


async def test_another_organizers_event_answers_404(client, make_organization):
    ours = await make_organization("government", is_organizer=True)
    theirs = await make_organization("government", is_organizer=True)
    their_event = await make_event(theirs)
    await client.login(ours.email)

    assert (await client.get(f"/organizer/events/{their_event.id}")).status_code == 404
    assert (await client.get(f"/organizer/events/{their_event.id}/problem.json")).status_code == 404
    edit = await client.submit(f"/organizer/events/{their_event.id}/edit", {**EVENT_FORM, "title": "改名"})
    assert edit.status_code == 404
    assert (await Event.get(id=their_event.id)).title == EVENT_FORM["title"]


async def test_opening_an_event_publishes_it(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer, open_it=False)
    await client.login(organizer.email)
    assert (await client.get(f"/events/{event.id}")).status_code == 200  # its organizer previews the draft

    response = await client.submit(f"/organizer/events/{event.id}/status/open")

    assert response.status_code == 303
    assert (await Event.get(id=event.id)).status == EventStatus.OPEN
    assert event.title in (await client.get("/events")).text


async def test_a_draft_event_is_hidden_from_everyone_but_its_organizer(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    draft = await make_event(organizer, open_it=False)

    assert (await client.get(f"/events/{draft.id}")).status_code == 404
    assert draft.title not in (await client.get("/events")).text


async def test_public_page_shows_agenda_and_approved_institutions_with_their_products(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    bank = await organization_of(await make_organization("bank", name="星河银行科技支行"))
    pending_bank = await organization_of(await make_organization("bank", name="未审核银行"))
    await make_product(bank, name="科创信用贷")
    await approve(event, bank, tables=2)
    await approve(event, pending_bank, tables=1)
    await pending_bank.registrations.all().update(status="pending")

    page = await client.get(f"/events/{event.id}")

    assert page.status_code == 200
    assert "12月8日上午" in page.text and "3 × 20 分钟（09:00–10:00）" in page.text
    assert "星河银行科技支行" in page.text and "科创信用贷" in page.text
    assert "未审核银行" not in page.text


async def test_the_edit_form_shows_the_stored_event_and_saving_it_unchanged_keeps_it(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer, breaks="09:20-09:30", registration_deadline="2026-12-01T18:00")
    await client.login(organizer.email)
    from matchmaker.services.events.setup import form_values

    values = form_values(await Event.get(id=event.id))
    response = await client.submit(f"/organizer/events/{event.id}/edit", values)

    assert response.status_code == 303
    saved = await Event.get(id=event.id)
    assert (saved.sessions, saved.breaks) == (event.sessions, event.breaks)
    assert values["registration_deadline"] == "2026-12-01T18:00"
    assert values["breaks"] == "09:20-09:30"
