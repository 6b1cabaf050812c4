"""Who the platform's mails come from and where their links point, set once per process.

Services that queue mail inside a transaction (publishing, request answers) are called with
domain objects only; threading the settings through every caller just for a Message-ID domain
and a link prefix would change a dozen signatures. The app and the CLI call `configure` at
start-up; tests get the defaults below unless they configure their own.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.utils import parseaddr

from matchmaker.services.mailing.outbox import message_id_domain


@dataclass(frozen=True)
class MailIdentity:
    domain: str  # goes into Message-IDs
    sender_email: str  # the ORGANIZER of calendar entries
    public_url: str  # prefix of links in mails, without a trailing slash

    def link(self, path: str) -> str:
        return f"{self.public_url}{path}"


_DEFAULT = MailIdentity(domain="matchmaker.local", sender_email="noreply@matchmaker.local",
                        public_url="http://127.0.0.1:8000")
_current = _DEFAULT


def identity_from_settings(settings) -> MailIdentity:  # type: ignore[no-untyped-def]
    _name, address = parseaddr(settings.mail_from)
    scheme = "https" if settings.server_https else "http"
    public_url = settings.server_public_url or f"{scheme}://{settings.server_host}:{settings.server_port}"
    return MailIdentity(domain=message_id_domain(settings.mail_from),
                        sender_email=address or _DEFAULT.sender_email, public_url=public_url.rstrip("/"))


def configure(identity: MailIdentity) -> None:
    global _current
    _current = identity


def mail_identity() -> MailIdentity:
    return _current
