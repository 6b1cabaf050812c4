"""The check-in desk (签到台): who is expected today, finding them, and recording their arrival.

One check-in per person, organization and day (the model's unique key), so a second scan of
the same pass answers with the first check-in and writes nothing. Each desk sends a
`client_key` with every check-in it makes, online or queued offline: a check-in sent twice (a
lost answer, a queue replayed after the network came back) is recognised by its key and lands
once. A pass is the agenda's signed QR (services/eventday/checkin.py): a forged or altered
one, one of another event, or one of a participant that is no longer approved is refused with
the reason, and nothing is written.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from matchmaker.errors import DomainError, InvalidInput, NotFound
from matchmaker.models import (
    CheckIn,
    CheckInMethod,
    EnterpriseProfile,
    Event,
    Meeting,
    MeetingState,
    Membership,
    Organization,
    OrganizationKind,
    Registration,
    RegistrationStatus,
    ScheduleVersion,
    User,
    VersionState,
)
from matchmaker.services.audit import audit
from matchmaker.services.clock import utc_now
from matchmaker.services.eventday.checkin import checkin_token, read_checkin_token, read_pass_payload
from matchmaker.services.eventday.tables import table_seats
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.uscc import normalize_uscc

LIVE_STATES = (MeetingState.PLANNED, MeetingState.HELD, MeetingState.NO_SHOW)
#: A queued check-in keeps the time it was scanned, unless that time is implausible.
CLIENT_CLOCK_SLACK = timedelta(minutes=5)
SEARCH_LIMIT = 20


class CheckInRefused(DomainError):
    """A pass or participant that cannot be checked in; `reason` names the case for the desk."""

    status_code = 422

    def __init__(self, reason: str, message: str) -> None:
        super().__init__(message)
        self.reason = reason


@dataclass(frozen=True)
class Person:
    name: str
    title: str = ""
    phone: str = ""


@dataclass(frozen=True)
class TodayMeeting:
    start: datetime
    end: datetime
    label: str  # the hall table label, "" if the institution has none
    counterpart: str


@dataclass(frozen=True)
class Arrival:
    person: str
    at: datetime
    desk: str
    method: str


@dataclass
class Attendee:
    """An approved participant as the desk sees it."""

    organization_id: int
    name: str
    kind: OrganizationKind
    uscc: str
    people: list[Person]
    meetings: list[TodayMeeting] = field(default_factory=list)
    arrivals: list[Arrival] = field(default_factory=list)
    walk_in: bool = False
    token: str = ""  # the signed pass of its agenda, so a desk offline can still tell genuine passes

    @property
    def default_person(self) -> str:
        return self.people[0].name if self.people else ""

    @property
    def note(self) -> str:
        return "现场报名" if self.walk_in else ""


@dataclass(frozen=True)
class CheckInResult:
    attendee: Attendee
    checkin: CheckIn
    created: bool  # False: this person was already checked in today (or this key already landed)

    @property
    def message(self) -> str:
        """What the desk shows: 签到成功 or 已签到 09:12（张三，签到台 2）."""
        when = self.checkin.checked_in_at.astimezone(SHANGHAI).strftime("%H:%M")
        who = "，".join(part for part in (self.checkin.person, self.checkin.desk) if part)
        if self.created:
            return f"签到成功 {when}" + (f"（{who}）" if who else "")
        return f"已签到 {when}" + (f"（{who}）" if who else "")


def desk_day(moment: datetime | None = None) -> date:
    """The day a check-in counts for: today in Asia/Shanghai."""
    return (moment or utc_now()).astimezone(SHANGHAI).date()


def event_days(event: Event) -> list[str]:
    return sorted({session["day"] for session in event.sessions})


# -- who is expected --------------------------------------------------------------------------

async def _people(registrations: list[Registration]) -> dict[int, list[Person]]:
    """The people a desk may check in for each participant: an enterprise's contact person, an
    institution's representatives, then the organization's own users (the desk is the
    organizer's, who sees contact details)."""
    ids = [r.organization_id for r in registrations]
    people: dict[int, list[Person]] = defaultdict(list)
    profiles = {p.organization_id: p for p in await EnterpriseProfile.filter(organization_id__in=ids)}
    for registration in registrations:
        profile = profiles.get(registration.organization_id)
        if profile and profile.contact_name:
            people[registration.organization_id].append(Person(profile.contact_name, "", profile.contact_phone))
        for person in registration.representatives:
            people[registration.organization_id].append(Person(person.get("name", ""), person.get("title", "")))
    for membership in await Membership.filter(organization_id__in=ids, user__is_active=True) \
            .prefetch_related("user").order_by("id"):
        people[membership.organization_id].append(Person(membership.user.name))
    return {key: _unique(value) for key, value in people.items()}


def _unique(people: list[Person]) -> list[Person]:
    seen: dict[str, Person] = {}
    for person in people:
        if person.name and person.name not in seen:
            seen[person.name] = person
    return list(seen.values())


async def _meetings_on(event: Event, day: date, ids: set[int] | None) -> dict[int, list[TodayMeeting]]:
    version = await ScheduleVersion.get_or_none(event=event, state=VersionState.PUBLISHED)
    if version is None:
        return {}
    query = Meeting.filter(version=version, state__in=LIVE_STATES)
    meetings = [m for m in await query.order_by("starts_at", "table")
                if m.starts_at.astimezone(SHANGHAI).date() == day
                and (ids is None or m.enterprise_id in ids or m.institution_id in ids)]
    seats = await table_seats(event)
    names = dict(await Organization.filter(
        id__in={m.enterprise_id for m in meetings} | {m.institution_id for m in meetings}).values_list("id", "name"))
    result: dict[int, list[TodayMeeting]] = defaultdict(list)
    for m in meetings:
        seat = seats.get((m.institution_id, m.table))
        label = " ".join(part for part in (seat.hall, seat.label) if part) if seat else ""
        result[m.enterprise_id].append(TodayMeeting(m.starts_at, m.ends_at, label, names.get(m.institution_id, "")))
        result[m.institution_id].append(TodayMeeting(m.starts_at, m.ends_at, label, names.get(m.enterprise_id, "")))
    return result


async def _attendees(event: Event, day: date, *, secret_key: str, organization_ids: set[int] | None = None,
                     ) -> list[Attendee]:
    query = Registration.filter(event=event, status=RegistrationStatus.APPROVED)
    if organization_ids is not None:
        query = query.filter(organization_id__in=list(organization_ids))
    registrations = await query.prefetch_related("organization")
    people = await _people(registrations)
    meetings = await _meetings_on(event, day, organization_ids)
    arrivals: dict[int, list[Arrival]] = defaultdict(list)
    checkins = CheckIn.filter(event=event, day=day)
    if organization_ids is not None:
        checkins = checkins.filter(organization_id__in=list(organization_ids))
    for row in await checkins.order_by("checked_in_at"):
        arrivals[row.organization_id].append(Arrival(row.person, row.checked_in_at, row.desk, row.method.value))
    attendees = [Attendee(r.organization_id, r.organization.name, r.organization.kind, r.organization.uscc or "",
                          people.get(r.organization_id, []), meetings.get(r.organization_id, []),
                          arrivals.get(r.organization_id, []), r.walk_in,
                          checkin_token(secret_key, event_id=event.pk, organization_id=r.organization_id))
                 for r in registrations]
    attendees.sort(key=lambda a: (a.kind != OrganizationKind.ENTERPRISE, a.name, a.organization_id))
    return attendees


async def roster(event: Event, *, secret_key: str, day: date | None = None) -> list[Attendee]:
    """Every approved participant with its people, today's meetings and today's arrivals: what
    the desk keeps to work offline."""
    return await _attendees(event, day or desk_day(), secret_key=secret_key)


async def attendee(event: Event, organization_id: int, *, secret_key: str, day: date | None = None) -> Attendee:
    found = await _attendees(event, day or desk_day(), secret_key=secret_key, organization_ids={organization_id})
    if not found:
        raise NotFound()
    return found[0]


def matches(attendee: Attendee, query: str) -> bool:
    """Whether a desk search hits this participant: organization name, USCC, a person's name or
    phone (digits compared without spaces or dashes)."""
    text = query.strip().lower()
    if not text:
        return False
    digits = "".join(ch for ch in text if ch.isdigit())
    code = normalize_uscc(text)
    if text in attendee.name.lower() or (len(code) >= 6 and attendee.uscc and code in attendee.uscc):
        return True
    for person in attendee.people:
        if text in person.name.lower():
            return True
        phone = "".join(ch for ch in person.phone if ch.isdigit())
        dialled = "".join(ch for ch in text if not ch.isspace() and ch != "-")
        if len(digits) >= 4 and digits == dialled and digits in phone:
            return True
    return False


async def search(event: Event, query: str, *, secret_key: str, day: date | None = None) -> list[Attendee]:
    return [a for a in await roster(event, secret_key=secret_key, day=day) if matches(a, query)][:SEARCH_LIMIT]


# -- passes -----------------------------------------------------------------------------------

async def pass_holder(event: Event, token: str, *, secret_key: str) -> int:
    """The organization id a scanned pass names, if it may check in at `event`; otherwise
    CheckInRefused with the reason in Chinese."""
    token = token.strip()
    genuine = read_checkin_token(secret_key, token)
    if genuine is None:
        raise CheckInRefused("forged", "二维码无效：不是本平台签发的签到码，或内容已被改动，请改用搜索签到")
    event_id, organization_id = genuine
    if event_id != event.pk:
        other = await Event.get_or_none(id=event_id)
        title = f"“{other.title}”" if other else "另一场活动"
        raise CheckInRefused("other_event", f"这是{title}的签到码，不能在本活动签到")
    registration = await Registration.get_or_none(event=event, organization_id=organization_id)
    if registration is None:
        raise CheckInRefused("not_registered", "该单位未报名本活动，可办理现场报名")
    if registration.status != RegistrationStatus.APPROVED:
        raise CheckInRefused("withdrawn", "该单位的报名已撤回或未通过审核，不能签到，请联系组织方")
    return organization_id


def claimed_event(token: str) -> int | None:
    payload = read_pass_payload(token)
    return payload[0] if payload else None


# -- checking in ------------------------------------------------------------------------------

@dataclass(frozen=True)
class CheckInDraft:
    """One check-in as a desk sends it (online at once, or later from its offline queue)."""

    token: str = ""             # a scanned pass, or
    organization_id: int | None = None  # a participant found by search
    person: str = ""            # "" with a pass: the participant's first contact person
    phone: str = ""
    desk: str = ""
    client_key: str = ""
    scanned_at: datetime | None = None  # when the desk scanned it (queued offline), else now
    method: CheckInMethod | None = None
    note: str = ""


def _checked_time(scanned_at: datetime | None, now: datetime) -> datetime:
    if scanned_at is None or scanned_at.tzinfo is None:
        return now
    if scanned_at > now + CLIENT_CLOCK_SLACK or scanned_at < now - timedelta(days=1):
        return now
    return min(scanned_at, now)


def _checked_draft(draft: CheckInDraft) -> None:
    problems = {}
    if len(draft.client_key) > 64 or (draft.client_key and not draft.client_key.replace("-", "").isalnum()):
        problems["client_key"] = "签到编号格式不对"
    if len(draft.person.strip()) > 60:
        problems["person"] = "姓名最多 60 个字"
    if len(draft.phone.strip()) > 30:
        problems["phone"] = "电话最多 30 个字符"
    if len(draft.desk.strip()) > 30:
        problems["desk"] = "签到台名称最多 30 个字"
    if problems:
        raise InvalidInput(problems)


async def check_in(event: Event, draft: CheckInDraft, *, by: User | None, secret_key: str,
                   now: datetime | None = None) -> CheckInResult:
    """Record that a person of a participant arrived, once. See the module docstring."""
    _checked_draft(draft)
    now = now or utc_now()
    if draft.client_key:
        landed = await CheckIn.get_or_none(client_key=draft.client_key)
        if landed is not None:
            if landed.event_id != event.pk:
                raise InvalidInput({"client_key": "签到编号已被另一场活动使用"})
            return CheckInResult(await attendee(event, landed.organization_id, secret_key=secret_key,
                                                day=landed.day), landed, False)
    if draft.token:
        organization_id = await pass_holder(event, draft.token, secret_key=secret_key)
        method = draft.method or CheckInMethod.QR
    elif draft.organization_id is not None:
        organization_id = draft.organization_id
        if not await Registration.exists(event=event, organization_id=organization_id,
                                         status=RegistrationStatus.APPROVED):
            raise CheckInRefused("withdrawn", "该单位没有本活动已通过的报名，不能签到")
        method = draft.method or CheckInMethod.SEARCH
    else:
        raise InvalidInput({"query": "请扫描签到码或先搜索参会单位"})
    at = _checked_time(draft.scanned_at, now)
    day = desk_day(at)
    found = await attendee(event, organization_id, secret_key=secret_key, day=day)
    person = draft.person.strip() or found.default_person
    phone = draft.phone.strip() or next((p.phone for p in found.people if p.name == person), "")
    existing = await CheckIn.get_or_none(event=event, organization_id=organization_id, person=person, day=day)
    if existing is not None:
        return CheckInResult(found, existing, False)
    try:
        async with in_transaction():
            row = await CheckIn.create(event=event, organization_id=organization_id, day=day, person=person,
                                       phone=phone, method=method, desk=draft.desk.strip(), note=draft.note,
                                       client_key=draft.client_key or None, checked_in_at=at, recorded_by=by)
            await audit(by, "checkin.create", row, after={"event": event.pk, "organization": organization_id,
                                                          "person": person, "desk": row.desk,
                                                          "method": method.value})
    except IntegrityError:
        # Another desk checked the same person in (or sent the same key) a moment ago.
        row = (await CheckIn.get_or_none(client_key=draft.client_key) if draft.client_key else None) or \
            await CheckIn.get(event=event, organization_id=organization_id, person=person, day=day)
        return CheckInResult(await attendee(event, organization_id, secret_key=secret_key, day=day), row, False)
    found.arrivals.append(Arrival(row.person, row.checked_in_at, row.desk, row.method.value))
    return CheckInResult(found, row, True)
