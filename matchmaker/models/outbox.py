"""The mail outbox: one row per message to one recipient, frozen when it is written."""

from __future__ import annotations

from enum import StrEnum

from tortoise import fields
from tortoise.models import Model


class OutboxState(StrEnum):
    QUEUED = "queued"  # waiting for next_attempt_at
    SENDING = "sending"  # leased by a worker until lease_expires_at, not yet given to the server
    IN_FLIGHT = "inflight"  # committed just before the worker hands it to the server (lease kept)
    SENT = "sent"  # accepted by the SMTP server (or written as an .eml file)
    FAILED = "failed"  # refused for good (5xx): the organizer must look at it
    DEAD = "dead"  # every retry spent on transient failures
    # Its worker died (lease over) while the server had it: delivered or not, nobody knows. Never
    # resent blindly; the organizer resends it or marks it delivered on the outbox page.
    IN_DOUBT = "in_doubt"


class OutboxMail(Model):
    """A message as it will be sent, written in the same transaction as the change it reports.

    Subject, bodies, calendar and Message-ID are fixed at insert and never rewritten, so a resend
    after a crash or a timeout is the same message (same Message-ID, same calendar UID and
    SEQUENCE) and receivers can drop the duplicate. The idempotency key names what the message
    is about (e.g. agenda:event:participant:version) so that doing the same thing twice
    queues one message. The organization is the organizer whose outbox page lists the row.
    """

    id = fields.BigIntField(primary_key=True)
    idempotency_key = fields.CharField(max_length=200, unique=True)
    kind = fields.CharField(max_length=32, db_index=True)  # agenda, request_received, …
    organization = fields.ForeignKeyField("matchmaker.Organization", related_name=False, null=True,
                                          on_delete=fields.SET_NULL)
    event_id = fields.IntField(null=True, db_index=True)

    recipient_email = fields.CharField(max_length=254)
    recipient_name = fields.CharField(max_length=200, default="")
    language = fields.CharField(max_length=8, default="zh")
    subject = fields.TextField()
    text = fields.TextField()
    html = fields.TextField()
    ics = fields.TextField(null=True)  # the agenda.ics as UTF-8 text, None without a calendar
    message_id = fields.CharField(max_length=255, unique=True)

    state = fields.CharEnumField(OutboxState, max_length=8, default=OutboxState.QUEUED)
    attempts = fields.IntField(default=0)  # attempts whose outcome is known, crashes included
    next_attempt_at = fields.DatetimeField()
    lease_owner = fields.CharField(max_length=100, null=True)
    lease_expires_at = fields.DatetimeField(null=True)
    last_error = fields.TextField(default="")
    created_at = fields.DatetimeField()  # also the Date header, so a resend is the same message
    sent_at = fields.DatetimeField(null=True)

    class Meta:
        table = "outbox_mail"
        # The worker's question: which queued rows are due, oldest first.
        indexes = (("state", "next_attempt_at"), ("organization_id", "state"))

    def __str__(self) -> str:
        return f"{self.kind} to {self.recipient_email} ({self.state})"
