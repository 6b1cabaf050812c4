"""Participants' agendas built from schedule rows: the lines a page or a mail shows, the calendar
file, and the agenda mails queued when a schedule version is published.

A meeting reads differently from its two sides (the counterpart of an enterprise is the
institution and the other way round), so every function here takes the organization whose
agenda it builds.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from matchmaker.errors import NotFound
from matchmaker.mail.calendar import CalendarMeeting, agenda_calendar
from matchmaker.mail.compose import LANGUAGES, AgendaLine, AgendaMail, Change, MeetingCancelledMail, render_email
from matchmaker.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingState,
    Membership,
    Organization,
    Registration,
    RegistrationStatus,
    ScheduleVersion,
    User,
    VersionState,
)
from matchmaker.services.eventday.tables import table_seats
from matchmaker.services.mailing.identity import mail_identity
from matchmaker.services.mailing.notifications import notify
from matchmaker.services.mailing.outbox import OutgoingMail, enqueue_all
from matchmaker.services.scheduling.changes import ParticipantChanges

LIVE_STATES = (MeetingState.PLANNED, MeetingState.HELD, MeetingState.NO_SHOW)


@dataclass(frozen=True)
class AgendaEntry:
    """One meeting as `organization_id` sees it: the mail's line plus what the page shows more."""

    meeting: Meeting
    line: AgendaLine
    counterpart_id: int
    need: str  # the financing need the meeting is about ("" if the meeting has no request)
    product: str  # the product proposed, if the request named one

    @property
    def topic(self) -> str:
        return self.line.topic


def topic_of(need: str, product: str) -> str:
    return " / ".join(part for part in (need, product) if part) or "—"


async def agenda_entries(meetings: Iterable[Meeting], organization_id: int) -> list[AgendaEntry]:
    """`meetings` (of one participant, at one event) as agenda entries in their order, each at
    its hall table label."""
    meetings = list(meetings)
    seats = await table_seats(meetings[0].event_id) if meetings else {}
    counterpart_ids = {_counterpart_id(m, organization_id) for m in meetings}
    names = dict(await Organization.filter(id__in=counterpart_ids).values_list("id", "name"))
    request_ids = {m.request_id for m in meetings if m.request_id is not None}
    topics = {request.pk: (request.need.title if request.need else "",
                           request.product.name if request.product else "")
              for request in await MeetingRequest.filter(id__in=request_ids).prefetch_related("need", "product")}
    entries = []
    for meeting in meetings:
        counterpart = _counterpart_id(meeting, organization_id)
        need, product = topics.get(meeting.request_id, ("", ""))
        seat = seats.get((meeting.institution_id, meeting.table))
        line = AgendaLine(start=meeting.starts_at, end=meeting.ends_at, counterpart=names.get(counterpart, ""),
                          topic=topic_of(need, product), table=meeting.table,
                          hall=seat.hall if seat and seat.hall else None, label=seat.label if seat else "")
        entries.append(AgendaEntry(meeting, line, counterpart, need, product))
    return entries


def _counterpart_id(meeting: Meeting, organization_id: int) -> int:
    return meeting.institution_id if meeting.enterprise_id == organization_id else meeting.enterprise_id


async def participant_meetings(version: ScheduleVersion | None, organization_id: int) -> list[Meeting]:
    """The live meetings of one participant in `version`, in time order."""
    if version is None:
        return []
    mine = await Meeting.filter(version=version, state__in=LIVE_STATES, enterprise_id=organization_id) \
        .order_by("starts_at", "table")
    theirs = await Meeting.filter(version=version, state__in=LIVE_STATES, institution_id=organization_id) \
        .order_by("starts_at", "table")
    return sorted([*mine, *theirs], key=lambda m: (m.starts_at, m.table, m.pk))


async def current_version(event: Event) -> ScheduleVersion | None:
    return await ScheduleVersion.get_or_none(event=event, state=VersionState.PUBLISHED)


# -- the calendar ----------------------------------------------------------------------------

def calendar_meetings(event: Event, entries: Sequence[AgendaEntry], *, sequence: int, language: str,
                      cancelled: Sequence[AgendaEntry] = ()) -> list[CalendarMeeting]:
    """Calendar entries for `entries` (and `cancelled`, marked so), every one at `sequence`.

    The SEQUENCE is the published version number: it rises with every version the participant
    is sent, which is all a calendar client needs to prefer the newest copy of a UID.
    """
    def entry(item: AgendaEntry, is_cancelled: bool) -> CalendarMeeting:
        english = language == "en"
        summary = (f"{event.title}: meeting with {item.line.counterpart}" if english
                   else f"{event.title}：与{item.line.counterpart}洽谈")
        # The hall label (A07) is what the floor plan shows; the bare number only without one.
        if item.line.label:
            place = " ".join(part for part in (item.line.hall, item.line.label) if part)
        else:
            place = f"Table {item.line.table}" if english else f"第{item.line.table}桌"
        return CalendarMeeting(event_id=event.pk, enterprise_id=item.meeting.enterprise_id,
                               institution_id=item.meeting.institution_id, start=item.line.start,
                               end=item.line.end, summary=summary,
                               location=" ".join(part for part in (event.venue, place) if part),
                               description=item.line.topic, sequence=sequence, cancelled=is_cancelled)

    return [entry(item, False) for item in entries] + [entry(item, True) for item in cancelled]


def agenda_ics(event: Event, entries: Sequence[AgendaEntry], *, sequence: int, language: str,
               dtstamp: datetime, cancelled: Sequence[AgendaEntry] = ()) -> bytes:
    return agenda_calendar(calendar_meetings(event, entries, sequence=sequence, language=language,
                                             cancelled=cancelled),
                           organizer_email=mail_identity().sender_email, dtstamp=dtstamp)


# -- the mails sent on publication ------------------------------------------------------------

async def members(organization_id: int) -> list[User]:
    """The active users of an organization: each gets the organization's mails."""
    memberships = await Membership.filter(organization_id=organization_id, user__is_active=True) \
        .prefetch_related("user").order_by("user_id")
    return [membership.user for membership in memberships]


def reader_language(user: User) -> str:
    return user.language if user.language in LANGUAGES else "zh"


def agenda_key(event_id: int, organization_id: int, user_id: int, published_number: int) -> str:
    return f"agenda:{event_id}:{organization_id}:{user_id}:v{published_number}"


def changes_since_previous(number: int, *, added: Sequence[AgendaEntry],
                           moved: Sequence[tuple[AgendaEntry, AgendaEntry]],
                           cancelled: Sequence[AgendaEntry]) -> list[Change]:
    """The "changes since the previous version" block of published version `number`, in time
    order. The first published version has no previous one, so it has no such block: every
    meeting in it is simply the agenda."""
    if number <= 1:
        return []
    changes = ([Change("added", entry.line) for entry in added]
               + [Change("moved", now.line, previous=was.line) for was, now in moved]
               + [Change("cancelled", entry.line) for entry in cancelled])
    return sorted(changes, key=lambda change: (change.meeting.start, change.meeting.counterpart))


async def agenda_mails(version: ScheduleVersion, changes: Sequence[ParticipantChanges]) -> list[OutgoingMail]:
    """One agenda mail per member of every participant in `changes`, for published `version`.

    Each lists the participant's meetings in `version` with the changes since the previous
    version marked, and carries a calendar in which cancelled meetings keep their UID and are
    marked STATUS:CANCELLED, so that a calendar that imported an earlier agenda drops them.
    """
    event = await Event.get(id=version.event_id)
    number = version.published_number or 0
    dtstamp = version.published_at or datetime.now(UTC)
    link = mail_identity().link(f"/events/{event.pk}/agenda")
    mails = []
    for change in changes:
        organization_id = change.organization_id
        current = await agenda_entries(await participant_meetings(version, organization_id), organization_id)
        added = await agenda_entries(change.added, organization_id)
        cancelled = await agenda_entries(change.cancelled, organization_id)
        before = await agenda_entries([pair[0] for pair in change.moved], organization_id)
        after = await agenda_entries([pair[1] for pair in change.moved], organization_id)
        highlighted = changes_since_previous(number, added=added, moved=list(zip(before, after, strict=True)),
                                             cancelled=cancelled)
        for user in await members(organization_id):
            language = reader_language(user)
            context = AgendaMail(participant_name=user.name, event_title=event.title, venue=event.venue,
                                 version=number, meetings=[entry.line for entry in current],
                                 agenda_url=link, changes=highlighted)
            mails.append(OutgoingMail(
                rendered=render_email(AgendaMail.TEMPLATE, context, language=language),
                recipient_email=user.email, recipient_name=user.name, kind="agenda", language=language,
                idempotency_key=agenda_key(event.pk, organization_id, user.pk, number),
                ics=agenda_ics(event, current, sequence=number, language=language, dtstamp=dtstamp,
                               cancelled=cancelled),
                organization_id=event.organizer_id, event_id=event.pk))
            mails.extend(cancellation_mail(event, entry, user, sequence=number, dtstamp=dtstamp, link=link)
                         for entry in cancelled)
    return mails


def cancellation_mail(event: Event, entry: AgendaEntry, user: User, *, sequence: int, dtstamp: datetime,
                      link: str) -> OutgoingMail:
    """A cancelled meeting also goes out on its own with METHOD:CANCEL (same UID, this version's
    SEQUENCE): the agenda's STATUS:CANCELLED informs, but CANCEL is what calendar clients act on
    to remove an event they imported (DESIGN §6)."""
    language = reader_language(user)
    [meeting] = calendar_meetings(event, (), sequence=sequence, language=language, cancelled=[entry])
    context = MeetingCancelledMail(participant_name=user.name, event_title=event.title, venue=event.venue,
                                   meeting=entry.line, agenda_url=link)
    return OutgoingMail(
        rendered=render_email(MeetingCancelledMail.TEMPLATE, context, language=language),
        recipient_email=user.email, recipient_name=user.name, kind="meeting_cancelled", language=language,
        idempotency_key=f"cancel:{meeting.key}:{user.pk}:v{sequence}",
        ics=agenda_calendar([meeting], method="CANCEL", organizer_email=mail_identity().sender_email,
                            dtstamp=dtstamp),
        organization_id=event.organizer_id, event_id=event.pk)


async def notify_published(version: ScheduleVersion, changes: Sequence[ParticipantChanges]) -> None:
    """Put a notice in the inbox of every participant whose agenda changed, and for v1 of every
    approved participant (call inside the publishing transaction): how many meetings it now
    has, and a link to the agenda."""
    event = await Event.get(id=version.event_id)
    counts: dict[int, int] = {}
    for meeting in await Meeting.filter(version=version, state__in=LIVE_STATES).only("enterprise_id",
                                                                                      "institution_id"):
        for organization_id in (meeting.enterprise_id, meeting.institution_id):
            counts[organization_id] = counts.get(organization_id, 0) + 1
    recipients = {change.organization_id for change in changes}
    if version.published_number == 1:  # the first schedule concerns everyone approved, met or not
        recipients |= set(await Registration.filter(event_id=event.pk, status=RegistrationStatus.APPROVED)
                          .values_list("organization_id", flat=True))
    for organization_id in sorted(recipients):
        held = counts.get(organization_id, 0)
        await notify(organization_id, kind="schedule.published", event=event, link=f"/events/{event.pk}/agenda",
                     code="schedule.published" if held else "schedule.published.none",
                     args={"event": event.title, "number": version.published_number, "held": held})


async def queue_agenda_mails(version: ScheduleVersion, changes: Sequence[ParticipantChanges]) -> int:
    """Queue the agenda mails of a publication; call inside the publishing transaction."""
    mails = await agenda_mails(version, changes)
    return await enqueue_all(mails, domain=mail_identity().domain) if mails else 0


# -- the pages ---------------------------------------------------------------------------------

@dataclass(frozen=True)
class ParticipantAgenda:
    """What a participant's agenda page shows: its meetings in the latest published version."""

    event: Event
    organization: Organization
    version: ScheduleVersion | None  # None until the organizer publishes a schedule
    entries: list[AgendaEntry]


async def participant_agenda(event: Event, organization: Organization) -> ParticipantAgenda:
    """`organization`'s agenda at `event`. NotFound unless it is an approved participant: an
    agenda of an event one does not take part in does not exist for that organization."""
    if not await Registration.exists(event=event, organization=organization, status=RegistrationStatus.APPROVED):
        raise NotFound()
    version = await current_version(event)
    entries = await agenda_entries(await participant_meetings(version, organization.pk), organization.pk)
    return ParticipantAgenda(event, organization, version, entries)


async def all_agendas(event: Event) -> list[ParticipantAgenda]:
    """Every participant with a meeting in the published version, enterprises first, by name:
    the organizer prints them in one go (one page each)."""
    version = await current_version(event)
    if version is None:
        return []
    meetings = await Meeting.filter(version=version, state__in=LIVE_STATES).order_by("starts_at", "table")
    ids = {m.enterprise_id for m in meetings} | {m.institution_id for m in meetings}
    organizations = await Organization.filter(id__in=ids)
    organizations.sort(key=lambda o: (o.kind != "enterprise", o.name, o.pk))
    agendas = []
    for organization in organizations:
        own = [m for m in meetings if organization.pk in (m.enterprise_id, m.institution_id)]
        agendas.append(ParticipantAgenda(event, organization, version, await agenda_entries(own, organization.pk)))
    return agendas


@dataclass(frozen=True)
class TablePlan:
    """One institution's tables through the day: who sits at which table in which slot."""

    institution: Organization
    tables: list[int]
    rows: list[tuple[datetime, datetime, dict[int, str]]]  # slot start, end, table -> enterprise
    labels: dict[int, str]  # table -> hall label (A07)


async def table_plans(event: Event) -> list[TablePlan]:
    version = await current_version(event)
    if version is None:
        return []
    meetings = await Meeting.filter(version=version, state__in=LIVE_STATES).order_by("starts_at", "table")
    names = dict(await Organization.filter(
        id__in={m.enterprise_id for m in meetings} | {m.institution_id for m in meetings}).values_list("id", "name"))
    # Every staffed table gets a column, used or not: the plan is laid out on the tables.
    staffed = dict(await Registration.filter(event=event, status=RegistrationStatus.APPROVED)
                   .values_list("organization_id", "tables"))
    seats = await table_seats(event)
    plans = []
    for institution_id in sorted({m.institution_id for m in meetings}, key=lambda pk: (names[pk], pk)):
        own = [m for m in meetings if m.institution_id == institution_id]
        slots: dict[tuple[datetime, datetime], dict[int, str]] = {}
        for meeting in own:
            slots.setdefault((meeting.starts_at, meeting.ends_at), {})[meeting.table] = names[meeting.enterprise_id]
        tables = sorted({m.table for m in own} | set(range(1, staffed.get(institution_id, 0) + 1)))
        labels = {t: seats[institution_id, t].label if (institution_id, t) in seats else "" for t in tables}
        plans.append(TablePlan(await Organization.get(id=institution_id), tables,
                               [(start, end, cells) for (start, end), cells in sorted(slots.items())], labels))
    return plans
