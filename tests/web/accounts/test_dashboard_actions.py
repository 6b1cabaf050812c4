"""Dashboards lead: each role sees its next actions with counts, each a link to where it is done
(issue 15). No card says 即将开放."""

from __future__ import annotations

import re

from matchmaker.models import Membership, MeetingRequest, Priority, Registration, RegistrationStatus, RequestState, User
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.factories import organization_of
from tests.services.events.factories import make_need
from tests.services.scheduling.factories import SOLVE_SECONDS, seeded_event


async def _email(organization) -> str:
    membership = await Membership.filter(organization=organization).order_by("id").first()
    return (await User.get(id=membership.user_id)).email


async def _publish(seeded) -> None:
    run = await wait_for_run(await scheduling.start_run(seeded.event, by=seeded.organizer, time_limit=SOLVE_SECONDS))
    await scheduling.publish_version(await scheduling.save_draft(run, by=seeded.organizer), by=seeded.organizer,
                                     replaces=None)


def _text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


async def test_each_participant_sees_its_published_agenda_day_and_the_requests_awaiting_its_answer(
        client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=2)
    one, two = seeded.enterprises
    await MeetingRequest.create(event=seeded.event, enterprise=two, institution=seeded.bank,
                                need=await make_need(two, title="设备更新贷款"), from_enterprise=False,
                                priority=Priority.WANT, state=RequestState.PENDING)
    await _publish(seeded)

    await client.login(await _email(two))
    page = _text((await client.get("/dashboard")).text)

    assert "2 12月8日的洽谈" in page  # two meetings on the event's day, after publication
    assert "1 个约见请求待您答复" in page
    assert "即将开放" not in page
    html = (await client.get("/dashboard")).text
    assert f'href="/events/{seeded.event.pk}/agenda"' in html
    assert f'href="/events/{seeded.event.pk}/requests"' in html

    await client.post("/logout", data={"csrftoken": await client.csrf()})
    await client.login(await _email(seeded.bank))
    bank_page = _text((await client.get("/dashboard")).text)
    assert "2 12月8日的洽谈" in bank_page  # the bank meets both enterprises
    assert "个约见请求待您答复" not in bank_page  # it asked; the enterprise answers
    assert "1 个约见请求等待对方答复" in bank_page


async def test_the_english_dashboard_writes_the_day_in_english(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    await _publish(seeded)
    user = await User.get(email=await _email(seeded.enterprises[0]))
    user.language = "en"
    await user.save()

    await client.login(user.email)
    page = _text((await client.get("/dashboard")).text)

    assert "2 meetings on Tue 8 Dec" in page and "1 of your requests" not in page
    assert "12月" not in page


async def test_the_organizer_sees_each_events_phase_pending_registrations_and_unanswered_requests(
        client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    seeded = await seeded_event(make_organization, enterprises=1, organizer=organizer)
    late = await organization_of(await make_organization("enterprise", name="星河后到科技有限公司"))
    await Registration.create(event=seeded.event, organization=late, status=RegistrationStatus.PENDING)
    await MeetingRequest.create(event=seeded.event, enterprise=seeded.enterprises[0], institution=seeded.bank,
                                need=await make_need(seeded.enterprises[0], title="研发贷款"), from_enterprise=True,
                                priority=Priority.WANT, state=RequestState.PENDING)

    await client.login(organizer.email)
    before = _text((await client.get("/dashboard")).text)
    await _publish(seeded)
    after = _text((await client.get("/dashboard")).text)

    assert f"{seeded.event.title} 报名中" in before
    assert "1 个报名待审核" in before and "1 个约见请求未答复" in before
    assert f"{seeded.event.title} 日程已发布 v1" in after
    assert "报名中" not in after
    assert "即将开放" not in after


async def test_the_agenda_writes_days_and_punctuation_in_the_pages_language(client, make_organization):
    seeded = await seeded_event(make_organization, enterprises=1)
    await _publish(seeded)
    user = await User.get(email=await _email(seeded.enterprises[0]))
    await client.login(user.email)

    chinese = (await client.get(f"/events/{seeded.event.pk}/agenda")).text
    user.language = "en"
    await user.save()
    english = (await client.get(f"/events/{seeded.event.pk}/agenda")).text

    assert "12月8日 09:00–09:20" in _text(chinese)
    main = english[english.index("<main"):english.index("</main>")]
    assert "Tue 8 Dec 09:00–09:20" in _text(main)
    assert 'data-label="Counterpart"' in main  # the phone's cards label each line
    assert not any(mark in _text(main).replace(seeded.event.title, "") for mark in "：，（）")
