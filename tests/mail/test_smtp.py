"""SmtpTransport against a real aiosmtpd server on 127.0.0.1."""

from __future__ import annotations

import asyncio
import logging
import time

import pytest

from matchmaker.mail.message import message_from_bytes
from matchmaker.mail.smtp import (
    PermanentDeliveryError,
    SmtpTransport,
    TransientDeliveryError,
    UncertainDeliveryError,
)
from tests.mail.factories import email_message
from tests.mail.smtp_server import RecordingHandler, SmtpServer, accept_login, free_port


def transport_for(server: SmtpServer, **options) -> SmtpTransport:
    options.setdefault("timeout", 5.0)
    return SmtpTransport(host=server.host, port=server.port, local_hostname="matchmaker.test",
                         **options)


async def test_several_messages_share_one_connection(smtp_server):
    transport = transport_for(smtp_server)

    for number in (1, 2, 3):
        await transport.send(email_message(number))
    await transport.close()

    assert smtp_server.handler.sessions == 1
    assert transport.connections_opened == 1
    assert [m.rcpt_tos for m in smtp_server.handler.messages] == [["zhangsan@example.cn"]] * 3


async def test_concurrent_sends_take_turns_on_the_one_connection(smtp_server):
    transport = transport_for(smtp_server)

    await asyncio.gather(*(transport.send(email_message(n)) for n in (1, 2, 3, 4)))
    await transport.close()

    assert smtp_server.handler.sessions == 1
    assert len(smtp_server.handler.messages) == 4


async def test_delivered_message_keeps_its_id_and_chinese_subject(smtp_server):
    transport = transport_for(smtp_server)

    await transport.send(email_message(2))
    await transport.close()

    received = message_from_bytes(smtp_server.handler.messages[0].content)
    assert received["Message-ID"] == "<agenda-2@example.gov.cn>"
    assert received["Subject"] == "【2026 科技金融银企对接会】您的洽谈日程（第2版）"
    assert smtp_server.handler.messages[0].mail_from == "noreply@example.gov.cn"


@pytest.mark.parametrize("reply", ["451 4.3.0 Try again later", "421 4.7.0 Too busy"])
async def test_4xx_reply_to_data_is_transient(smtp_server, reply):
    smtp_server.handler.refuse_next_data(reply)
    transport = transport_for(smtp_server)

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(email_message())
    await transport.close()

    assert str(raised.value) == reply
    assert smtp_server.handler.messages == []


async def test_450_mailbox_busy_is_transient(smtp_server):
    smtp_server.handler.refuse_next_rcpt("450 4.2.1 Mailbox busy")
    transport = transport_for(smtp_server)

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(email_message())
    await transport.close()

    assert str(raised.value) == "zhangsan@example.cn: 450 4.2.1 Mailbox busy"


async def test_550_unknown_mailbox_is_permanent(smtp_server):
    smtp_server.handler.refuse_next_rcpt("550 5.1.1 No such user")
    transport = transport_for(smtp_server)

    with pytest.raises(PermanentDeliveryError) as raised:
        await transport.send(email_message())
    await transport.close()

    assert str(raised.value) == "zhangsan@example.cn: 550 5.1.1 No such user"


async def test_554_reply_to_data_is_permanent(smtp_server):
    smtp_server.handler.refuse_next_data("554 5.7.1 Message rejected as spam")
    transport = transport_for(smtp_server)

    with pytest.raises(PermanentDeliveryError) as raised:
        await transport.send(email_message())
    await transport.close()

    assert str(raised.value) == "554 5.7.1 Message rejected as spam"


async def test_connection_survives_a_refused_message(smtp_server):
    smtp_server.handler.refuse_next_data("451 4.3.0 Try again later")
    transport = transport_for(smtp_server)

    with pytest.raises(TransientDeliveryError):
        await transport.send(email_message(1))
    await transport.send(email_message(2))
    await transport.close()

    assert smtp_server.handler.sessions == 1
    assert len(smtp_server.handler.messages) == 1


async def test_server_down_is_transient():
    transport = SmtpTransport(host="127.0.0.1", port=free_port(), timeout=5.0,
                              local_hostname="matchmaker.test")

    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(email_message())
    await transport.close()

    assert "127.0.0.1" in str(raised.value)


async def test_a_server_silent_before_data_times_out_as_transient(smtp_server):
    smtp_server.handler.hang_on_rcpt = True
    transport = transport_for(smtp_server, timeout=0.5)

    started = time.monotonic()
    with pytest.raises(TransientDeliveryError) as raised:
        await transport.send(email_message())
    elapsed = time.monotonic() - started
    await transport.close()

    assert str(raised.value) == f"no answer from 127.0.0.1:{smtp_server.port} within 0.5 s"
    assert 0.45 <= elapsed < 2.0  # the loop may fire a timer up to its clock resolution early
    assert smtp_server.handler.messages == []


async def test_a_reply_later_than_the_timeout_after_data_is_uncertain_not_transient(smtp_server):
    # The server has the message and answers 250 only after the client gave up: resending
    # would deliver it twice, so the transport says "unknown", never "try again".
    smtp_server.handler.reply_delay_after_data = 1.0
    transport = transport_for(smtp_server, timeout=0.4)

    with pytest.raises(UncertainDeliveryError) as raised:
        await transport.send(email_message())
    await transport.close()

    assert not isinstance(raised.value, TransientDeliveryError)
    assert str(raised.value) == (f"no reply from 127.0.0.1:{smtp_server.port} within 0.4 s after the "
                                 "message data: it may have been accepted")
    assert len(smtp_server.handler.messages) == 1


async def test_a_server_that_drops_the_connection_after_data_is_uncertain(smtp_server):
    smtp_server.handler.hang_on_data = True
    transport = transport_for(smtp_server, timeout=5.0)
    sending = asyncio.ensure_future(transport.send(email_message()))
    await asyncio.sleep(0.3)  # DATA is on the server now, its reply held back
    await asyncio.to_thread(smtp_server.stop)

    with pytest.raises(UncertainDeliveryError) as raised:
        await sending
    await transport.close()

    assert "connection lost after the message data" in str(raised.value)


async def test_next_send_after_a_timeout_opens_a_new_connection(smtp_server):
    smtp_server.handler.hang_on_rcpt = True
    transport = transport_for(smtp_server, timeout=0.5)
    with pytest.raises(TransientDeliveryError):
        await transport.send(email_message(1))

    smtp_server.handler.hang_on_rcpt = False
    await transport.send(email_message(2))
    await transport.close()

    assert transport.connections_opened == 2
    assert len(smtp_server.handler.messages) == 1


async def test_reconnects_after_the_server_restarts(smtp_server):
    transport = transport_for(smtp_server)
    await transport.send(email_message(1))

    smtp_server.restart()
    await transport.send(email_message(2))
    await transport.close()

    assert transport.connections_opened == 2
    assert smtp_server.handler.sessions == 2
    assert len(smtp_server.handler.messages) == 2


async def test_close_is_idempotent_and_send_reconnects_after_it(smtp_server):
    transport = transport_for(smtp_server)
    await transport.send(email_message(1))

    await transport.close()
    await transport.close()
    await transport.send(email_message(2))
    await transport.close()

    assert smtp_server.handler.sessions == 2


# auth_require_tls=False lets the plain-text test server offer AUTH. aiosmtpd warns only when
# AUTH is also *required* (auth_required=True), which these tests do not ask for.
async def test_login_failure_is_permanent_and_never_shows_the_password(caplog):
    server = SmtpServer(RecordingHandler(), auth_require_tls=False,
                        authenticator=accept_login("matchmaker", "right-secret"))
    server.start()
    try:
        transport = transport_for(server, username="matchmaker", password="wrong-secret-42")
        caplog.set_level(logging.DEBUG)

        with pytest.raises(PermanentDeliveryError) as raised:
            await transport.send(email_message())
        await transport.close()

        assert str(raised.value).startswith("535 ")
        assert "wrong-secret-42" not in str(raised.value)
        assert "wrong-secret-42" not in repr(transport)
        assert "wrong-secret-42" not in caplog.text
    finally:
        server.stop()


async def test_login_with_the_right_password_delivers():
    server = SmtpServer(RecordingHandler(), auth_require_tls=False,
                        authenticator=accept_login("matchmaker", "right-secret"))
    server.start()
    try:
        transport = transport_for(server, username="matchmaker", password="right-secret")

        await transport.send(email_message())
        await transport.close()

        assert len(server.handler.messages) == 1
    finally:
        server.stop()
