"""The demo roadshow's pitches have real content and business plans that open."""

from __future__ import annotations

import re

from matchmaker.demo.city import DEMO_PASSWORD, load_demo
from matchmaker.models import Event, EventKind, Pitch


async def test_demo_pitches_show_their_ask_and_every_business_plan_opens_as_a_pdf(client, settings):
    await load_demo(settings.var_dir)
    roadshow = await Event.get(kind=EventKind.ROADSHOW)
    pitches = await Pitch.filter(event=roadshow).prefetch_related("need")

    assert len({p.summary for p in pitches}) == len(pitches) == 12
    assert len({p.title for p in pitches}) == 12
    for pitch in pitches:
        amount = f"{pitch.need.amount // 10_000:,}"
        assert len(pitch.summary) > 80 and amount in pitch.summary and "轮" in pitch.need.title, pitch.title
    await client.login("fund@demo.matchmaker.cn", DEMO_PASSWORD)
    page = await client.get(f"/events/{roadshow.pk}/pitches")
    assert page.status_code == 200
    assert "拟融资 3,000 万元" in page.text and "产业链 新材料" in page.text
    assert page.text.count("商业计划书</a>") == 12
    links = re.findall(r'href="(/events/\d+/pitches/\d+/plan\.pdf)"', page.text)
    assert len(set(links)) == 12
    for link in links:
        plan = await client.get(link)
        assert plan.status_code == 200 and plan.headers["content-type"] == "application/pdf", link
        assert plan.content.startswith(b"%PDF-") and b"%%EOF" in plan.content[-32:]
        assert 2_000 < len(plan.content) < 200_000
