"""Delivery over SMTP: one reused aiosmtplib connection, a deadline per message.

The outbox worker sends a batch of agendas in a row; opening a TCP (and TLS) session for each
would multiply the time and trip the rate limits of government and bank relays. So the
transport connects on the first `send`, keeps the connection, and reconnects when it finds it
gone. Every failure is reported as one of the two `DeliveryError`s with the server's reply,
which is what the worker stores as the row's last error.

A disconnect the transport notices only when it tries to use a reused connection (the server
timed the idle session out, or restarted) is retried once on a fresh connection within the same
deadline, but only if it came before DATA. Once the DATA command has gone out, a timeout or a
disconnect before the server's 250 leaves the message's fate unknown (the server may have queued
it and lost only its reply): that is `UncertainDeliveryError`, never retried here, and the
outbox puts the row in doubt instead of sending it a second time.
"""

from __future__ import annotations

import asyncio
import logging
from email.message import EmailMessage

import aiosmtplib

from matchmaker.mail.transport import (
    DeliveryError,
    PermanentDeliveryError,
    TransientDeliveryError,
    UncertainDeliveryError,
)

__all__ = ["PermanentDeliveryError", "SmtpTransport", "TransientDeliveryError", "UncertainDeliveryError"]

log = logging.getLogger(__name__)


class _TrackingSMTP(aiosmtplib.SMTP):
    """aiosmtplib's client, remembering whether the current transaction has reached DATA: the
    line between a failure that is safe to retry and one whose message may have arrived."""

    data_started = False

    async def data(self, message: str | bytes, /, **kwargs) -> aiosmtplib.SMTPResponse:  # type: ignore[override]
        self.data_started = True
        return await super().data(message, **kwargs)


class SmtpTransport:
    """A `Transport` over one lazily opened, reused SMTP connection.

    `starttls=True` upgrades a plain connection (port 587); `implicit_tls=True` speaks TLS from
    the first byte (port 465); both False sends in clear (a relay on the intranet, tests).
    `timeout` bounds each `send` as a whole: connecting, logging in and the mail transaction.
    Calls to `send` are serialized: one connection carries one transaction at a time.
    """

    def __init__(
        self,
        *,
        host: str,
        port: int,
        username: str | None = None,
        password: str | None = None,
        starttls: bool = False,
        implicit_tls: bool = False,
        timeout: float = 30.0,
        validate_certs: bool = True,
        local_hostname: str | None = None,
    ) -> None:
        if starttls and implicit_tls:
            raise ValueError("choose STARTTLS or implicit TLS, not both")
        if (username is None) != (password is None):
            raise ValueError("give both username and password, or neither")
        self.host = host
        self.port = port
        self.username = username
        self._password = password  # never logged, never in repr or in error texts
        self.starttls = starttls
        self.implicit_tls = implicit_tls
        self.timeout = timeout
        self.validate_certs = validate_certs
        self.local_hostname = local_hostname
        self._client: _TrackingSMTP | None = None
        self._handed_over = False  # the current send reached DATA (see _TrackingSMTP)
        self._lock = asyncio.Lock()
        self.connections_opened = 0  # for the worker's metrics and the tests

    def __repr__(self) -> str:
        tls = "implicit-tls" if self.implicit_tls else "starttls" if self.starttls else "plain"
        return f"SmtpTransport({self.host}:{self.port}, {tls}, user={self.username!r})"

    async def send(self, message: EmailMessage) -> None:
        """Deliver `message` to its recipients, or raise a `DeliveryError`.

        Raises `TransientDeliveryError` for 4xx replies, refused or lost connections and the
        deadline passing; `PermanentDeliveryError` for 5xx replies (including a failed login).
        After a timeout or a lost connection the connection is dropped, so the next call
        starts afresh.
        """
        async with self._lock:
            self._handed_over = False
            try:
                async with asyncio.timeout(self.timeout):
                    await self._send_with_one_reconnect(message)
            except TimeoutError as error:  # ours or aiosmtplib's own (a subclass)
                self._drop_connection()
                if self._handed_over:
                    raise UncertainDeliveryError(
                        f"no reply from {self.host}:{self.port} within {self.timeout:g} s after the "
                        "message data: it may have been accepted") from error
                raise TransientDeliveryError(
                    f"no answer from {self.host}:{self.port} within {self.timeout:g} s"
                ) from error
            except asyncio.CancelledError:
                # The worker is shutting down mid-transaction: the session's state is unknown.
                self._drop_connection()
                raise
            except DeliveryError:
                raise
            except aiosmtplib.SMTPResponseException as error:
                if error.code == 421 or not self._connected():
                    self._drop_connection()  # 421: the server is closing the session
                raise _error_for_reply(error.code, error.message) from error
            except aiosmtplib.SMTPRecipientsRefused as error:
                raise _error_for_refused_recipients(error) from error
            except (aiosmtplib.SMTPException, OSError) as error:
                # Disconnects, refused connections, TLS failures, unsupported extensions.
                self._drop_connection()
                if self._handed_over and isinstance(error, (aiosmtplib.SMTPServerDisconnected, OSError)):
                    raise UncertainDeliveryError(
                        f"{self.host}:{self.port}: connection lost after the message data, before the "
                        f"server's reply ({_describe(error)}): it may have been accepted") from error
                raise TransientDeliveryError(
                    f"{self.host}:{self.port}: {_describe(error)}"
                ) from error

    async def close(self) -> None:
        """Say QUIT if still connected, then forget the connection; safe to call twice."""
        async with self._lock:
            client, self._client = self._client, None
            if client is None or not client.is_connected:
                return
            try:
                async with asyncio.timeout(self.timeout):
                    await client.quit()
            except (aiosmtplib.SMTPException, OSError, TimeoutError) as error:
                log.info("SMTP QUIT to %s:%s failed: %s", self.host, self.port, _describe(error))
                client.close()

    async def _send_with_one_reconnect(self, message: EmailMessage) -> None:
        reused = self._connected()
        client = await self._connection()
        try:
            refused, _reply = await self._transaction(client, message)
        except aiosmtplib.SMTPServerDisconnected:
            if not reused or self._handed_over:
                raise
            log.info("SMTP connection to %s:%s was closed while idle; reconnecting",
                     self.host, self.port)
            self._drop_connection()
            client = await self._connection()
            refused, _reply = await self._transaction(client, message)
        if refused:
            # Some recipients took it and some did not; resending would duplicate it for the
            # former, so report it as permanent with every refusal spelled out.
            details = "; ".join(f"{address}: {reply.code} {reply.message}"
                                for address, reply in refused.items())
            raise PermanentDeliveryError(f"some recipients refused: {details}")

    async def _transaction(self, client: _TrackingSMTP, message: EmailMessage
                           ) -> tuple[dict[str, aiosmtplib.SMTPResponse], str]:
        client.data_started = False
        try:
            return await client.send_message(message)
        finally:
            self._handed_over = client.data_started

    async def _connection(self) -> _TrackingSMTP:
        if self._client is not None and self._client.is_connected:
            return self._client
        self._drop_connection()
        client = _TrackingSMTP(
            hostname=self.host,
            port=self.port,
            username=self.username,
            password=self._password,
            use_tls=self.implicit_tls,
            # None would let aiosmtplib upgrade whenever the server offers it; we say exactly.
            start_tls=self.starttls,
            validate_certs=self.validate_certs,
            local_hostname=self.local_hostname,
            timeout=self.timeout,
        )
        await client.connect()
        self.connections_opened += 1
        self._client = client
        log.debug("SMTP connected to %s:%s", self.host, self.port)
        return client

    def _connected(self) -> bool:
        return self._client is not None and self._client.is_connected

    def _drop_connection(self) -> None:
        client, self._client = self._client, None
        if client is not None:
            client.close()


def _error_for_reply(code: int, text: str) -> DeliveryError:
    reply = f"{code} {text}".strip()
    if 400 <= code < 500:
        return TransientDeliveryError(reply)
    if 500 <= code < 600:
        return PermanentDeliveryError(reply)
    # Anything else (a 2xx/3xx where another was due) means a confused server: try later.
    return TransientDeliveryError(f"unexpected reply {reply}")


def _error_for_refused_recipients(error: aiosmtplib.SMTPRecipientsRefused) -> DeliveryError:
    """Every recipient was refused: permanent only if every refusal was a 5xx."""
    replies = "; ".join(f"{r.recipient}: {r.code} {r.message}" for r in error.recipients)
    if error.recipients and all(500 <= r.code < 600 for r in error.recipients):
        return PermanentDeliveryError(replies)
    return TransientDeliveryError(replies)


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}" if str(error) else type(error).__name__
