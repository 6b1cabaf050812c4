"""Every in-app message about a meeting request comes with an e-mail to the members of the
organization it goes to, queued in the same transaction."""

from datetime import UTC, datetime

from matchmaker.models import OutboxMail
from matchmaker.services.events.requests import RequestDraft, answer, ask, expire_requests
from tests.services.events.factories import past
from tests.web.events.test_requests import docking  # noqa: F401  (the fixture)


async def _mails() -> list[tuple[str, str, str]]:
    rows = await OutboxMail.all().order_by("id")
    return [(row.kind, row.recipient_email, row.idempotency_key) for row in rows]


async def test_a_request_mails_the_receiving_bank(docking):  # noqa: F811
    d = await docking()
    bank_user, bank = d["banks"][0]

    request = await ask(d["event"], d["enterprise"], draft=RequestDraft(bank.id, d["need"].id, message="想了解贴息"),
                        by=d["enterprise_user"])

    assert await _mails() == [("request_received", bank_user.email, f"request:{request.id}:received:{bank_user.email}")]
    mail = await OutboxMail.get()
    assert mail.subject.startswith("【") and d["event"].title in mail.subject
    assert "星河纳米新材料" in mail.text and "想了解贴息" in mail.text
    assert f"http://127.0.0.1:8000/events/{d['event'].id}/requests" in mail.text
    assert (mail.organization_id, mail.event_id) == (d["event"].organizer_id, d["event"].id)


async def test_accepting_and_declining_mail_the_asking_enterprise(docking):  # noqa: F811
    d = await docking()
    (first_user, first), (second_user, second) = d["banks"]
    one = await ask(d["event"], d["enterprise"], draft=RequestDraft(first.id, d["need"].id), by=d["enterprise_user"])
    two = await ask(d["event"], d["enterprise"], draft=RequestDraft(second.id, d["need"].id), by=d["enterprise_user"])

    await answer(one, first, accept=True, by=first_user)
    await answer(two, second, accept=False, reason="额度已满", by=second_user)

    answered = await OutboxMail.filter(kind="request_answered").order_by("id")
    email = d["enterprise_user"].email
    assert [row.idempotency_key for row in answered] == [f"request:{one.id}:accepted:{email}",
                                                         f"request:{two.id}:declined:{email}"]
    assert "额度已满" in answered[1].text and "江海农商银行" in answered[1].text


async def test_an_expired_request_mails_the_asker_once(docking):  # noqa: F811
    d = await docking()
    bank = d["banks"][0][1]
    request = await ask(d["event"], d["enterprise"], draft=RequestDraft(bank.id, d["need"].id),
                        by=d["enterprise_user"])
    d["event"].answer_deadline = past()
    await d["event"].save()

    await expire_requests(datetime.now(UTC))
    await expire_requests(datetime.now(UTC))

    expired = await OutboxMail.filter(kind="request_expired")
    assert [row.idempotency_key for row in expired] == [
        f"request:{request.id}:expired:{d['enterprise_user'].email}"]
