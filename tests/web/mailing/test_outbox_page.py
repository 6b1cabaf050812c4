"""The organizer's outbox page: counts, failures with reasons, messages in doubt, resend or mark delivered,
preview and .eml, per tenant."""

from __future__ import annotations

import dataclasses
from datetime import UTC, datetime, timedelta
import random

import pytest
from asgi_lifespan import LifespanManager

from matchmaker.app import create_app
from matchmaker.mail.files import eml_filename
from matchmaker.mail.message import message_from_bytes
from matchmaker.mail.smtp import SmtpTransport
from matchmaker.mail.transport import PermanentDeliveryError
from matchmaker.services.mailing.worker import OutboxWorker
from matchmaker.models import AuditLog, Membership, OutboxMail, OutboxState
from matchmaker.services.mailing import outbox
from matchmaker.web.middleware import CONTENT_SECURITY_POLICY
from matchmaker.web.views.mailing.outbox import MESSAGE_BODY_POLICY
from tests.mail.factories import outgoing_mail
from tests.services.mailing.test_worker import FAST, eventually


async def organization_id_of(user) -> int:
    return (await Membership.get(user=user)).organization_id


async def queue_for(organization_id: int | None, *numbers: int) -> list[OutboxMail]:
    mails = [outgoing_mail(n, organization_id=organization_id) for n in numbers]
    await outbox.enqueue_all(mails, domain="example.gov.cn")
    return await OutboxMail.filter(idempotency_key__in=[m.idempotency_key for m in mails]).order_by("id")


async def refused(organization_id: int, number: int, reply: str = "550 5.1.1 No such user"):
    """A message of `organization_id` that the receiving server refused with `reply`."""
    (row,) = await queue_for(organization_id, number)
    claimed = await outbox.claim_due("w", limit=100, lease_seconds=60)
    (mine,) = [c for c in claimed if c.id == row.id]
    await outbox.mark_failure(mine, PermanentDeliveryError(reply), policy=FAST.retry,
                              rng=random.Random(1))
    await outbox.release([c for c in claimed if c.id != row.id])
    return await OutboxMail.get(id=row.id)


@pytest.fixture
async def organizer(client, make_organization):
    user = await make_organization("government", is_organizer=True, name="星河市科学技术局")
    await client.login(user.email)
    return user


async def test_the_page_counts_states_and_shows_why_the_550_failed(client, organizer, smtp_server):
    ours = await organization_id_of(organizer)
    await queue_for(ours, 1, 2, 3)
    smtp_server.handler.refuse_next_rcpt("550 5.1.1 <participant1@example.cn>: No such user")
    worker = OutboxWorker(transport=SmtpTransport(host=smtp_server.host, port=smtp_server.port),
                          sender="noreply@example.gov.cn", options=FAST)
    await worker.run_until_idle()
    await worker.transport.close()

    page = await client.get("/organizer/outbox")

    assert page.status_code == 200
    assert '<article class="card stat state-sent" id="count-sent"><span class="number">2</span>' in page.text
    assert '<article class="card stat state-failed" id="count-failed"><span class="number">1</span>' in page.text
    failures = page.text.split('id="failures"')[1].split('id="recent"')[0]
    assert "participant1@example.cn: 550 5.1.1 &lt;participant1@example.cn&gt;: No such user" in failures
    assert "participant2@example.cn" not in failures


async def test_another_organizers_messages_are_neither_listed_nor_reachable(
        client, organizer, make_organization):
    ours = await organization_id_of(organizer)
    await queue_for(ours, 1)
    neighbour = await make_organization("government", is_organizer=True, name="邻市金融局")
    leaked = await refused(await organization_id_of(neighbour), 2, "550 leaked-reason")

    page = await client.get("/organizer/outbox")
    responses = [await client.get(f"/organizer/outbox/{leaked.id}"),
                 await client.get(f"/organizer/outbox/{leaked.id}/body.html"),
                 await client.get(f"/organizer/outbox/{leaked.id}/message.eml"),
                 await client.submit(f"/organizer/outbox/{leaked.id}/resend")]

    assert "participant1@example.cn" in page.text
    assert "participant2@example.cn" not in page.text and "leaked-reason" not in page.text
    assert [response.status_code for response in responses] == [404, 404, 404, 404]
    assert (await OutboxMail.get(id=leaked.id)).state == OutboxState.FAILED


async def test_other_audiences_cannot_open_the_outbox(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    assert (await client.get("/organizer/outbox")).status_code == 403


async def test_resend_one_queues_it_again_and_is_audited(client, organizer):
    failed = await refused(await organization_id_of(organizer), 1)

    response = await client.submit(f"/organizer/outbox/{failed.id}/resend")

    assert response.status_code == 303
    assert response.headers["location"] == "/organizer/outbox?requeued=1"
    row = await OutboxMail.get(id=failed.id)
    assert (row.state, row.attempts, row.message_id) == (OutboxState.QUEUED, 0, failed.message_id)
    assert (await AuditLog.get(action="outbox.resend")).actor_id == organizer.id


async def test_resend_without_the_csrf_token_is_refused(client, organizer):
    failed = await refused(await organization_id_of(organizer), 1)

    response = await client.post(f"/organizer/outbox/{failed.id}/resend")

    assert response.status_code == 403
    assert (await OutboxMail.get(id=failed.id)).state == OutboxState.FAILED


async def test_resend_all_failed_queues_every_failure_again(client, organizer):
    ours = await organization_id_of(organizer)
    await refused(ours, 1)
    await refused(ours, 2, "552 5.2.2 Mailbox full")

    response = await client.submit("/organizer/outbox/resend-failed")

    assert response.headers["location"] == "/organizer/outbox?requeued=2"
    assert await OutboxMail.filter(organization_id=ours, state=OutboxState.QUEUED).count() == 2
    page = await client.get(response.headers["location"])
    assert "已重新排队的邮件：2" in page.text
    assert "没有发送失败的邮件。" in page.text


async def test_the_message_page_frames_the_html_body_in_a_sandbox(client, organizer):
    (row,) = await queue_for(await organization_id_of(organizer), 1)

    page = await client.get(f"/organizer/outbox/{row.id}")
    body = await client.get(f"/organizer/outbox/{row.id}/body.html")

    assert page.headers["content-security-policy"] == CONTENT_SECURITY_POLICY  # not weakened
    assert f'<iframe class="mail-preview" sandbox src="/organizer/outbox/{row.id}/body.html"' in page.text
    assert "参会方1，您好：" in page.text  # the plain-text version
    assert "<dd>参会方1 &lt;participant1@example.cn&gt;</dd>" in page.text  # decoded, not =?utf-8?b?…?=
    assert "BEGIN:VCALENDAR" in page.text  # the calendar, as text
    assert body.text == row.html
    assert body.headers["content-security-policy"] == MESSAGE_BODY_POLICY
    assert body.headers["x-frame-options"] == "SAMEORIGIN"


async def test_the_eml_download_is_the_message_with_its_frozen_id_and_calendar(client, organizer):
    (row,) = await queue_for(await organization_id_of(organizer), 1)

    response = await client.get(f"/organizer/outbox/{row.id}/message.eml")

    assert response.headers["content-type"] == "message/rfc822"
    assert response.headers["content-disposition"] == (
        f'attachment; filename="{row.message_id.strip("<>")}.eml"')
    message = message_from_bytes(response.content)
    assert message["Message-ID"] == row.message_id
    assert message["Subject"] == row.subject
    assert next(message.iter_attachments()).get_content() == row.ics


async def test_the_apps_own_worker_writes_eml_files_when_no_smtp_server_is_set(settings):
    enabled = dataclasses.replace(settings, mail_worker_enabled=True, mail_poll_seconds=0.02)
    application = create_app(enabled)

    async with LifespanManager(application):
        (row,) = await queue_for(None, 1)
        await eventually(lambda: OutboxMail.filter(id=row.id, state=OutboxState.SENT).exists())

    written = message_from_bytes((enabled.mail_dir / eml_filename(row.message_id)).read_bytes())
    assert written["Message-ID"] == row.message_id


async def in_doubt(organization_id: int, number: int) -> OutboxMail:
    """A message whose worker died while the server had it: handed over, then its lease ran out."""
    (row,) = await queue_for(organization_id, number)
    claimed = await outbox.claim_due("dead-worker", limit=100, lease_seconds=60)
    (mine,) = [c for c in claimed if c.id == row.id]
    assert await outbox.hand_over(mine)
    await outbox.release([c for c in claimed if c.id != row.id])
    await outbox.requeue_expired_leases(now=datetime.now(UTC) + timedelta(seconds=61))
    return await OutboxMail.get(id=row.id)


async def test_a_message_in_doubt_is_listed_with_its_reason_and_left_out_of_resend_all(client, organizer):
    ours = await organization_id_of(organizer)
    doubtful = await in_doubt(ours, 1)
    await refused(ours, 2)
    assert doubtful.state == OutboxState.IN_DOUBT

    page = await client.get("/organizer/outbox")

    failures = page.text.split('id="failures"')[1].split('id="recent"')[0]
    assert '<span class="number">1</span><span>无法确认是否送达</span>' in page.text
    assert "不会自动重发" in failures and "无法确认对方邮件服务器是否已收到" in failures
    assert f'action="/organizer/outbox/{doubtful.id}/delivered"' in failures
    assert f'action="/organizer/outbox/{doubtful.id}/resend"' in failures
    await client.submit("/organizer/outbox/resend-failed")
    assert (await OutboxMail.get(id=doubtful.id)).state == OutboxState.IN_DOUBT  # only the 550 went back


async def test_marking_a_message_in_doubt_delivered_makes_it_sent_never_resent_and_is_audited(client, organizer):
    doubtful = await in_doubt(await organization_id_of(organizer), 1)

    response = await client.submit(f"/organizer/outbox/{doubtful.id}/delivered")

    assert response.status_code == 303 and response.headers["location"] == f"/organizer/outbox/{doubtful.id}"
    row = await OutboxMail.get(id=doubtful.id)
    assert row.state == OutboxState.SENT and row.sent_at is not None
    entry = await AuditLog.get(action="outbox.mark_delivered")
    assert entry.actor_id == organizer.id and entry.before["state"] == "in_doubt"
    assert await outbox.claim_due("w", limit=10, lease_seconds=60) == []


async def test_only_a_message_in_doubt_of_ones_own_outbox_can_be_marked_delivered(
        client, organizer, make_organization):
    failed = await refused(await organization_id_of(organizer), 1)
    neighbour = await make_organization("government", is_organizer=True, name="邻市金融局")
    theirs = await in_doubt(await organization_id_of(neighbour), 2)

    refused_answer = await client.submit(f"/organizer/outbox/{failed.id}/delivered")
    assert 400 <= refused_answer.status_code < 500 and "只能确认无法确认送达的邮件" in refused_answer.text
    assert (await client.submit(f"/organizer/outbox/{theirs.id}/delivered")).status_code == 404
    assert (await client.post(f"/organizer/outbox/{failed.id}/delivered")).status_code == 403  # no CSRF token
    assert (await OutboxMail.get(id=failed.id)).state == OutboxState.FAILED
    assert (await OutboxMail.get(id=theirs.id)).state == OutboxState.IN_DOUBT
