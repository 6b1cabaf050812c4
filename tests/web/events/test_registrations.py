"""Enterprises and institutions register; the organizer approves or rejects, one or many at once."""

from matchmaker.models import Availability, Notification, Registration, RegistrationStatus
from tests.services.events.factories import approve, make_event, make_need, make_product, past
from tests.factories import organization_of

AVAILABLE_ALL_DAY = {"attends_2026-12-08-am": "1", "attends_2026-12-08-pm": "1"}


async def test_enterprise_registers_with_its_needs_and_a_late_arrival(client, make_organization):
    event = await make_event(await make_organization("government", is_organizer=True))
    user = await make_organization("enterprise")
    enterprise = await organization_of(user)
    need = await make_need(enterprise)
    await client.login(user.email)

    response = await client.submit(f"/events/{event.id}/register", {
        "need_ids": str(need.id), **AVAILABLE_ALL_DAY, "arrive_2026-12-08-am": "09:20"})

    assert response.status_code == 303
    registration = await Registration.get(event=event, organization=enterprise)
    assert (registration.status, registration.need_ids) == (RegistrationStatus.PENDING, [need.id])
    rows = {a.session: (a.attends, a.arrive_at, a.leave_at)
            for a in await Availability.filter(registration=registration)}
    assert rows == {"2026-12-08-am": (True, "09:20", ""), "2026-12-08-pm": (True, "", "")}


async def test_an_arrival_outside_the_session_is_refused_and_nothing_is_written(client, make_organization):
    event = await make_event(await make_organization("government", is_organizer=True))
    user = await make_organization("enterprise")
    need = await make_need(await organization_of(user))
    await client.login(user.email)

    response = await client.submit(f"/events/{event.id}/register", {
        "need_ids": str(need.id), **AVAILABLE_ALL_DAY, "arrive_2026-12-08-am": "11:00"})

    assert response.status_code == 400
    assert "12月8日上午的到场、离场时间须在 09:00–10:00 之内" in response.text
    assert await Registration.all().count() == 0


async def test_an_enterprise_must_bring_one_of_its_own_needs(client, make_organization):
    event = await make_event(await make_organization("government", is_organizer=True))
    user = await make_organization("enterprise")
    someone_elses = await make_need(await organization_of(await make_organization("enterprise")))
    await client.login(user.email)

    response = await client.submit(f"/events/{event.id}/register", {"need_ids": str(someone_elses.id),
                                                                    **AVAILABLE_ALL_DAY})

    assert response.status_code == 400
    assert "所选需求不存在或已撤回" in response.text


async def test_institution_registers_representatives_and_at_most_one_table_each(client, make_organization):
    event = await make_event(await make_organization("government", is_organizer=True))
    user = await make_organization("bank")
    bank = await organization_of(user)
    product = await make_product(bank)
    await client.login(user.email)
    form = {"rep_name_0": "钱立新", "rep_title_0": "行长", "rep_products_0": str(product.id), **AVAILABLE_ALL_DAY}

    too_many = await client.submit(f"/events/{event.id}/register", {**form, "tables": "2"})
    accepted = await client.submit(f"/events/{event.id}/register", {**form, "tables": "1"})

    assert too_many.status_code == 400
    assert "每张洽谈桌需要一位代表：1 位代表最多安排 1 张桌" in too_many.text
    assert accepted.status_code == 303
    registration = await Registration.get(organization=bank)
    assert registration.representatives == [{"name": "钱立新", "title": "行长", "product_ids": [product.id]}]
    assert registration.tables == 1


async def test_invitation_only_events_refuse_enterprises_not_on_the_list(client, make_organization):
    event = await make_event(await make_organization("government", is_organizer=True), eligibility="invitation",
                             invitation_list="91330106MA2T0000XX")
    user = await make_organization("enterprise")
    need = await make_need(await organization_of(user))
    await client.login(user.email)

    response = await client.submit(f"/events/{event.id}/register", {"need_ids": str(need.id), **AVAILABLE_ALL_DAY})

    assert response.status_code == 403
    assert "本活动仅限受邀企业报名" in response.text


async def test_organizer_approves_several_registrations_at_once(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    first = await approve(event, await organization_of(await make_organization("enterprise")))
    second = await approve(event, await organization_of(await make_organization("bank")), tables=1)
    await Registration.all().update(status=RegistrationStatus.PENDING)
    await client.login(organizer.email)

    response = await client.submit(f"/organizer/events/{event.id}/registrations/decide", {
        "registration_ids": [str(first.id), str(second.id)], "decision": "approve"})

    assert response.status_code == 303
    assert set(await Registration.all().values_list("status", flat=True)) == {RegistrationStatus.APPROVED}
    assert await Notification.filter(kind="registration.approved").count() == 2


async def test_rejecting_needs_a_reason_which_the_participant_sees(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    enterprise = await organization_of(await make_organization("enterprise"))
    registration = await approve(event, enterprise)
    await client.login(organizer.email)
    path = f"/organizer/events/{event.id}/registrations/decide"

    without = await client.submit(path, {"registration_ids": str(registration.id), "decision": "reject"})
    with_reason = await client.submit(path, {"registration_ids": str(registration.id), "decision": "reject",
                                             "reason": "需求不在本次对接范围"})

    assert without.status_code == 400
    assert "驳回报名时请填写原因" in without.text
    assert with_reason.status_code == 303
    registration = await Registration.get(id=registration.id)
    assert (registration.status, registration.reason) == (RegistrationStatus.REJECTED, "需求不在本次对接范围")
    assert (await Notification.get(organization=enterprise)).text == f"您报名的“{event.title}”未通过（需求不在本次对接范围）"


async def test_an_organizer_cannot_decide_registrations_of_another_event(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    ours = await make_event(organizer)
    theirs = await make_event(await make_organization("government", is_organizer=True))
    leaked = await approve(theirs, await organization_of(await make_organization("enterprise")))
    await client.login(organizer.email)

    response = await client.submit(f"/organizer/events/{ours.id}/registrations/decide", {
        "registration_ids": str(leaked.id), "decision": "reject", "reason": "越权"})

    assert response.status_code == 404
    assert (await Registration.get(id=leaked.id)).status == RegistrationStatus.APPROVED


async def test_organizer_registers_a_participant_on_its_behalf_approved_at_once(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    enterprise = await organization_of(await make_organization("enterprise"))
    need = await make_need(enterprise)
    await client.login(organizer.email)

    response = await client.submit(f"/organizer/events/{event.id}/register/{enterprise.id}",
                                   {"need_ids": str(need.id), **AVAILABLE_ALL_DAY})

    assert response.status_code == 303
    registration = await Registration.get(organization=enterprise)
    assert (registration.status, registration.on_behalf) == (RegistrationStatus.APPROVED, True)


async def test_after_the_deadline_the_form_is_not_offered_and_a_late_post_is_told_why(client, make_organization):
    event = await make_event(await make_organization("government", is_organizer=True))
    event.registration_deadline = past()
    await event.save()
    user = await make_organization("enterprise")
    need = await make_need(await organization_of(user))
    await client.login(user.email)

    page = await client.get(f"/events/{event.id}")
    form = await client.get(f"/events/{event.id}/register")
    late = await client.submit(f"/events/{event.id}/register", {"need_ids": str(need.id), **AVAILABLE_ALL_DAY})
    told = await client.get(late.headers["location"])
    listed = await client.get("/events")

    assert "报名已截止" in page.text and f'href="/events/{event.id}/register"' not in page.text
    assert (form.status_code, form.headers["location"]) == (303, f"/events/{event.id}?closed=1")
    assert (late.status_code, late.headers["location"]) == (303, f"/events/{event.id}?closed=1")
    assert "本活动已截止报名，报名信息不能再提交或修改" in told.text
    assert f'{event.title}</a></h2>' in listed.text and "报名已截止" in listed.text and "报名中" not in listed.text
    assert await Registration.filter(event=event).count() == 0
