from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.mail.smtp_server import RecordingHandler, SmtpServer


@pytest.fixture
def smtp_server() -> Iterator[SmtpServer]:
    """A running aiosmtpd on 127.0.0.1 with a recording handler; stopped after the test."""
    server = SmtpServer(RecordingHandler())
    server.start()
    try:
        yield server
    finally:
        server.stop()
