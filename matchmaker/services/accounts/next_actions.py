"""What each dashboard tells its reader to do next, with counts: agendas once published,
requests waiting for an answer, claims, matches, today's meetings; for the organizer each
event's phase, pending registrations and unanswered requests.

Read only: a participant's counts come in one statement (`_COUNTS_SQL`), the organizer's in a
handful of grouped queries; none per event or per row.
"""

from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime

from tortoise.functions import Count

from matchmaker.models import (
    ClaimState,
    Event,
    EventStatus,
    Meeting,
    MeetingRequest,
    MeetingState,
    NeedStatus,
    Organization,
    Registration,
    RegistrationStatus,
    RequestState,
    ScheduleVersion,
    VersionState,
)
from matchmaker.services.clock import db_time
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


#: One statement for every count a participant's dashboard shows (DESIGN §2: statements, not rows,
#: set a page's latency): its registrations at open events ('r': event, status), its meetings in
#: published schedules of open events ('m': event, start), its pending requests at open events by
#: direction ('q': event, from_enterprise, count) and its claims still live ('c': state, accepted,
#: count). Rows of events it is not approved at are dropped in Python. The first branch types the
#: columns for PostgreSQL. `{side}` is a column name
#: chosen below, never input; `?` are parameters.
_COUNTS_SQL = """
SELECT 'r' AS k, r.event_id AS event_id, r.status AS label, CAST(NULL AS BOOLEAN) AS flag,
       CAST(NULL AS BIGINT) AS n, NULL AS at
  FROM registration r JOIN event e ON e.id = r.event_id
 WHERE r.organization_id = ? AND e.status = ?
UNION ALL
SELECT 'm', m.event_id, NULL, NULL, NULL, m.starts_at
  FROM meeting m JOIN event e ON e.id = m.event_id JOIN schedule_version v ON v.id = m.version_id
 WHERE m.{side} = ? AND e.status = ? AND v.state = ? AND m.state IN (?, ?, ?)
UNION ALL
SELECT 'q', q.event_id, NULL, q.from_enterprise, COUNT(q.id), NULL
  FROM meeting_request q JOIN event e ON e.id = q.event_id
 WHERE q.{side} = ? AND e.status = ? AND q.state = ?
 GROUP BY q.event_id, q.from_enterprise
UNION ALL
SELECT 'c', NULL, c.state, c.accepted, COUNT(c.id), NULL
  FROM need_claim c JOIN financing_need f ON f.id = c.need_id
 WHERE {claim_side} = ? AND (c.state = ? OR c.response_deadline >= ?)
 GROUP BY c.state, c.accepted"""


@dataclass(frozen=True)
class _Counts:
    approved: dict[int, Event]                  # open events the organization is approved at
    registrable: list[Event]                    # open events it may still register for
    starts: list[tuple[int, datetime]]          # (event, start) of its meetings at approved events
    requests: list[tuple[int, bool, int]]       # (event, from_enterprise, pending) at approved events
    claims: list[tuple[str, bool | None, int]]  # (state, accepted, n) of live claims


def _placeholders(sql: str, dialect: str) -> str:
    if dialect != "postgres":
        return sql
    numbers = iter(range(1, sql.count("?") + 1))
    return re.sub(r"\?", lambda _: f"${next(numbers)}", sql)


async def _counts(organization: Organization, now: datetime) -> _Counts:
    """Two statements: the open events, then every count of `_COUNTS_SQL`."""
    open_events = await Event.filter(status=EventStatus.OPEN).order_by("id")
    enterprise = organization.kind == "enterprise"
    side = "enterprise_id" if enterprise else "institution_id"
    claim_side = "f.enterprise_id" if enterprise else "c.institution_id"
    db = Meeting._meta.db
    sql = _placeholders(_COUNTS_SQL.format(side=side, claim_side=claim_side), db.capabilities.dialect)
    deadline = db_time(now)  # SQLite compares datetimes as text: in the ORM's zone (services/clock)
    rows = await db.execute_query_dict(sql, [
        organization.pk, EventStatus.OPEN.value,
        organization.pk, EventStatus.OPEN.value, VersionState.PUBLISHED.value, *(s.value for s in LIVE_STATES),
        organization.pk, EventStatus.OPEN.value, RequestState.PENDING.value,
        organization.pk, ClaimState.ANSWERED.value, deadline])
    statuses = {row["event_id"]: row["label"] for row in rows if row["k"] == "r"}
    approved = {e.pk: e for e in open_events if statuses.get(e.pk) == RegistrationStatus.APPROVED.value}
    registrable = [e for e in open_events if e.pk not in statuses and registration_open(e, now)]
    to_datetime = Meeting._meta.fields_map["starts_at"].to_python_value
    starts = [(row["event_id"], to_datetime(row["at"])) for row in rows
              if row["k"] == "m" and row["event_id"] in approved]
    requests = [(row["event_id"], bool(row["flag"]), int(row["n"])) for row in rows
                if row["k"] == "q" and row["event_id"] in approved]
    claims = [(row["label"], None if row["flag"] is None else bool(row["flag"]), int(row["n"]))
              for row in rows if row["k"] == "c"]
    return _Counts(approved, registrable, starts, requests, claims)


def _agenda_days(counts: _Counts, now: datetime) -> tuple[list[AgendaDay], int]:
    per_day = Counter((event_id, start.astimezone(SHANGHAI).date()) for event_id, start in counts.starts)
    today = now.astimezone(SHANGHAI).date()
    days = [AgendaDay(counts.approved[event_id], day, n) for (event_id, day), n in sorted(per_day.items())]
    return days, sum(n for (_, day), n in per_day.items() if day == today)


def _requests(counts: _Counts, *, from_us: bool) -> tuple[list[EventCount], int]:
    to_answer: defaultdict[int, int] = defaultdict(int)
    waiting = 0
    for event_id, from_enterprise, n in counts.requests:
        if from_enterprise == from_us:
            waiting += n
        else:
            to_answer[event_id] += n
    return [EventCount(counts.approved[e], n) for e, n in sorted(to_answer.items())], waiting


def _claims(counts: _Counts) -> tuple[int, int]:
    """(open claims still within their answer deadline, accepted claims)."""
    open_ = sum(n for state, _, n in counts.claims if state == ClaimState.OPEN.value)
    accepted = sum(n for state, accepted, n in counts.claims if state == ClaimState.ANSWERED.value and accepted)
    return open_, accepted


async def _participant_actions(organization: Organization, now: datetime, **extra: int) -> ParticipantActions:
    counts = await _counts(organization, now)
    days, today = _agenda_days(counts, now)
    to_answer, waiting = _requests(counts, from_us=organization.kind == "enterprise")
    claims_open, claims_accepted = _claims(counts)
    return ParticipantActions(days, to_answer, waiting, counts.registrable,
                              claims_open, claims_accepted, today, **extra)


async def enterprise_actions(organization: Organization, *, as_of: date, cache: CatalogueCache | None = None,
                             now: datetime | None = None) -> ParticipantActions:
    """The enterprise's next steps. Claims still open past their deadline count as open until
    the expiry job runs; the claim page shows the effective state."""
    needs = [row for row in await needs_with_match_counts(organization, as_of=as_of, cache=cache)
             if row.need.status in (NeedStatus.OPEN, NeedStatus.IN_TALKS)]
    return await _participant_actions(organization, _now(now), open_needs=len(needs),
                                      matching_products=sum(row.eligible_products for row in needs))


async def institution_actions(organization: Organization, *, now: datetime | None = None) -> ParticipantActions:
    """The institution's next steps: requests to answer, its claims, today's meetings."""
    return await _participant_actions(organization, _now(now))


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
