"""The desk's JSON endpoints, the venue page, and who may reach them: organizer members and
event staff on the desk, staff nowhere else, another organizer's event a 404."""

from __future__ import annotations

from matchmaker.models import CheckIn, HallTable, Invitation
from matchmaker.services.eventday.checkin import checkin_token
from tests.services.eventday.checkin_seed import desk_event, make_staff


async def _desk_post(client, path: str, body: dict):
    return await client.post(path, json=body, headers={"x-csrftoken": await client.csrf()})


async def test_staff_reach_the_desk_and_nothing_else(db, client, make_organization, settings):
    seeded = await desk_event(make_organization)
    staff = await make_staff(seeded.organizer)
    await client.login(staff.email)
    base = f"/organizer/events/{seeded.event.pk}"

    home = await client.get("/dashboard")
    desk = await client.get(f"{base}/checkin")
    roster = await client.get(f"{base}/checkin/roster.json")
    refused = {path: (await client.get(path)).status_code
               for path in (f"{base}", f"{base}/venue", f"{base}/schedule", "/organizer/events", "/inbox",
                            "/account", "/organizer/audit", f"{base}/table-plan")}

    assert home.status_code == 303 and home.headers["location"] == "/organizer/checkin"
    assert desk.status_code == 200 and "签到台" in desk.text
    assert desk.headers["permissions-policy"].startswith("camera=(self)")
    assert roster.status_code == 200 and len(roster.json()["attendees"]) == 4
    assert refused == dict.fromkeys(refused, 403)
    venue_post = await client.submit(f"{base}/venue/renumber")
    assert venue_post.status_code == 403
    assert await HallTable.all().count() == 0


async def test_another_organizers_event_is_not_found_at_the_desk(db, client, make_organization):
    seeded = await desk_event(make_organization)
    other = await make_organization("government", is_organizer=True)
    await client.login(other.email)
    base = f"/organizer/events/{seeded.event.pk}/checkin"
    assert (await client.get(base)).status_code == 404
    assert (await client.get(f"{base}/roster.json")).status_code == 404
    scan = await _desk_post(client, f"{base}/scan", {"organization_id": seeded.alpha.pk, "client_key": "x1"})
    assert scan.status_code == 404
    assert await CheckIn.all().count() == 0


async def test_scan_search_and_sync_answer_json_and_land_once(db, client, make_organization, settings):
    seeded = await desk_event(make_organization)
    await client.login(seeded.organizer.email)
    base = f"/organizer/events/{seeded.event.pk}/checkin"
    token = checkin_token(settings.security_secret_key, event_id=seeded.event.pk, organization_id=seeded.alpha.pk)

    first = await _desk_post(client, f"{base}/scan", {"token": token, "desk": "签到台 2", "client_key": "a1"})
    again = await _desk_post(client, f"{base}/scan", {"token": token, "desk": "签到台 3", "client_key": "a2"})
    forged = await _desk_post(client, f"{base}/scan", {"token": token[:-2] + "xx", "client_key": "a3"})
    found = await client.get(f"{base}/search", params={"q": "李四"})
    synced = await _desk_post(client, f"{base}/sync", {"items": [
        {"organization_id": seeded.beta.pk, "person": "李四", "client_key": "q1", "desk": "签到台 2"},
        {"organization_id": seeded.beta.pk, "person": "李四", "client_key": "q1", "desk": "签到台 2"},
        {"token": "not-a-pass", "client_key": "q2"},
    ]})
    resent = await _desk_post(client, f"{base}/sync", {"items": [
        {"organization_id": seeded.beta.pk, "person": "李四", "client_key": "q1"}]})

    assert first.status_code == 201 and first.json()["created"] is True
    assert first.json()["attendee"]["meetings"] == [{"start": "09:00", "end": "09:20", "table": "A02",
                                                     "counterpart": "星河银行"}]
    assert again.status_code == 200 and again.json()["message"].startswith("已签到 ")
    assert again.json()["message"].endswith("（张三，签到台 2）")
    assert forged.status_code == 422 and forged.json()["reason"] == "forged"
    assert [a["name"] for a in found.json()["attendees"]] == ["星河科技乙"]
    results = synced.json()["results"]
    assert [r["ok"] for r in results] == [True, True, False]
    assert [r.get("created") for r in results[:2]] == [True, False]
    assert "二维码无效" in results[2]["message"]
    assert resent.json()["results"][0]["created"] is False
    assert await CheckIn.filter(event=seeded.event).count() == 2


async def test_a_json_post_without_the_csrf_token_is_refused(db, client, make_organization):
    seeded = await desk_event(make_organization)
    await client.login(seeded.organizer.email)
    answer = await client.post(f"/organizer/events/{seeded.event.pk}/checkin/scan",
                               json={"organization_id": seeded.alpha.pk, "client_key": "c1"})
    assert answer.status_code == 403
    assert await CheckIn.all().count() == 0


async def test_walk_in_at_the_desk_with_a_bad_code_answers_beside_the_field(db, client, make_organization):
    seeded = await desk_event(make_organization)
    await client.login(seeded.organizer.email)
    answer = await _desk_post(client, f"/organizer/events/{seeded.event.pk}/checkin/walk-in",
                              {"name": "新来科技", "uscc": "123", "person": "赵六", "client_key": "w1"})
    assert answer.status_code == 400
    assert "18 位" in answer.json()["problems"]["uscc"]


async def test_the_venue_page_saves_labels_and_refuses_a_duplicate_beside_the_field(db, client, make_organization):
    seeded = await desk_event(make_organization)
    await client.login(seeded.organizer.email)
    base = f"/organizer/events/{seeded.event.pk}/venue"

    page = await client.get(base)
    duplicate = await client.submit(base, {f"label-{seeded.bank.pk}-1": "B01", f"label-{seeded.bank.pk}-2": "B01",
                                           f"label-{seeded.guarantor.pk}-1": "C01"})
    saved = await client.submit(base, {f"label-{seeded.bank.pk}-1": "B01", f"label-{seeded.bank.pk}-2": "B02",
                                       f"label-{seeded.guarantor.pk}-1": "C01"})

    assert page.status_code == 200 and 'value="A03"' in page.text
    assert duplicate.status_code == 400 and "桌号 B01 在同一会场已用于星河银行" in duplicate.text
    assert saved.status_code == 303
    assert sorted(await HallTable.filter(event=seeded.event).values_list("label", flat=True)) == ["B01", "B02", "C01"]


async def test_only_an_organizer_invites_event_staff(db, client, other_client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    bank = await make_organization("bank")
    await client.login(organizer.email)
    await other_client.login(bank.email)

    page = await client.get("/account")
    invited = await client.submit("/account/invitations", {"email": "desk1@example.cn", "role": "staff"})
    refused = await other_client.submit("/account/invitations", {"email": "desk2@example.cn", "role": "staff"})

    assert "现场工作人员（仅签到台）" in page.text
    assert "现场工作人员（仅签到台）" not in (await other_client.get("/account")).text
    assert invited.status_code == 200 and "/invitations/" in invited.text
    assert refused.status_code == 400 and "现场工作人员只属于组织方" in refused.text
    assert await Invitation.filter(role="staff").values_list("email", flat=True) == ["desk1@example.cn"]
