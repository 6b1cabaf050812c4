"""A real SMTP server for the tests: aiosmtpd on 127.0.0.1, in its own thread and event loop.

The handler records what arrives and can be told how to misbehave, so the delivery tests
exercise aiosmtplib against real sockets and real SMTP replies instead of mocks.
"""

from __future__ import annotations

import asyncio
import re
import socket
import threading
from collections import deque
from dataclasses import dataclass, field

from aiosmtpd.controller import Controller
from aiosmtpd.smtp import SMTP, AuthResult, Envelope, LoginPassword, Session


@dataclass
class Received:
    mail_from: str
    rcpt_tos: list[str]
    content: bytes


@dataclass
class RecordingHandler:
    """Accepts everything unless told otherwise; counts sessions by their EHLO."""

    messages: list[Received] = field(default_factory=list)
    sessions: int = 0
    hang_on_data: bool = False  # DATA received, no reply ever: the message's fate unknown to the client
    hang_on_rcpt: bool = False  # no reply to RCPT: a failure before any data was handed over
    # Seconds the 250 after DATA waits (the message is recorded first): a reply that comes after
    # the client's timeout, so the server has the message the client gave up on.
    reply_delay_after_data: float = 0.0
    # Set: DATA is recorded, then the 250 reply waits until the event is set again by the test,
    # which is the window between "the server has the message" and "the client knows it".
    hold_after_accept: threading.Event | None = None
    accepted_and_held: threading.Event = field(default_factory=threading.Event)
    _data_replies: deque[str] = field(default_factory=deque)
    _rcpt_replies: deque[str] = field(default_factory=deque)
    _lock: threading.Lock = field(default_factory=threading.Lock)

    def refuse_next_data(self, reply: str, times: int = 1) -> None:
        """Answer DATA of the next `times` messages with `reply`, e.g. ``"451 4.3.0 busy"``."""
        with self._lock:
            self._data_replies.extend([reply] * times)

    def refuse_next_rcpt(self, reply: str, times: int = 1) -> None:
        """Answer the next `times` RCPT commands with `reply`, e.g. ``"550 5.1.1 no such user"``."""
        with self._lock:
            self._rcpt_replies.extend([reply] * times)

    async def handle_EHLO(self, server: SMTP, session: Session, envelope: Envelope,
                          hostname: str, responses: list[str]) -> list[str]:
        session.host_name = hostname  # the 5-argument hook must set it itself
        with self._lock:
            self.sessions += 1
        return responses

    async def handle_RCPT(self, server: SMTP, session: Session, envelope: Envelope,
                          address: str, rcpt_options: list[str]) -> str:
        if self.hang_on_rcpt:
            await asyncio.Event().wait()  # until the controller cancels us at stop()
        with self._lock:
            reply = self._rcpt_replies.popleft() if self._rcpt_replies else None
        if reply:
            return reply
        envelope.rcpt_tos.append(address)
        return "250 OK"

    async def handle_DATA(self, server: SMTP, session: Session, envelope: Envelope) -> str:
        if self.hang_on_data:
            await asyncio.Event().wait()  # until the controller cancels us at stop()
        with self._lock:
            reply = self._data_replies.popleft() if self._data_replies else None
            if reply:
                return reply
            self.messages.append(Received(envelope.mail_from, list(envelope.rcpt_tos),
                                          envelope.original_content or b""))
        if self.reply_delay_after_data:
            await asyncio.sleep(self.reply_delay_after_data)
        if self.hold_after_accept is not None:
            self.accepted_and_held.set()
            while not self.hold_after_accept.is_set():
                await asyncio.sleep(0.01)
        return "250 2.0.0 Message accepted for delivery"

    def message_ids(self) -> list[str]:
        """The Message-ID of every message received, in order, duplicates included."""
        with self._lock:
            contents = [m.content for m in self.messages]
        return [_message_id(content) for content in contents]


_MESSAGE_ID_HEADER = re.compile(rb"^Message-ID:\s*(\S+)\s*$", re.MULTILINE | re.IGNORECASE)


def _message_id(content: bytes) -> str:
    found = _MESSAGE_ID_HEADER.search(content)
    return found.group(1).decode("ascii") if found else ""


def free_port() -> int:
    """A port nothing listens on right now (the kernel's pick for an ephemeral bind)."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


class SmtpServer:
    """An aiosmtpd Controller that can be stopped and started again on the same port."""

    def __init__(self, handler: RecordingHandler, *, port: int | None = None,
                 **smtp_options: object) -> None:
        self.handler = handler
        self.host = "127.0.0.1"
        self.port = port or free_port()
        self._smtp_options = smtp_options
        self._controller: Controller | None = None

    def start(self) -> None:
        assert self._controller is None, "already running"
        self._controller = Controller(self.handler, hostname=self.host, port=self.port,
                                      ready_timeout=5.0, **self._smtp_options)
        self._controller.start()

    def stop(self) -> None:
        if self._controller is not None:
            self._controller.stop()
            self._controller = None

    def restart(self) -> None:
        self.stop()
        self.start()


def accept_login(expected_user: str, expected_password: str):
    """An aiosmtpd authenticator that knows exactly one user."""

    def authenticator(server, session, envelope, mechanism, auth_data) -> AuthResult:
        ok = (isinstance(auth_data, LoginPassword)
              and auth_data.login == expected_user.encode()
              and auth_data.password == expected_password.encode())
        # handled=False: let aiosmtpd send its own "535 5.7.8" reply on failure.
        return AuthResult(success=ok, handled=False)

    return authenticator
