"""Lead reminders by mail through the outbox, each once (keyed like the agenda mails):

- the institution, 3 days after a held meeting whose lead has no stage recorded yet;
- the institution, every 30 days a lead stays open without a stage change;
- the side that must confirm a stage the other recorded (the enterprise, or the institution for a
  stage the enterprise reported).

Run by cron (`python -m matchmaker send-lead-reminders`); running it again queues nothing new.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from tortoise.transactions import in_transaction

from matchmaker.mail.compose import render_email
from matchmaker.models import MeetingState, User
from matchmaker.models.outcomes import Confirmation, FinancingLead, LeadLink, LeadRecord, LeadStage, Side
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.services.mailing.outbox import OutgoingMail, enqueue_all
from matchmaker.services.outcomes import stages
from matchmaker.services.scheduling.agendas import members, reader_language

INTENT_AFTER_DAYS = 3
OPEN_EVERY_DAYS = 30
TEMPLATE = "lead_reminder.html"


def _mail(user: User, *, key: str, kind: str, lead: FinancingLead, counterpart: str, link: str,
          stage: str = "", days: int = 0) -> OutgoingMail:
    language = reader_language(user)
    context = {"participant_name": user.name, "kind": kind, "counterpart": counterpart,
               "need_title": lead.need.title, "stage": stage, "days": days,
               "link": mail_identity().link(link)}
    return OutgoingMail(rendered=render_email(TEMPLATE, context, language=language), recipient_email=user.email,
                        recipient_name=user.name, kind=f"lead.{kind}", language=language, idempotency_key=key,
                        organization_id=lead.institution_id if kind != "confirm" else None)


async def queue_lead_reminders(now: datetime | None = None) -> int:
    """Queue every reminder due at `now`; return how many were new."""
    now = now or utc_now()
    mails: list[OutgoingMail] = []
    readers: dict[int, list[User]] = {}

    async def of(organization_id: int) -> list[User]:
        if organization_id not in readers:
            readers[organization_id] = await members(organization_id)
        return readers[organization_id]

    held = await (LeadLink.filter(meeting__state=MeetingState.HELD,
                                  meeting__ends_at__lte=db_time(now - timedelta(days=INTENT_AFTER_DAYS)),
                                  lead__stage=LeadStage.CONTACT)
                  .select_related("lead__need", "lead__enterprise", "meeting"))
    for link in held:
        lead = link.lead
        for user in await of(lead.institution_id):
            mails.append(_mail(user, key=f"lead-intent:{lead.pk}:{link.meeting_id}:{user.pk}", kind="intent",
                               lead=lead, counterpart=lead.enterprise.name,
                               link=f"/institution/leads/meetings/{link.meeting_id}", days=INTENT_AFTER_DAYS))

    stale = await (FinancingLead.filter(stage__in=stages.OPEN_STAGES,
                                        stage_changed_at__lte=db_time(now - timedelta(days=OPEN_EVERY_DAYS)))
                   .select_related("need", "enterprise"))
    for lead in stale:
        periods = (now - lead.stage_changed_at).days // OPEN_EVERY_DAYS
        since = lead.stage_changed_at.strftime("%Y%m%d")
        for user in await of(lead.institution_id):
            mails.append(_mail(user, key=f"lead-open:{lead.pk}:{since}:{periods}:{user.pk}", kind="open", lead=lead,
                               counterpart=lead.enterprise.name, link=f"/institution/leads/{lead.pk}",
                               stage=stages.STAGE_LABELS[LeadStage(lead.stage)], days=periods * OPEN_EVERY_DAYS))

    pending = await (LeadRecord.filter(confirmation=Confirmation.PENDING, superseded=False)
                     .select_related("lead__need", "lead__enterprise", "lead__institution"))
    for record in pending:
        lead = record.lead
        by_institution = record.recorded_side == Side.INSTITUTION
        reader = lead.enterprise_id if by_institution else lead.institution_id
        for user in await of(reader):
            mails.append(_mail(user, key=f"lead-confirm:{record.pk}:{user.pk}", kind="confirm", lead=lead,
                               counterpart=lead.institution.name if by_institution else lead.enterprise.name,
                               link="/enterprise/leads" if by_institution else f"/institution/leads/{lead.pk}",
                               stage=stages.STAGE_LABELS[LeadStage(record.stage)]))
    if not mails:
        return 0
    async with in_transaction():
        return await enqueue_all(mails, domain=mail_identity().domain)
