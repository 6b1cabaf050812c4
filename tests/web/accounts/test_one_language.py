"""One language per page: in English, the key pages of each role show no Chinese label, colon or
comma; the only Chinese left is data (names, titles, mail subjects) and the language menu's own
name for Chinese. In Chinese, a service message's English gloss ("(not allowed)") is cut."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from html.parser import HTMLParser

from matchmaker.demo.city import DEMO_PASSWORD, load_demo
from matchmaker.demo.events import upcoming_event_day
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.models import (
    EnterpriseProfile,
    Event,
    FinancingNeed,
    MeetingRequest,
    Organization,
    OutboxMail,
    Pitch,
    Product,
    User,
)
from matchmaker.services.registry.industries import industry_classes

CHINESE = re.compile(r"[\u3400-\u9fff\u3000-\u303f\uff00-\uffef]")


class _Texts(HTMLParser):
    """Visible text and the attributes a reader hears (aria-label, title, placeholder)."""

    def __init__(self) -> None:
        super().__init__()
        self.hidden = 0
        self.texts: list[str] = []

    def handle_starttag(self, tag, attrs):
        if tag in ("script", "style", "textarea"):
            self.hidden += 1
        self.texts += [v for k, v in attrs if k in ("aria-label", "title", "placeholder", "alt") and v]

    def handle_endtag(self, tag):
        if tag in ("script", "style", "textarea"):
            self.hidden -= 1

    def handle_data(self, data):
        if not self.hidden and data.strip():
            self.texts.append(data.strip())


async def _data() -> list[str]:
    """Every piece of Chinese data the demo pages may show, longest first."""
    values = {"简体中文", "浙江省", "一号路演厅", "二号路演厅", *industry_classes().values()}
    for model, fields in ((Organization, ("name",)), (Product, ("name", "rate_text", "description")), (FinancingNeed, ("title",)),
                          (Event, ("title", "venue", "description")), (Pitch, ("title", "summary", "plan_name")),
                          (User, ("name",)), (MeetingRequest, ("answer_reason",)), (OutboxMail, ("subject",)),
                          (EnterpriseProfile, ("city", "district"))):
        for row in await model.all().values_list(*fields):
            values.update(v for v in (row if isinstance(row, tuple) else (row,)) if v)
    for profile in await EnterpriseProfile.all():
        values.update(profile.industry_chains)
    return sorted(values, key=len, reverse=True)


def _chinese_labels(html: str, data: list[str]) -> list[str]:
    parser = _Texts()
    parser.feed(html)
    found = []
    for text in parser.texts:
        rest = text
        for value in data:
            if value in rest:
                rest = rest.replace(value, " ")
        if CHINESE.search(rest):
            found.append(text)
    return found


async def _in_english(client, email: str) -> None:
    await client.login(email, DEMO_PASSWORD)
    await client.submit("/language", {"language": "en", "next": "/"})


async def test_key_pages_in_english_show_no_chinese_labels(client, other_client, settings):
    await load_demo(settings.var_dir)
    await _in_english(client, "organizer@demo.matchmaker.cn")
    data = await _data()
    pages = ["/organizer/events/1", "/organizer/events/1/requests", "/organizer/events/1/schedule",
             "/organizer/outbox", "/enterprises", "/organizer/events", "/events/1"]
    for path in pages:
        page = await client.get(path)
        assert page.status_code == 200, path
        assert _chinese_labels(page.text, data) == [], path
    day = upcoming_event_day(datetime.now(UTC).astimezone(SHANGHAI).date())  # the demo's docking day
    assert f"{day:%a} {day.day} {day:%b}, morning" in (await client.get("/organizer/events/1")).text  # "Tue 8 Dec"

    await _in_english(other_client, "e01@demo.matchmaker.cn")
    for path in ["/needs", "/enterprise/matches", "/events/1/requests"]:
        page = await other_client.get(path)
        assert page.status_code == 200, path
        assert _chinese_labels(page.text, data) == [], path
    refused = await other_client.get("/organizer/events/1")  # an enterprise is not the organizer
    assert refused.status_code in (403, 404) and _chinese_labels(refused.text, data) == []


async def test_service_messages_lose_their_english_gloss_in_chinese(client, settings):
    await load_demo(settings.var_dir)
    await client.login("e01@demo.matchmaker.cn", DEMO_PASSWORD)
    refused = await client.get("/organizer/events/1")
    assert refused.status_code in (403, 404)
    assert not re.search(r"\([a-z][a-z ]+\)", refused.text.split("<main", 1)[1])
