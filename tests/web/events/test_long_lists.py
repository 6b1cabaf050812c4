"""Long lists (registrations, requests, the enterprise library, the outbox) filter by state with
counts and page: the demo's 300 requests come 50 to a page."""

from __future__ import annotations

import re

from matchmaker.demo.city import DEMO_PASSWORD, load_demo
from matchmaker.models import Event, EventKind, EventStatus, MeetingRequest, Membership, RequestState, User
from tests.web.mailing.test_outbox_page import queue_for


def _rows(html: str) -> int:
    body = html.split("<tbody>", 1)[1].split("</tbody>", 1)[0]
    return body.count("<tr")


def _tab_count(html: str, label: str) -> int:
    return int(re.search(rf">{label} <span class=\"count\">(\d+)</span>", html).group(1))


async def test_organizer_lists_filter_by_state_with_counts_and_page(client, settings):
    await load_demo(settings.var_dir)
    docking = await Event.get(kind=EventKind.DOCKING, status__not=EventStatus.CLOSED)  # not last month's
    accepted = await MeetingRequest.filter(event=docking, state=RequestState.ACCEPTED).count()
    await client.login("organizer@demo.matchmaker.cn", DEMO_PASSWORD)

    everything = await client.get(f"/organizer/events/{docking.pk}/requests")
    assert _tab_count(everything.text, "全部") == 300 and _tab_count(everything.text, "已接受") == accepted
    assert _rows(everything.text) == 50 and "第 1–50 条，共 300 条" in everything.text
    assert "第 1 / 6 页" in everything.text and 'rel="next"' in everything.text
    last = await client.get(f"/organizer/events/{docking.pk}/requests?page=99")  # past the end: the last page
    assert "第 6 / 6 页" in last.text and _rows(last.text) == 50 and 'rel="next"' not in last.text
    only = await client.get(f"/organizer/events/{docking.pk}/requests?state=accepted&page=2")
    assert f"共 {accepted} 条" in only.text and "第 51–100 条" in only.text
    assert only.text.count(">已接受</td>") == 50 and ">已婉拒</td>" not in only.text
    assert f'href="/organizer/events/{docking.pk}/requests?state=accepted&amp;page=3"' in only.text
    nonsense = await client.get(f"/organizer/events/{docking.pk}/requests?state=drop&page=x")
    assert nonsense.status_code == 200 and "共 300 条" in nonsense.text

    registrations = await client.get(f"/organizer/events/{docking.pk}?state=approved&page=2")
    assert _tab_count(registrations.text, "已通过") == 75 and _tab_count(registrations.text, "待审核") == 0
    assert "第 51–75 条，共 75 条" in registrations.text

    library = await client.get("/enterprises?chain=新材料")
    assert _tab_count(library.text, "全部") == 62 and _tab_count(library.text, "新材料") == 7
    assert _rows(library.text) == 7 and "共 7 条" in library.text
    assert 'aria-current="page">新材料' in library.text


async def test_the_outbox_filters_its_mail_by_state_and_pages(client, settings):
    await load_demo(settings.var_dir)
    await client.login("organizer@demo.matchmaker.cn", DEMO_PASSWORD)
    organizer = await Membership.get(user=await User.get(email="organizer@demo.matchmaker.cn"))
    await queue_for(organizer.organization_id, *range(1, 56))

    page = await client.get("/organizer/outbox")
    recent = page.text.split('id="recent"')[1]
    assert _tab_count(recent, "排队中") == 55 and _tab_count(recent, "已发送") == 0
    assert "第 1–50 条，共 55 条" in recent and 'href="/organizer/outbox?page=2"' in recent
    sent = await client.get("/organizer/outbox?state=sent")
    assert "共 0 条" in sent.text.split('id="recent"')[1]
