"""The reminder sent the day before: each participant's meetings of one day, to every member.

Run by cron (`python -m matchmaker send-reminders --day 2026-12-08` on the 7th). Running it
again queues nothing new: the key is (event, user, day).
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta

from tortoise.transactions import in_transaction

from matchmaker.mail.compose import SHANGHAI, ReminderMail, render_email
from matchmaker.models import Event, Meeting, VersionState
from matchmaker.services.scheduling.agendas import LIVE_STATES, agenda_entries, members, reader_language
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.services.mailing.outbox import OutgoingMail, enqueue_all


def reminder_key(event_id: int, user_id: int, day: date) -> str:
    return f"reminder:{event_id}:{user_id}:{day.isoformat()}"


async def queue_reminders(day: date) -> int:
    """Queue a reminder for every member of every participant with a meeting on `day` (a
    Beijing-time date) in a published schedule; return how many were new."""
    start = datetime.combine(day, time(0), tzinfo=SHANGHAI)
    meetings = await Meeting.filter(version__state=VersionState.PUBLISHED, state__in=LIVE_STATES,
                                    starts_at__gte=start, starts_at__lt=start + timedelta(days=1)
                                    ).order_by("starts_at", "table")
    mails: list[OutgoingMail] = []
    for event_id in sorted({m.event_id for m in meetings}):
        event = await Event.get(id=event_id)
        of_event = [m for m in meetings if m.event_id == event_id]
        participants = sorted({m.enterprise_id for m in of_event} | {m.institution_id for m in of_event})
        for organization_id in participants:
            own = [m for m in of_event if organization_id in (m.enterprise_id, m.institution_id)]
            lines = [entry.line for entry in await agenda_entries(own, organization_id)]
            for user in await members(organization_id):
                language = reader_language(user)
                context = ReminderMail(participant_name=user.name, event_title=event.title, venue=event.venue,
                                       day=day, meetings=lines,
                                       agenda_url=mail_identity().link(f"/events/{event.pk}/agenda"))
                mails.append(OutgoingMail(
                    rendered=render_email(ReminderMail.TEMPLATE, context, language=language),
                    recipient_email=user.email, recipient_name=user.name, kind="reminder", language=language,
                    idempotency_key=reminder_key(event.pk, user.pk, day),
                    organization_id=event.organizer_id, event_id=event.pk))
    if not mails:
        return 0
    async with in_transaction():
        return await enqueue_all(mails, domain=mail_identity().domain)
