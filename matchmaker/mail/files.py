"""Delivery into a directory of .eml files, used when no SMTP server is configured (./var/mail).

The organizer's outbox page lists these files, and anyone can open one in a mail client.
A file is named after the Message-ID, so a resend of the same outbox row overwrites its own
file instead of adding a second copy; it is written to a temporary file and renamed, so a reader
never sees half a message.
"""

from __future__ import annotations

import asyncio
import os
import re
import tempfile
from email.message import EmailMessage
from pathlib import Path

from matchmaker.mail.message import message_to_bytes
from matchmaker.mail.transport import PermanentDeliveryError, TransientDeliveryError

_UNSAFE = re.compile(r"[^A-Za-z0-9._@+-]")


def eml_filename(message_id: str) -> str:
    """``<1.2@example.cn>`` -> ``1.2@example.cn.eml``: the id with anything unsafe as ``_``."""
    bare = message_id.strip().removeprefix("<").removesuffix(">")
    safe = _UNSAFE.sub("_", bare).lstrip(".")  # no hidden files, no "..".
    if not safe:
        raise ValueError(f"cannot derive a file name from Message-ID {message_id!r}")
    return f"{safe[:200]}.eml"


class EmlDirectoryTransport:
    """A `Transport` writing ``<message-id>.eml`` files under `directory` (created if needed)."""

    def __init__(self, directory: Path | str) -> None:
        self.directory = Path(directory)

    def __repr__(self) -> str:
        return f"EmlDirectoryTransport({str(self.directory)!r})"

    async def send(self, message: EmailMessage) -> None:
        """Write the message; PermanentDeliveryError without a Message-ID, Transient on I/O."""
        message_id = message["Message-ID"]
        if not message_id:
            raise PermanentDeliveryError("message has no Message-ID to name its file after")
        try:
            await asyncio.to_thread(self._write, eml_filename(message_id),
                                    message_to_bytes(message))
        except OSError as error:  # a full or read-only disk may recover; let the outbox retry
            raise TransientDeliveryError(f"cannot write to {self.directory}: {error}") from error

    async def close(self) -> None:
        """Nothing to release."""

    def path_for(self, message_id: str) -> Path:
        """Where the message with `message_id` is (or would be) written."""
        return self.directory / eml_filename(message_id)

    def _write(self, name: str, data: bytes) -> None:
        self.directory.mkdir(parents=True, exist_ok=True)
        handle, temporary = tempfile.mkstemp(dir=self.directory, prefix=".", suffix=".tmp")
        try:
            with os.fdopen(handle, "wb") as file:
                file.write(data)
                file.flush()
                os.fsync(file.fileno())
            os.replace(temporary, self.directory / name)
        except BaseException:
            Path(temporary).unlink(missing_ok=True)
            raise
