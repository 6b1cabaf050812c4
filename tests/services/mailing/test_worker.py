"""The outbox worker against a real aiosmtpd server on 127.0.0.1: every fault loses nothing.

Waits are short on purpose: retry windows of tens of milliseconds and a polling helper with a
deadline instead of fixed sleeps.
"""

from __future__ import annotations

import asyncio
import os
import signal
import subprocess
import sys
import threading
import time
from collections import Counter
from collections.abc import Awaitable, Callable

import icalendar
import pytest

from matchmaker.config import PROJECT_ROOT
from matchmaker.mail.message import message_from_bytes
from matchmaker.mail.smtp import SmtpTransport
from matchmaker.services.mailing.worker import OutboxWorker, WorkerOptions, running_worker
from matchmaker.models import Organization, OutboxMail, OutboxState, User
from matchmaker.services.mailing import outbox
from matchmaker.services.mailing.outbox import RetryPolicy
from tests.mail.factories import outgoing_mail
from tests.mail.smtp_server import RecordingHandler, SmtpServer

SENDER = "银企对接平台 <noreply@example.gov.cn>"
FAST = WorkerOptions(batch_size=5, lease_seconds=30, poll_seconds=0.02, pause_cap_seconds=0.1,
                     retry=RetryPolicy(base_seconds=0.05, cap_seconds=0.2, max_attempts=50))


def make_worker(server: SmtpServer, *, timeout: float = 5.0, options: WorkerOptions = FAST,
                worker_id: str = "test-worker") -> OutboxWorker:
    transport = SmtpTransport(host=server.host, port=server.port, timeout=timeout,
                              local_hostname="matchmaker.test")
    return OutboxWorker(transport=transport, sender=SENDER, options=options, worker_id=worker_id)


async def queue_agendas(count: int) -> list[str]:
    """`count` agenda mails queued; returns their frozen Message-IDs in queue order."""
    await outbox.enqueue_all([outgoing_mail(n) for n in range(1, count + 1)],
                             domain="example.gov.cn")
    return await OutboxMail.all().order_by("id").values_list("message_id", flat=True)


async def eventually(condition: Callable[[], Awaitable[bool]], *, within: float = 10.0) -> None:
    deadline = time.monotonic() + within
    while not await condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"not true within {within} s")
        await asyncio.sleep(0.01)


async def all_settled() -> bool:
    return not await OutboxMail.filter(state__in=[OutboxState.QUEUED, OutboxState.SENDING, OutboxState.IN_FLIGHT]).exists()


async def states() -> Counter:
    return Counter(await OutboxMail.all().values_list("state", flat=True))


async def test_a_batch_goes_out_over_one_connection_with_the_frozen_message_ids(db, smtp_server):
    message_ids = await queue_agendas(12)
    worker = make_worker(smtp_server)

    tally = await worker.run_until_idle()
    await worker.transport.close()

    assert smtp_server.handler.message_ids() == message_ids
    assert (tally.sent, tally.retrying, tally.failed) == (12, 0, 0)
    assert smtp_server.handler.sessions == 1
    assert await states() == Counter({OutboxState.SENT: 12})


async def test_smtp_down_before_the_batch_then_everything_arrives_once_it_is_back(db):
    server = SmtpServer(RecordingHandler())  # not started: connections are refused
    message_ids = await queue_agendas(10)
    worker = make_worker(server)

    try:
        async with running_worker(worker):
            await eventually(lambda: OutboxMail.filter(attempts__gte=1).exists())
            assert server.handler.messages == []
            server.start()
            await eventually(all_settled)
    finally:
        server.stop()

    assert sorted(server.handler.message_ids()) == sorted(message_ids)
    assert await states() == Counter({OutboxState.SENT: 10})
    retried = await OutboxMail.filter(attempts__gte=2).first()
    assert retried.last_error.startswith(f"127.0.0.1:{server.port}: SMTPConnectError: ")


async def test_smtp_stopped_after_k_of_n_loses_nothing_unseen_and_sends_nothing_twice(db, smtp_server):
    """The server goes away mid-batch: messages not yet handed over are retried once it is back; the
    one whose data it had taken without answering (if the stop lands there) is in doubt for the
    organizer — never resent blindly, so nothing arrives twice and nothing is lost unseen."""
    message_ids = await queue_agendas(40)
    worker = make_worker(smtp_server)

    async with running_worker(worker):
        await eventually(lambda: _received_at_least(smtp_server, 15))
        smtp_server.stop()
        await eventually(lambda: OutboxMail.filter(state=OutboxState.QUEUED, attempts__gte=1).exists())
        smtp_server.start()
        await eventually(all_settled, within=20)

    received = smtp_server.handler.message_ids()
    in_doubt = set(await OutboxMail.filter(state=OutboxState.IN_DOUBT).values_list("message_id", flat=True))
    assert len(in_doubt) <= 1  # one worker has at most one message in flight
    assert set(received) | in_doubt == set(message_ids)  # every message arrived or is shown in doubt
    assert len(received) == len(set(received))  # none twice
    assert await states() == Counter({OutboxState.SENT: 40 - len(in_doubt), OutboxState.IN_DOUBT: len(in_doubt)})


async def _received_at_least(server: SmtpServer, count: int) -> bool:
    return len(server.handler.messages) >= count


@pytest.mark.parametrize("refusal", ["data 451 4.3.0 Try again later", "rcpt 450 4.2.1 Mailbox busy"])
async def test_4xx_replies_are_retried_until_delivered(db, smtp_server, refusal):
    command, reply = refusal.split(" ", 1)
    refuse = {"data": smtp_server.handler.refuse_next_data,
              "rcpt": smtp_server.handler.refuse_next_rcpt}[command]
    refuse(reply, times=2)
    (message_id,) = await queue_agendas(1)
    worker = make_worker(smtp_server)

    async with running_worker(worker):
        await eventually(all_settled)

    row = await OutboxMail.get(message_id=message_id)
    assert (row.state, row.attempts) == (OutboxState.SENT, 3)
    assert reply in row.last_error  # the last failure is kept for the record
    assert smtp_server.handler.message_ids() == [message_id]


async def test_550_is_failed_at_once_and_never_retried(db, smtp_server):
    smtp_server.handler.refuse_next_rcpt("550 5.1.1 No such user")
    message_ids = await queue_agendas(3)
    worker = make_worker(smtp_server)

    await worker.run_until_idle()
    await asyncio.sleep(FAST.retry.cap_seconds)  # longer than any retry window
    await worker.run_until_idle()
    await worker.transport.close()

    refused = await OutboxMail.get(message_id=message_ids[0])
    assert (refused.state, refused.attempts) == (OutboxState.FAILED, 1)
    assert refused.last_error == "participant1@example.cn: 550 5.1.1 No such user"
    assert smtp_server.handler.message_ids() == message_ids[1:]


async def test_a_server_silent_before_data_times_out_and_the_message_is_retried(db, smtp_server):
    smtp_server.handler.hang_on_rcpt = True  # no data handed over: safe to try again
    (message_id,) = await queue_agendas(1)
    impatient = make_worker(smtp_server, timeout=0.3)

    await impatient.deliver_batch()  # one attempt
    await impatient.transport.close()
    timed_out = await OutboxMail.get(message_id=message_id)
    smtp_server.handler.hang_on_rcpt = False
    async with running_worker(make_worker(smtp_server)):
        await eventually(all_settled)

    assert (timed_out.state, timed_out.attempts) == (OutboxState.QUEUED, 1)
    assert timed_out.last_error == f"no answer from 127.0.0.1:{smtp_server.port} within 0.3 s"
    row = await OutboxMail.get(message_id=message_id)
    assert (row.state, row.attempts) == (OutboxState.SENT, 2)
    assert smtp_server.handler.message_ids() == [message_id]


async def test_a_reply_later_than_the_timeout_after_data_puts_the_message_in_doubt_never_resent(
        db, smtp_server):
    # The server takes the message and answers 250 only after the worker gave up waiting: the
    # message has arrived, so trying again (as for a timeout before DATA) would duplicate it.
    smtp_server.handler.reply_delay_after_data = 1.0
    first, second = await queue_agendas(2)
    impatient = make_worker(smtp_server, timeout=0.3)

    async with running_worker(impatient):
        await eventually(lambda: OutboxMail.filter(message_id=first, state=OutboxState.IN_DOUBT).exists())
        smtp_server.handler.reply_delay_after_data = 0.0
        await eventually(lambda: OutboxMail.filter(message_id=second, state=OutboxState.SENT).exists())
        await asyncio.sleep(FAST.retry.cap_seconds * 3)  # longer than any retry window

    doubtful = await OutboxMail.get(message_id=first)
    assert (doubtful.state, doubtful.attempts) == (OutboxState.IN_DOUBT, 1)
    assert doubtful.last_error.startswith(outbox.NO_REPLY_ERROR)
    assert "after the message data" in doubtful.last_error
    assert smtp_server.handler.message_ids() == [first, second]  # each exactly once
    assert impatient.tally.in_doubt == 1


async def test_a_worker_killed_after_the_server_accepted_leaves_the_message_in_doubt_never_resent_blindly(
        db, smtp_server, settings):
    organization = await Organization.create(kind="government", name="星河市科技局", is_organizer=True)
    chief = await User.create(email="chief@example.cn", name="科长", password_hash="x")
    await outbox.enqueue_all([outgoing_mail(1, organization_id=organization.id)], domain="example.gov.cn")
    (message_id,) = await OutboxMail.all().values_list("message_id", flat=True)
    smtp_server.handler.hold_after_accept = release = threading.Event()
    process = subprocess.Popen(
        [sys.executable, "-m", "matchmaker", "send-mail"], cwd=PROJECT_ROOT,
        env={**os.environ, "MATCHMAKER_DATABASE_URL": settings.database_url,
             "MATCHMAKER_PATHS_VAR_DIR": settings.paths_var_dir,
             "MATCHMAKER_MAIL_SMTP_HOST": smtp_server.host,
             "MATCHMAKER_MAIL_SMTP_PORT": str(smtp_server.port),
             "MATCHMAKER_MAIL_LEASE_SECONDS": "1", "MATCHMAKER_MAIL_POLL_SECONDS": "0.05"},
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        assert await asyncio.to_thread(smtp_server.handler.accepted_and_held.wait, 30)
        process.send_signal(signal.SIGKILL)  # before the 250 reply: the server has it, the worker never knew
        process.wait(10)
    finally:
        if process.poll() is None:
            process.kill()
        process.stderr.close()
    release.set()
    smtp_server.handler.hold_after_accept = None
    assert (await OutboxMail.get(message_id=message_id)).state == OutboxState.IN_FLIGHT  # committed before SMTP

    await asyncio.sleep(1.1)  # the dead worker's lease runs out
    worker = make_worker(smtp_server)
    await worker.run_until_idle()
    row = await OutboxMail.get(message_id=message_id)
    assert row.state == OutboxState.IN_DOUBT and "无法确认" in row.last_error
    assert smtp_server.handler.message_ids() == [message_id]  # not sent a second time by the worker

    # The organizer learns it did not arrive and resends it: the same message, same calendar identity.
    await outbox.resend(organization, row.id, by=chief)
    await worker.run_until_idle()
    await worker.transport.close()
    first, second = [message_from_bytes(m.content) for m in smtp_server.handler.messages]
    assert first["Message-ID"] == second["Message-ID"] == message_id
    assert calendar_identity(first) == calendar_identity(second) == [
        ("meeting-7-1-202@example.gov.cn", 1)]
    assert (await OutboxMail.get(message_id=message_id)).state == OutboxState.SENT


def calendar_identity(message) -> list[tuple[str, int]]:
    """(UID, SEQUENCE) of every meeting in the message's agenda.ics."""
    attachment = next(message.iter_attachments())
    calendar = icalendar.Calendar.from_ical(attachment.get_content())
    return [(str(event["UID"]), int(event["SEQUENCE"])) for event in calendar.walk("VEVENT")]


async def test_two_workers_never_send_the_same_row_twice(db, smtp_server, template_database):
    if template_database.backend != "postgres":
        pytest.skip("several workers claim concurrently only on PostgreSQL (FOR UPDATE SKIP "
                    "LOCKED); set MATCHMAKER_TEST_POSTGRES to run this")
    message_ids = await queue_agendas(120)
    first = make_worker(smtp_server, worker_id="worker-a")
    second = make_worker(smtp_server, worker_id="worker-b")

    await asyncio.gather(first.run_until_idle(), second.run_until_idle())
    await first.transport.close()
    await second.transport.close()

    received = smtp_server.handler.message_ids()
    assert sorted(received) == sorted(message_ids)  # each exactly once
    assert first.tally.sent + second.tally.sent == 120
    assert first.tally.sent > 0 and second.tally.sent > 0
