"""What each dashboard tells its reader to do next, with counts: agendas once published,
requests waiting for an answer, claims, matches, today's meetings; for the organizer each
event's phase, pending registrations and unanswered requests.

Read only, a handful of grouped queries per dashboard (no query per event or per row).
"""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.expressions import Q
from tortoise.functions import Count

from matchmaker.models import (
    ClaimState,
    Event,
    EventStatus,
    Meeting,
    MeetingRequest,
    MeetingState,
    NeedClaim,
    NeedStatus,
    Organization,
    Registration,
    RegistrationStatus,
    RequestState,
    ScheduleVersion,
    VersionState,
)
from matchmaker.services.events.setup import event_phases, registration_open
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.matching import CatalogueCache
from matchmaker.services.matching.recommendations import needs_with_match_counts

LIVE_STATES = (MeetingState.PLANNED, MeetingState.HELD, MeetingState.NO_SHOW)


@dataclass(frozen=True)
class AgendaDay:
    """`meetings` meetings on `day` (Asia/Shanghai) in the event's published schedule."""

    event: Event
    day: date
    meetings: int


@dataclass(frozen=True)
class EventCount:
    event: Event
    count: int


@dataclass(frozen=True)
class ParticipantActions:
    agenda_days: list[AgendaDay]         # published agendas, by event then day
    to_answer: list[EventCount]          # requests others sent that wait for this side's answer
    awaiting_others: int                 # requests this side sent that wait for the other side
    open_events: list[Event]             # open for registration and not registered yet
    claims_open: int                     # enterprise: claims to answer; institution: claims waiting
    claims_accepted: int
    today_meetings: int                  # meetings today in published schedules
    open_needs: int = 0                  # enterprise only
    matching_products: int = 0           # enterprise only: fitting products over its open needs

    @property
    def requests_to_answer(self) -> int:
        return sum(row.count for row in self.to_answer)


@dataclass(frozen=True)
class EventState:
    event: Event
    phase: str
    pending_registrations: int
    approved_registrations: int
    unanswered_requests: int
    published_number: int | None


def _now(now: datetime | None) -> datetime:
    return now or datetime.now(UTC)


async def _events_of(organization: Organization, now: datetime) -> tuple[dict[int, Event], list[Event]]:
    """The open events `organization` is approved at, by id; and those it may still register for."""
    open_events = await Event.filter(status=EventStatus.OPEN).order_by("id")
    statuses = dict(await Registration.filter(organization_id=organization.pk,
                                              event_id__in=[e.pk for e in open_events])
                    .values_list("event_id", "status"))
    approved = {e.pk: e for e in open_events if statuses.get(e.pk) == RegistrationStatus.APPROVED}
    return approved, [e for e in open_events if e.pk not in statuses and registration_open(e, now)]


async def _agenda_days(organization: Organization, events: dict[int, Event],
                       now: datetime) -> tuple[list[AgendaDay], int]:
    side = "enterprise_id" if organization.kind == "enterprise" else "institution_id"
    starts = await Meeting.filter(**{side: organization.pk}, event_id__in=list(events),
                                  version__state=VersionState.PUBLISHED, state__in=LIVE_STATES
                                  ).values_list("event_id", "starts_at")
    per_day = Counter((event_id, start.astimezone(SHANGHAI).date()) for event_id, start in starts)
    today = now.astimezone(SHANGHAI).date()
    days = [AgendaDay(events[event_id], day, n) for (event_id, day), n in sorted(per_day.items())]
    return days, sum(n for (_, day), n in per_day.items() if day == today)


async def _requests(organization: Organization, events: dict[int, Event]) -> tuple[list[EventCount], int]:
    side = "enterprise_id" if organization.kind == "enterprise" else "institution_id"
    from_us = organization.kind == "enterprise"
    rows = await (MeetingRequest.filter(**{side: organization.pk}, event_id__in=list(events),
                                        state=RequestState.PENDING)
                  .annotate(n=Count("id")).group_by("event_id", "from_enterprise")
                  .values_list("event_id", "from_enterprise", "n"))
    to_answer = defaultdict(int)
    waiting = 0
    for event_id, from_enterprise, n in rows:
        if bool(from_enterprise) == from_us:
            waiting += n
        else:
            to_answer[event_id] += n
    return [EventCount(events[e], n) for e, n in sorted(to_answer.items())], waiting


async def _claims(query, now: datetime) -> tuple[int, int]:
    """(open claims still within their answer deadline, accepted claims)."""
    query = query.filter(Q(state=ClaimState.ANSWERED) | Q(response_deadline__gte=now))
    rows = await query.annotate(n=Count("id")).group_by("state", "accepted").values_list("state", "accepted", "n")
    open_ = sum(n for state, _, n in rows if state == ClaimState.OPEN)
    accepted = sum(n for state, accepted, n in rows if state == ClaimState.ANSWERED and accepted)
    return open_, accepted


async def enterprise_actions(organization: Organization, *, as_of: date, cache: CatalogueCache | None = None,
                             now: datetime | None = None) -> ParticipantActions:
    """The enterprise's next steps. Claims still open past their deadline count as open until
    the expiry job runs; the claim page shows the effective state."""
    moment = _now(now)
    events, registrable = await _events_of(organization, moment)
    days, today = await _agenda_days(organization, events, moment)
    to_answer, waiting = await _requests(organization, events)
    claims_open, claims_accepted = await _claims(NeedClaim.filter(need__enterprise_id=organization.pk), moment)
    needs = [row for row in await needs_with_match_counts(organization, as_of=as_of, cache=cache)
             if row.need.status in (NeedStatus.OPEN, NeedStatus.IN_TALKS)]
    return ParticipantActions(days, to_answer, waiting, registrable,
                              claims_open, claims_accepted, today, open_needs=len(needs),
                              matching_products=sum(row.eligible_products for row in needs))


async def institution_actions(organization: Organization, *, now: datetime | None = None) -> ParticipantActions:
    """The institution's next steps: requests to answer, its claims, today's meetings."""
    moment = _now(now)
    events, registrable = await _events_of(organization, moment)
    days, today = await _agenda_days(organization, events, moment)
    to_answer, waiting = await _requests(organization, events)
    claims_open, claims_accepted = await _claims(NeedClaim.filter(institution_id=organization.pk), moment)
    return ParticipantActions(days, to_answer, waiting, registrable,
                              claims_open, claims_accepted, today)


async def organizer_event_states(organizer: Organization, *, now: datetime | None = None) -> list[EventState]:
    """Every event of the organizer that is not closed, newest first, with what waits on it."""
    events = await Event.filter(organizer_id=organizer.pk).exclude(status=EventStatus.CLOSED).order_by("-id")
    ids = [event.pk for event in events]
    phases = await event_phases(events, now)
    registrations = await (Registration.filter(event_id__in=ids).annotate(n=Count("id"))
                           .group_by("event_id", "status").values_list("event_id", "status", "n"))
    pending = {(e, str(s)): n for e, s, n in registrations}
    unanswered = dict(await (MeetingRequest.filter(event_id__in=ids, state=RequestState.PENDING)
                             .annotate(n=Count("id")).group_by("event_id").values_list("event_id", "n")))
    published = dict(await ScheduleVersion.filter(event_id__in=ids, state=VersionState.PUBLISHED)
                     .values_list("event_id", "published_number"))
    return [EventState(event, phases[event.pk], pending.get((event.pk, RegistrationStatus.PENDING.value), 0),
                       pending.get((event.pk, RegistrationStatus.APPROVED.value), 0),
                       unanswered.get(event.pk, 0), published.get(event.pk)) for event in events]
