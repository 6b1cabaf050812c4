"""Lead reminders by mail through the outbox, each once (keyed like the agenda mails):

- the institution, 3 days after a held meeting whose lead has no stage recorded yet;
- the institution, every 30 days a lead stays open without a stage change;
- the side that must confirm a stage the other recorded (the enterprise, or the institution for a
  stage the enterprise reported).

Run by the worker every `[jobs] reminders_every_seconds` (or `python -m matchmaker send-lead-reminders`);
running it again queues nothing new, and renders only what is new.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import datetime, timedelta

from tortoise.queryset import QuerySet
from tortoise.transactions import in_transaction

from matchmaker.mail.compose import render_email
from matchmaker.models import MeetingState, Organization, OutboxMail, User
from matchmaker.models.outcomes import Confirmation, FinancingLead, LeadLink, LeadRecord, LeadStage, Side
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.services.mailing.outbox import OutgoingMail, enqueue_all
from matchmaker.services.outcomes import stages
from matchmaker.services.scheduling.agendas import members, reader_language

INTENT_AFTER_DAYS = 3
OPEN_EVERY_DAYS = 30
TEMPLATE = "lead_reminder.html"


#: Rows read per query: a bank's 100,000 open leads are walked in chunks, never held at once.
CHUNK = 2000


@dataclass(frozen=True)
class _Due:
    """One reminder that is due, known by plain columns before anything is rendered: every run
    finds again what earlier runs queued (a lead stays open for months), so only the new ones
    load their lead's names and are rendered."""

    key: str
    user: User
    kind: str
    lead_id: int
    counterpart_id: int  # the organization named in the mail
    link: str
    stage: str = ""
    days: int = 0


async def _queue_new(due: list[_Due]) -> int:
    known: set[str] = set()
    keys = [d.key for d in due]
    for start in range(0, len(keys), 500):
        known.update(await OutboxMail.filter(idempotency_key__in=keys[start:start + 500])
                     .values_list("idempotency_key", flat=True))
    new = [d for d in due if d.key not in known]
    if not new:
        return 0
    leads = {row[0]: row[1:] for row in await FinancingLead.filter(id__in={d.lead_id for d in new}).values_list(
        "id", "need__title", "institution_id")}
    names = dict(await Organization.filter(id__in={d.counterpart_id for d in new}).values_list("id", "name"))
    mails = []
    for d in new:
        need_title, institution_id = leads[d.lead_id]
        language = reader_language(d.user)
        context = {"participant_name": d.user.name, "kind": d.kind, "counterpart": names[d.counterpart_id],
                   "need_title": need_title, "stage": d.stage, "days": d.days, "link": mail_identity().link(d.link)}
        mails.append(OutgoingMail(rendered=render_email(TEMPLATE, context, language=language),
                                  recipient_email=d.user.email, recipient_name=d.user.name, kind=f"lead.{d.kind}",
                                  language=language, idempotency_key=d.key,
                                  organization_id=institution_id if d.kind != "confirm" else None))
    async with in_transaction():
        return await enqueue_all(mails, domain=mail_identity().domain)


async def _chunks(query: QuerySet, *columns: str) -> AsyncIterator[list[tuple]]:
    """The query's rows as (id, *columns), CHUNK at a time by id."""
    last = 0
    while rows := await query.filter(id__gt=last).order_by("id").limit(CHUNK).values_list("id", *columns):
        yield rows
        last = rows[-1][0]


async def queue_lead_reminders(now: datetime | None = None) -> int:
    """Queue every reminder due at `now`; return how many were new."""
    now = now or utc_now()
    readers: dict[int, list[User]] = {}
    queued = 0

    async def of(organization_id: int) -> list[User]:
        if organization_id not in readers:
            readers[organization_id] = await members(organization_id)
        return readers[organization_id]

    held = LeadLink.filter(meeting__state=MeetingState.HELD,
                           meeting__ends_at__lte=db_time(now - timedelta(days=INTENT_AFTER_DAYS)),
                           lead__stage=LeadStage.CONTACT)
    async for links in _chunks(held, "lead_id", "meeting_id", "lead__institution_id", "lead__enterprise_id"):
        due = [_Due(f"lead-intent:{lead_id}:{meeting_id}:{user.pk}", user, "intent", lead_id, enterprise_id,
                    f"/institution/leads/meetings/{meeting_id}", days=INTENT_AFTER_DAYS)
               for _, lead_id, meeting_id, institution_id, enterprise_id in links for user in await of(institution_id)]
        queued += await _queue_new(due)

    stale = FinancingLead.filter(stage__in=stages.OPEN_STAGES,
                                 stage_changed_at__lte=db_time(now - timedelta(days=OPEN_EVERY_DAYS)))
    async for leads in _chunks(stale, "institution_id", "enterprise_id", "stage", "stage_changed_at"):
        due = []
        for lead_id, institution_id, enterprise_id, stage, changed in leads:
            periods = (now - changed).days // OPEN_EVERY_DAYS
            due += [_Due(f"lead-open:{lead_id}:{changed.strftime('%Y%m%d')}:{periods}:{user.pk}", user, "open",
                         lead_id, enterprise_id, f"/institution/leads/{lead_id}",
                         stage=stages.STAGE_LABELS[LeadStage(stage)], days=periods * OPEN_EVERY_DAYS)
                    for user in await of(institution_id)]
        queued += await _queue_new(due)

    pending = LeadRecord.filter(confirmation=Confirmation.PENDING, superseded=False)
    async for records in _chunks(pending, "lead_id", "stage", "recorded_side", "lead__institution_id",
                                 "lead__enterprise_id"):
        due = []
        for record_id, lead_id, stage, side, institution_id, enterprise_id in records:
            by_institution = side == Side.INSTITUTION
            due += [_Due(f"lead-confirm:{record_id}:{user.pk}", user, "confirm", lead_id,
                         institution_id if by_institution else enterprise_id,
                         "/enterprise/leads" if by_institution else f"/institution/leads/{lead_id}",
                         stage=stages.STAGE_LABELS[LeadStage(stage)])
                    for user in await of(enterprise_id if by_institution else institution_id)]
        queued += await _queue_new(due)
    return queued
