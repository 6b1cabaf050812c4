"""Meeting-request mails rendered through compose and queued once per request, outcome and person."""

from __future__ import annotations


import pytest
from tortoise.transactions import in_transaction

from matchmaker.mail.compose import RequestAnsweredMail, RequestExpiredMail, RequestReceivedMail
from matchmaker.models import OutboxMail
from matchmaker.services.mailing.notification_mail import Recipient, queue_notification_mail
from tests.mail.factories import at

ZHANG = Recipient(email="ZhangSan@example.cn", name="张三")
SMITH = Recipient(email="smith@example.com", name="John Smith", language="en")


def received(**overrides) -> RequestReceivedMail:
    values = dict(participant_name="张三", event_title="2026 科技金融银企对接会", requester="中国银行苏州分行",
                  topic="科技成果转化贷款 500万元", respond_by=at(5, 18),
                  respond_url="https://match.example.gov.cn/requests/41")
    return RequestReceivedMail(**{**values, **overrides})


def answered(accepted: bool) -> RequestAnsweredMail:
    return RequestAnsweredMail(participant_name="张三", event_title="2026 科技金融银企对接会",
                               counterpart="中国银行苏州分行", topic="科技成果转化贷款 500万元",
                               accepted=accepted, requests_url="https://match.example.gov.cn/requests")


async def test_a_received_request_is_rendered_and_queued_for_the_asked_party(db):
    row = await queue_notification_mail(received(), recipient=ZHANG, request_id=41,
                                        domain="example.gov.cn", event_id=7)

    assert row.kind == "request_received"
    assert row.idempotency_key == "request:41:received:zhangsan@example.cn"
    assert row.subject == "【2026 科技金融银企对接会】中国银行苏州分行向您发起洽谈请求"
    assert "请于" in row.text and "https://match.example.gov.cn/requests/41" in row.text
    assert (row.recipient_email, row.recipient_name, row.language) == ("ZhangSan@example.cn", "张三", "zh")
    assert (row.event_id, row.ics) == (7, None)


async def test_the_same_notification_twice_is_one_mail(db):
    first = await queue_notification_mail(received(), recipient=ZHANG, request_id=41, domain="x.cn")
    again = await queue_notification_mail(received(note="再次通知"), recipient=ZHANG, request_id=41,
                                          domain="x.cn")

    assert again.id == first.id
    assert await OutboxMail.all().count() == 1


async def test_each_outcome_of_a_request_is_its_own_mail(db):
    for context in (received(), answered(accepted=False), answered(accepted=True),
                    RequestExpiredMail(participant_name="张三", event_title="对接会", counterpart="中国银行",
                                       topic="贷款", expired_at=at(6, 0),
                                       requests_url="https://match.example.gov.cn/requests")):
        await queue_notification_mail(context, recipient=ZHANG, request_id=41, domain="x.cn")

    keys = await OutboxMail.all().order_by("id").values_list("kind", "idempotency_key")
    assert keys == [("request_received", "request:41:received:zhangsan@example.cn"),
                    ("request_answered", "request:41:declined:zhangsan@example.cn"),
                    ("request_answered", "request:41:accepted:zhangsan@example.cn"),
                    ("request_expired", "request:41:expired:zhangsan@example.cn")]


async def test_the_mail_is_in_the_recipients_language(db):
    row = await queue_notification_mail(answered(accepted=True), recipient=SMITH, request_id=9,
                                        domain="x.cn")

    assert row.language == "en"
    assert row.subject == "2026 科技金融银企对接会: 中国银行苏州分行 accepted your meeting request"


async def test_no_mail_when_the_request_change_rolls_back(db):
    with pytest.raises(RuntimeError):
        async with in_transaction():
            await queue_notification_mail(received(), recipient=ZHANG, request_id=41, domain="x.cn")
            raise RuntimeError("the request could not be saved")

    assert await OutboxMail.all().count() == 0


async def test_other_contexts_are_refused(db):
    with pytest.raises(TypeError):
        await queue_notification_mail(object(), recipient=ZHANG, request_id=1, domain="x.cn")
