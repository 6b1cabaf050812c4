"""The chase list (催到): participants not checked in 10 minutes before their first meeting of
the day, with a contact phone where consent allows, and a reminder mail sent once per person.

The phone is the enterprise profile's contact phone, shown only if `consent.visibility_for`
lets the viewer see the contact (the organizer always may). Check-ins are read from the
`CheckIn` rows the desk writes, one per person and day.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

from tortoise.transactions import in_transaction

from matchmaker.errors import NotFound
from matchmaker.mail.compose import AgendaLine, render_email
from matchmaker.models import CheckIn, EnterpriseProfile, Event, Meeting, Organization, OrganizationKind, OutboxMail, User
from matchmaker.services.accounts.consent import visibility_for
from matchmaker.services.audit import audit
from matchmaker.services.clock import utc_now
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.services.mailing.outbox import OutgoingMail, enqueue_all
from matchmaker.services.scheduling.agendas import LIVE_STATES, agenda_entries, current_version, members, reader_language
from matchmaker.services.tenancy import row_id

CHASE_BEFORE = timedelta(minutes=10)


@dataclass(frozen=True)
class ChaseMail:
    """`checkin_chase.html`: you are expected at your first meeting and have not checked in."""

    TEMPLATE = "checkin_chase.html"
    participant_name: str
    event_title: str
    venue: str
    meeting: AgendaLine
    agenda_url: str


@dataclass(frozen=True)
class ChaseEntry:
    organization: Organization
    side: str  # enterprise | institution
    first: Meeting
    counterpart: str
    phone: str | None  # None: withheld (no consent) or unknown
    reminded: bool


def today(now: datetime) -> date:
    return now.astimezone(SHANGHAI).date()


async def checked_in_ids(event: Event, day: date) -> set[int]:
    return set(await CheckIn.filter(event=event, day=day).values_list("organization_id", flat=True))


async def day_meetings(event: Event, day: date) -> list[Meeting]:
    """The live meetings of `day` in the published schedule, in time order."""
    version = await current_version(event)
    if version is None:
        return []
    start = datetime(day.year, day.month, day.day, tzinfo=SHANGHAI)
    return await Meeting.filter(version=version, state__in=LIVE_STATES, starts_at__gte=start,
                                starts_at__lt=start + timedelta(days=1)).order_by("starts_at", "institution_id", "table")


def chase_key(event_id: int, organization_id: int, user_id: int, day: date) -> str:
    return f"chase:{event_id}:{organization_id}:{user_id}:{day.isoformat()}"


async def chase_list(event: Event, *, viewer: Organization, now: datetime | None = None) -> list[ChaseEntry]:
    now = now or utc_now()
    day = today(now)
    present = await checked_in_ids(event, day)
    first: dict[int, Meeting] = {}
    for meeting in await day_meetings(event, day):
        for organization_id in (meeting.enterprise_id, meeting.institution_id):
            first.setdefault(organization_id, meeting)
    due = {pk: m for pk, m in first.items() if pk not in present and now >= m.starts_at - CHASE_BEFORE}
    if not due:
        return []
    ids = set(due) | {m.enterprise_id for m in due.values()} | {m.institution_id for m in due.values()}
    organizations = {o.pk: o for o in await Organization.filter(id__in=ids)}
    enterprise_ids = [pk for pk in due if organizations[pk].kind == OrganizationKind.ENTERPRISE]
    visible = await visibility_for(viewer, enterprise_ids)
    phones = dict(await EnterpriseProfile.filter(organization_id__in=enterprise_ids)
                  .values_list("organization_id", "contact_phone"))
    reminded = {int(key.split(":")[2]) for key in await OutboxMail.filter(
        event_id=event.pk, kind="checkin_chase", idempotency_key__endswith=f":{day.isoformat()}"
    ).values_list("idempotency_key", flat=True)}
    entries = []
    for pk, meeting in sorted(due.items(), key=lambda item: (item[1].starts_at, organizations[item[0]].name)):
        organization = organizations[pk]
        is_enterprise = organization.kind == OrganizationKind.ENTERPRISE
        counterpart = organizations[meeting.institution_id if is_enterprise else meeting.enterprise_id].name
        phone = phones.get(pk) or None if is_enterprise and visible[pk].contact else None
        entries.append(ChaseEntry(organization, "enterprise" if is_enterprise else "institution", meeting,
                                  counterpart, phone, pk in reminded))
    return entries


async def send_reminder(event: Event, organization_id: object, *, viewer: Organization, by: User | None,
                        now: datetime | None = None) -> int:
    """Queue the "please come to the desk" mail to every member of a participant on the chase
    list; once per person and day (the outbox key). Returns how many mails were new."""
    now = now or utc_now()
    pk = row_id(organization_id)
    entry = next((e for e in await chase_list(event, viewer=viewer, now=now) if e.organization.pk == pk), None)
    if entry is None:
        raise NotFound()
    [line] = [e.line for e in await agenda_entries([entry.first], pk)]
    link = mail_identity().link(f"/events/{event.pk}/agenda")
    mails = []
    for user in await members(pk):
        language = reader_language(user)
        context = ChaseMail(participant_name=user.name, event_title=event.title, venue=event.venue, meeting=line,
                            agenda_url=link)
        mails.append(OutgoingMail(rendered=render_email(ChaseMail.TEMPLATE, context, language=language),
                                  recipient_email=user.email, recipient_name=user.name, kind="checkin_chase",
                                  language=language, idempotency_key=chase_key(event.pk, pk, user.pk, today(now)),
                                  organization_id=event.organizer_id, event_id=event.pk))
    async with in_transaction():
        new = await enqueue_all(mails, domain=mail_identity().domain) if mails else 0
        await audit(by, "eventday.chase.remind", entry.organization, after={"event": event.pk, "queued": new})
    return new
