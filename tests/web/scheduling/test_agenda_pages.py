"""A participant's agenda page, its printable pass and calendar file; the organizer's print-all
and table plans. Each organization sees only its own meetings."""

from __future__ import annotations

import re

from matchmaker.models import Meeting, Membership, User
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.eventday.checkin import read_checkin_token
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event


async def _published(make_organization, enterprises: int = 2):
    seeded = await seeded_event(make_organization, enterprises=enterprises)
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    version = await scheduling.save_draft(run, by=seeded.organizer)
    await scheduling.publish_version(version, by=seeded.organizer, replaces=None)
    return seeded, version


async def _admin(organization) -> User:
    return (await Membership.filter(organization=organization).order_by("id").first().prefetch_related("user")).user


async def test_an_enterprise_sees_its_meetings_and_not_the_other_enterprises(client, make_organization):
    seeded, version = await _published(make_organization)
    one = seeded.enterprises[0]
    await client.login((await _admin(one)).email)

    page = await client.get(f"/events/{seeded.event.id}/agenda")

    assert page.status_code == 200
    assert "星河银行" in page.text and "星河担保" in page.text
    assert page.text.count("流动资金贷款 500 万") == 2  # the need each meeting is about
    assert "星河科技2号" not in page.text  # the bank's other meeting is not ours to see
    bank_table = (await Meeting.get(version=version, enterprise_id=one.pk, institution_id=seeded.bank.pk)).table
    assert f"A0{bank_table}" in page.text  # the bank (first by kind) staffs A01 and A02


async def test_the_printable_pass_carries_a_qr_code_naming_event_and_participant(client, app, make_organization):
    seeded, _version = await _published(make_organization)
    one = seeded.enterprises[0]
    await client.login((await _admin(one)).email)

    page = await client.get(f"/events/{seeded.event.id}/agenda?print=1")

    assert page.status_code == 200
    assert page.text.count('class="agenda-sheet"') == 1
    assert 'src="data:image/svg+xml' in page.text
    from matchmaker.services.eventday.checkin import checkin_token
    token = checkin_token(app.state.settings.security_secret_key, event_id=seeded.event.id, organization_id=one.pk)
    assert read_checkin_token(app.state.settings.security_secret_key, token) == (seeded.event.id, one.pk)
    assert read_checkin_token("another secret", token) is None


async def test_the_calendar_download_holds_the_participants_meetings(client, make_organization):
    seeded, _version = await _published(make_organization)
    await client.login((await _admin(seeded.bank)).email)

    response = await client.get(f"/events/{seeded.event.id}/agenda.ics")

    assert response.status_code == 200
    assert response.headers["content-type"].startswith("text/calendar")
    assert response.text.count("BEGIN:VEVENT") == 2  # the bank meets both enterprises
    assert len(re.findall(r"SEQUENCE:1\r\n", response.text)) == 2


async def test_a_participant_of_another_event_gets_404(client, make_organization):
    seeded, _version = await _published(make_organization)
    outsider = await make_organization("enterprise", name="局外科技")
    await client.login(outsider.email)

    page = await client.get(f"/events/{seeded.event.id}/agenda")
    calendar = await client.get(f"/events/{seeded.event.id}/agenda.ics")

    assert (page.status_code, calendar.status_code) == (404, 404)
    assert "星河银行" not in page.text


async def test_the_organizer_prints_every_agenda_and_the_table_plans(client, make_organization):
    seeded, _version = await _published(make_organization)
    await client.login(seeded.organizer.email)

    every = await client.get(f"/organizer/events/{seeded.event.id}/agendas/print")
    plans = await client.get(f"/organizer/events/{seeded.event.id}/table-plan")

    assert every.status_code == 200
    assert every.text.count('class="agenda-sheet"') == 4  # two enterprises, the bank, the guarantor
    assert every.text.count('src="data:image/svg+xml') == 4
    assert plans.status_code == 200
    assert plans.text.count('class="agenda-sheet"') == 2  # one per institution
    assert "桌号 A02" in plans.text  # the bank has two tables, A01 and A02


async def test_a_participant_cannot_open_the_organizers_print_all(client, make_organization):
    seeded, _version = await _published(make_organization)
    await client.login((await _admin(seeded.bank)).email)

    response = await client.get(f"/organizer/events/{seeded.event.id}/agendas/print")

    assert response.status_code in (403, 404)


async def test_a_bank_links_each_enterprise_to_its_consent_checked_profile(client, make_organization):
    seeded, _version = await _published(make_organization)
    await client.login((await _admin(seeded.bank)).email)

    page = await client.get(f"/events/{seeded.event.id}/agenda")
    printable = await client.get(f"/events/{seeded.event.id}/agenda?print=1")

    for enterprise in seeded.enterprises:
        assert f'href="/enterprises/{enterprise.pk}"' in page.text
        assert f'href="/enterprises/{enterprise.pk}"' not in printable.text
