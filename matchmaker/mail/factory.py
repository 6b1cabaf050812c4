"""Choose the transport the settings describe: SMTP when a host is set, .eml files otherwise."""

from __future__ import annotations

from matchmaker.config import Settings
from matchmaker.mail.files import EmlDirectoryTransport
from matchmaker.mail.smtp import SmtpTransport
from matchmaker.mail.transport import Transport


def transport_from_settings(settings: Settings, *, timeout: float = 30.0) -> Transport:
    """`SmtpTransport` for ``mail.smtp_host``, else `EmlDirectoryTransport` on `settings.mail_dir`.

    An empty username means no login. Implicit TLS (port 465) is not in the settings yet, so
    this only offers plain SMTP or STARTTLS.
    """
    if not settings.mail_smtp_host:
        return EmlDirectoryTransport(settings.mail_dir)
    username = settings.mail_smtp_username or None
    return SmtpTransport(
        host=settings.mail_smtp_host,
        port=settings.mail_smtp_port,
        username=username,
        password=settings.mail_smtp_password if username else None,
        starttls=settings.mail_smtp_starttls,
        timeout=timeout,
    )
