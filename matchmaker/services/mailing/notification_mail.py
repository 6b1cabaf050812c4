"""Mails about meeting requests (received, answered, expired), queued through the outbox.

This is the hook for the events service: its `notify(...)` builds the context from the request
and calls `queue_notification_mail` inside the transaction that changes the request, so the
mail exists exactly when the change does. Each fact is mailed once per recipient: the key is
the request, what happened to it, and the recipient.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from matchmaker.mail.compose import (
    LANGUAGES,
    RequestAnsweredMail,
    RequestExpiredMail,
    RequestReceivedMail,
    render_email,
)
from matchmaker.models import OutboxMail
from matchmaker.services.mailing.outbox import enqueue

RequestMail = RequestReceivedMail | RequestAnsweredMail | RequestExpiredMail


@dataclass(frozen=True)
class Recipient:
    email: str
    name: str = ""
    language: str = "zh"  # the person's chosen language; anything unknown reads Chinese


def notification_kind(context: RequestMail) -> tuple[str, str]:
    """(outbox kind, what happened to the request) for a mail context."""
    if isinstance(context, RequestReceivedMail):
        return "request_received", "received"
    if isinstance(context, RequestAnsweredMail):
        return "request_answered", "accepted" if context.accepted else "declined"
    if isinstance(context, RequestExpiredMail):
        return "request_expired", "expired"
    raise TypeError(f"not a meeting-request mail: {type(context).__name__}")


async def queue_notification_mail(context: RequestMail, *, recipient: Recipient, request_id: int,
                                  domain: str, organization_id: int | None = None,
                                  event_id: int | None = None,
                                  now: datetime | None = None) -> OutboxMail:
    """Render `context` in the recipient's language and queue it; return the outbox row.

    Idempotent per (request, outcome, recipient): calling it again for the same fact returns
    the row already queued. `organization_id` is the organizer running the event (whose outbox
    page lists the mail); `domain` goes into the Message-ID (`outbox.message_id_domain`).
    """
    kind, outcome = notification_kind(context)
    language = recipient.language if recipient.language in LANGUAGES else "zh"
    rendered = render_email(context.TEMPLATE, context, language=language)
    return await enqueue(
        rendered, recipient_email=recipient.email, recipient_name=recipient.name, kind=kind,
        idempotency_key=f"request:{request_id}:{outcome}:{recipient.email.lower()}",
        domain=domain, language=language, organization_id=organization_id, event_id=event_id,
        now=now)
