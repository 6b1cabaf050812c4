"""What the outbox worker sends through, and the two ways a delivery can fail."""

from __future__ import annotations

from email.message import EmailMessage
from typing import Protocol


class DeliveryError(Exception):
    """A message was not delivered; `str(error)` carries the server's reply or the cause."""


class TransientDeliveryError(DeliveryError):
    """Worth retrying later: a 4xx reply, a refused or dropped connection, a timeout."""


class PermanentDeliveryError(DeliveryError):
    """Retrying will not help: a 5xx reply (unknown mailbox, rejected content, bad login)."""


class UncertainDeliveryError(DeliveryError):
    """The message was handed over (DATA sent) but the server's reply never came (a timeout or a
    dropped connection before the 250): it may have been accepted, so it must not be resent
    automatically; the outbox puts it in doubt for the organizer."""


class Transport(Protocol):
    """Delivers one message at a time; `SmtpTransport` and `EmlDirectoryTransport` satisfy it.

    `send` returns once the message is accepted (queued by the server, or written to disk) and
    raises `TransientDeliveryError`, `PermanentDeliveryError` or, once the message is with the
    server but unacknowledged, `UncertainDeliveryError` otherwise. `close` releases
    whatever the transport holds and may be called more than once.
    """

    async def send(self, message: EmailMessage) -> None: ...

    async def close(self) -> None: ...
