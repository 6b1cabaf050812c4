"""Inbox notices in the reader's language (issue 15): a notice is stored as a message code with its
arguments and its Chinese text; the inbox and the dashboard render it in the page's language, and a
row written before codes were stored shows the text it was written with."""

from __future__ import annotations

from matchmaker.models import Membership, Notification
from matchmaker.services.mailing.notifications import NOTICES, notice_text, notify
from matchmaker.web.i18n import translations

ENGLISH = translations("en").gettext


async def _organization_id(user) -> int:
    return (await Membership.get(user=user)).organization_id


async def test_a_notice_keeps_its_code_its_arguments_and_its_chinese_text(make_organization):
    organization_id = await _organization_id(await make_organization("enterprise"))

    notice = await notify(organization_id, kind="request.answered", code="request.declined",
                          args={"receiver": "星河银行", "event": "春季银企对接会", "reason": "额度已满"})

    stored = await Notification.get(id=notice.pk)
    assert stored.text == "星河银行 在“春季银企对接会”婉拒了您的约见（额度已满）"
    assert stored.message == {"code": "request.declined",
                              "args": {"receiver": "星河银行", "event": "春季银企对接会", "reason": "额度已满"}}
    assert notice_text(stored) == stored.text
    assert notice_text(stored, ENGLISH) == "星河银行 declined your meeting request at “春季银企对接会” (额度已满)"


async def test_every_notice_code_has_an_english_text_and_vocabulary_arguments_are_translated(make_organization):
    untranslated = [code for code, template in NOTICES.items() if ENGLISH(template) == template]
    assert untranslated == []
    organization_id = await _organization_id(await make_organization("enterprise"))
    notice = await notify(organization_id, kind="lead.recorded", code="lead.recorded", args={"stage": "有意向"})
    assert notice.text == "金融机构记录了融资进展“有意向”，请确认或提出异议"
    assert notice_text(notice, ENGLISH) == "The institution recorded the financing stage “Intent”; please confirm or dispute it"


async def test_the_inbox_and_dashboard_show_notices_in_the_readers_language(client, make_organization):
    user = await make_organization("enterprise")
    organization_id = await _organization_id(user)
    await Notification.create(organization_id=organization_id, kind="request.received",
                              text="旧消息：星河银行 在“秋季对接会”向您发起约见", link="/inbox")  # before codes
    await notify(organization_id, kind="schedule.published", code="schedule.published", link="/events/1/agenda",
                 args={"event": "春季银企对接会", "number": 1, "held": 4})
    await client.login(user.email)

    chinese = await client.get("/inbox")
    assert "“春季银企对接会”的洽谈日程第 1 版已发布：您共有 4 场洽谈" in chinese.text
    assert "旧消息：星河银行 在“秋季对接会”向您发起约见" in chinese.text

    await client.submit("/language", {"language": "en", "next": "/"})
    english = await client.get("/inbox")
    dashboard = await client.get("/dashboard")
    published = "Version 1 of the meeting schedule of “春季银企对接会” is published: you have 4 meetings"
    assert published in english.text and published in dashboard.text
    assert "洽谈日程" not in english.text and "洽谈日程" not in dashboard.text
    assert "旧消息：星河银行 在“秋季对接会”向您发起约见" in english.text  # an old row keeps its stored text
