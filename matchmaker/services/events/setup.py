"""Event set-up by organizers: create, edit, open, close, and the event's slots and agenda."""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import UTC, date, datetime, time
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import Eligibility, Event, EventKind, EventStatus, Organization, User
from matchmaker.services.audit import audit
from matchmaker.services.events.slots import (
    SHANGHAI,
    Break,
    Session,
    Slot,
    breaks_from_json,
    compute_slots,
    layout_problems,
    parse_hhmm,
    sessions_from_json,
)
from matchmaker.services.tenancy import get_scoped, scoped
from matchmaker.uscc import normalize_uscc

DEADLINES = ("registration_deadline", "request_deadline", "answer_deadline")


@dataclass(frozen=True)
class EventDraft:
    """An event as the organizer's form describes it, already checked field by field."""

    title: str
    kind: EventKind
    venue: str
    description: str
    sessions: tuple[Session, ...]
    breaks: tuple[Break, ...]
    slot_minutes: int
    pitch_minutes: int
    halls: tuple[tuple[str, int], ...]
    tables_per_institution: int
    max_meetings_per_enterprise: int | None
    max_meetings_per_institution: int | None
    max_outgoing_requests: int | None
    registration_deadline: datetime | None
    request_deadline: datetime | None
    answer_deadline: datetime | None
    eligibility: Eligibility
    eligible_chains: tuple[str, ...] = ()
    invitation_list: tuple[str, ...] = ()
    coverage_bonus: int = 0
    first_loan_bonus_percent: int = 0

    def as_row(self) -> dict[str, Any]:
        row = asdict(self)
        row["sessions"] = [s.as_json() for s in self.sessions]
        row["breaks"] = [b.as_json() for b in self.breaks]
        row["halls"] = [{"name": name, "capacity": capacity} for name, capacity in self.halls]
        row["eligible_chains"] = list(self.eligible_chains)
        row["invitation_list"] = list(self.invitation_list)
        return row


class _FormReader:
    """Reads the organizer's event form, collecting one message per bad field."""

    def __init__(self, values: dict[str, str]) -> None:
        self.values = values
        self.problems: dict[str, str] = {}

    def text(self, name: str, *, required: str = "", limit: int = 200) -> str:
        value = self.values.get(name, "").strip()
        if required and not value:
            self.problems[name] = required
        elif len(value) > limit:
            self.problems[name] = f"不能超过 {limit} 个字"
        return value

    def number(self, name: str, *, default: int | None, low: int = 0, high: int = 100_000) -> int | None:
        raw = self.values.get(name, "").strip()
        if not raw:
            return default
        try:
            value = int(raw)
        except ValueError:
            self.problems[name] = "请填写整数"
            return default
        if not low <= value <= high:
            self.problems[name] = f"须在 {low}–{high} 之间"
        return value

    def moment(self, name: str) -> datetime | None:
        raw = self.values.get(name, "").strip()
        if not raw:
            return None
        try:
            return datetime.fromisoformat(raw).replace(tzinfo=SHANGHAI)
        except ValueError:
            self.problems[name] = "请按 2026-12-01 18:00 的格式填写日期和时间"
            return None

    def days(self) -> list[date]:
        raw = self.values.get("days", "").replace("，", ",").replace("\n", ",")
        days = []
        for piece in filter(None, (p.strip() for p in raw.split(","))):
            try:
                days.append(date.fromisoformat(piece))
            except ValueError:
                self.problems["days"] = f"日期“{piece}”格式不对，请写成 2026-12-08"
                return []
        if not days:
            self.problems["days"] = "请至少填写一个活动日期"
        return sorted(set(days))

    def times(self, start_name: str, end_name: str) -> tuple[time, time] | None:
        start_raw, end_raw = self.values.get(start_name, "").strip(), self.values.get(end_name, "").strip()
        if not start_raw and not end_raw:
            return None
        start, end = parse_hhmm(start_raw), parse_hhmm(end_raw)
        if start is None or end is None:
            self.problems["sessions"] = "场次时间请写成 09:00 的格式，开始和结束都要填"
            return None
        return start, end

    def breaks(self, days: list[date]) -> list[Break]:
        raw = self.values.get("breaks", "").replace("，", ",").replace("\n", ",")
        result = []
        for piece in filter(None, (p.strip() for p in raw.split(","))):
            start_text, _, end_text = piece.replace("–", "-").partition("-")
            start, end = parse_hhmm(start_text), parse_hhmm(end_text)
            if start is None or end is None:
                self.problems["breaks"] = f"茶歇“{piece}”格式不对，请写成 10:20-10:30"
                return []
            result.extend(Break(day, start, end) for day in days)
        return result

    def halls(self) -> list[tuple[str, int]]:
        result = []
        for line in filter(None, (line.strip() for line in self.values.get("halls", "").splitlines())):
            name, _, capacity = line.rpartition(" ")
            if not name.strip() or not capacity.isdigit() or int(capacity) < 1:
                self.problems["halls"] = f"路演厅“{line}”格式不对，每行写厅名和座位数，如：一号厅 40"
                return []
            result.append((name.strip(), int(capacity)))
        if len({name for name, _ in result}) != len(result):
            self.problems["halls"] = "路演厅名称不能重复"
        return result

    def lines(self, name: str) -> tuple[str, ...]:
        raw = self.values.get(name, "").replace("，", ",").replace("\n", ",")
        return tuple(dict.fromkeys(p.strip() for p in raw.split(",") if p.strip()))


def read_event_form(values: dict[str, str]) -> EventDraft:
    """The organizer's form as an EventDraft, or InvalidInput with a message beside each bad field."""
    form = _FormReader(values)
    title = form.text("title", required="请填写活动名称", limit=120)
    try:
        kind = EventKind(values.get("kind", "docking"))
    except ValueError:
        form.problems["kind"] = "请选择活动类型"
        kind = EventKind.DOCKING
    days = form.days()
    sessions: list[Session] = []
    for part in ("am", "pm"):
        span = form.times(f"{part}_start", f"{part}_end")
        if span:
            sessions.extend(Session(day, part, span[0], span[1]) for day in days)
    breaks = form.breaks(days)
    slot_minutes = form.number("slot_minutes", default=20, low=1, high=1000) or 20
    pitch_minutes = form.number("pitch_minutes", default=10, low=1, high=240) or 10
    halls = form.halls()
    try:
        eligibility = Eligibility(values.get("eligibility", "all"))
    except ValueError:
        form.problems["eligibility"] = "请选择报名范围"
        eligibility = Eligibility.ALL
    draft = EventDraft(
        title=title, kind=kind, venue=form.text("venue"), description=form.text("description", limit=4000),
        sessions=tuple(sessions), breaks=tuple(breaks), slot_minutes=slot_minutes, pitch_minutes=pitch_minutes,
        halls=tuple(halls),
        tables_per_institution=form.number("tables_per_institution", default=1, low=1, high=50) or 1,
        max_meetings_per_enterprise=form.number("max_meetings_per_enterprise", default=None, low=1, high=500),
        max_meetings_per_institution=form.number("max_meetings_per_institution", default=None, low=1, high=5000),
        max_outgoing_requests=form.number("max_outgoing_requests", default=None, low=1, high=500),
        registration_deadline=form.moment("registration_deadline"), request_deadline=form.moment("request_deadline"),
        answer_deadline=form.moment("answer_deadline"), eligibility=eligibility,
        eligible_chains=form.lines("eligible_chains"), invitation_list=tuple(dict.fromkeys(normalize_uscc(code) for code in form.lines("invitation_list"))),
        coverage_bonus=form.number("coverage_bonus", default=0, low=0, high=1000) or 0,
        first_loan_bonus_percent=form.number("first_loan_bonus_percent", default=0, low=0, high=500) or 0,
    )
    if "days" not in form.problems and "sessions" not in form.problems and "breaks" not in form.problems:
        form.problems.update(layout_problems(sessions, breaks, slot_minutes))
    form.problems.update(_rule_problems(draft))
    if form.problems:
        raise InvalidInput(form.problems)
    return draft


def _rule_problems(draft: EventDraft) -> dict[str, str]:
    """Rules across fields: deadlines before the event, in order, roadshows need halls."""
    problems: dict[str, str] = {}
    if draft.sessions:
        first = min(datetime.combine(s.day, s.start, SHANGHAI) for s in draft.sessions)
        for name in DEADLINES:
            deadline = getattr(draft, name)
            if deadline is not None and deadline > first:
                problems[name] = f"截止时间不能晚于活动开始（{first:%Y-%m-%d %H:%M}）"
    if draft.request_deadline and draft.answer_deadline and draft.answer_deadline < draft.request_deadline:
        problems.setdefault("answer_deadline", "答复截止不能早于约见申请截止")
    if draft.kind != EventKind.DOCKING and not draft.halls:
        problems["halls"] = "路演活动请至少设置一个路演厅"
    if draft.kind != EventKind.DOCKING and draft.pitch_minutes > draft.slot_minutes:
        problems["pitch_minutes"] = f"每场路演时长不能超过一个时段（{draft.slot_minutes} 分钟）"
    if draft.eligibility == Eligibility.CHAINS and not draft.eligible_chains:
        problems["eligible_chains"] = "按产业链报名时请填写至少一条产业链"
    if draft.eligibility == Eligibility.INVITATION and not draft.invitation_list:
        problems["invitation_list"] = "按邀请名单报名时请填写受邀企业的统一社会信用代码"
    return problems


async def create_event(organizer: Organization, *, draft: EventDraft, by: User) -> Event:
    """A new event in draft: only its organizer sees it until it is opened."""
    async with in_transaction():
        event = await Event.create(organizer=organizer, **draft.as_row())
        await audit(by, "event.create", event, organization=organizer, after={"title": event.title})
    return event


async def update_event(event: Event, *, draft: EventDraft, by: User) -> Event:
    if event.status == EventStatus.CLOSED:
        raise Conflict("活动已结束，不能再修改 (event closed)")
    before = {"title": event.title, "sessions": event.sessions, "slot_minutes": event.slot_minutes}
    async with in_transaction():
        await event.update_from_dict(draft.as_row()).save()
        await audit(by, "event.update", event, organization=await event.organizer, before=before,
                    after={"title": event.title, "sessions": event.sessions, "slot_minutes": event.slot_minutes})
    return event


async def set_event_status(event: Event, status: EventStatus, *, by: User) -> Event:
    """Open a draft (publish it) or close an event. Closed is final."""
    if event.status == EventStatus.CLOSED:
        raise Conflict("活动已结束，不能再更改状态 (event closed)")
    before = event.status
    async with in_transaction():
        event.status = status
        await event.save(update_fields=["status", "updated_at"])
        await audit(by, f"event.{status.value}", event, organization=await event.organizer,
                    before={"status": before.value}, after={"status": status.value})
    return event


async def organizer_event(organizer: Organization, event_id: object) -> Event:
    """An event of this organizer; another organizer's event answers 404."""
    return await get_scoped(Event, organizer, event_id, via="organizer")


async def organizer_events(organizer: Organization) -> list[Event]:
    return await scoped(Event, organizer, via="organizer").order_by("-created_at")


async def visible_event(event_id: object, viewer_organization: Organization | None) -> Event:
    """An event as anyone may see it: open or closed ones, and drafts to their own organizer only."""
    try:
        key = int(event_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound() from None
    event = await Event.get_or_none(pk=key).select_related("organizer")
    if event is None:
        raise NotFound()
    if event.status == EventStatus.DRAFT and (viewer_organization is None
                                              or viewer_organization.pk != event.organizer_id):
        raise NotFound()
    return event


def registration_open(event: Event, now: datetime | None = None) -> bool:
    """Whether participants may still register (or change their registration) themselves: the
    event is open and its registration deadline, if any, has not passed."""
    moment = now or datetime.now(UTC)
    return event.status == EventStatus.OPEN and (event.registration_deadline is None
                                                 or moment <= event.registration_deadline)


async def open_events() -> list[Event]:
    """Open events (taking registrations or past their deadline but not yet ended), oldest first."""
    return await Event.filter(status=EventStatus.OPEN).order_by("created_at").prefetch_related("organizer")


def event_sessions(event: Event) -> list[Session]:
    return sorted(sessions_from_json(event.sessions), key=lambda s: (s.day, s.start))


def event_slots(event: Event) -> list[Slot]:
    return compute_slots(sessions_from_json(event.sessions), breaks_from_json(event.breaks), event.slot_minutes)


def event_start(event: Event) -> datetime | None:
    sessions = event_sessions(event)
    return datetime.combine(sessions[0].day, sessions[0].start, SHANGHAI) if sessions else None


def form_values(event: Event) -> dict[str, str]:
    """The stored event written back into the shape of its form, for editing."""
    sessions = event_sessions(event)
    values: dict[str, str] = {
        "title": event.title, "kind": event.kind.value, "venue": event.venue, "description": event.description,
        "days": ", ".join(sorted({s.day.isoformat() for s in sessions})),
        "slot_minutes": str(event.slot_minutes), "pitch_minutes": str(event.pitch_minutes),
        "halls": "\n".join(f"{h['name']} {h['capacity']}" for h in event.halls),
        "tables_per_institution": str(event.tables_per_institution),
        "eligibility": event.eligibility.value, "eligible_chains": ", ".join(event.eligible_chains),
        "invitation_list": "\n".join(event.invitation_list), "coverage_bonus": str(event.coverage_bonus),
        "first_loan_bonus_percent": str(event.first_loan_bonus_percent),
    }
    for name in ("max_meetings_per_enterprise", "max_meetings_per_institution", "max_outgoing_requests"):
        value = getattr(event, name)
        values[name] = "" if value is None else str(value)
    for name in DEADLINES:
        moment = getattr(event, name)
        values[name] = moment.astimezone(SHANGHAI).strftime("%Y-%m-%dT%H:%M") if moment else ""
    for part in ("am", "pm"):
        first = next((s for s in sessions if s.part == part), None)
        values[f"{part}_start"] = first.start.strftime("%H:%M") if first else ""
        values[f"{part}_end"] = first.end.strftime("%H:%M") if first else ""
    first_day = sessions[0].day if sessions else None
    values["breaks"] = ", ".join(f"{b.start:%H:%M}-{b.end:%H:%M}" for b in breaks_from_json(event.breaks)
                                 if b.day == first_day)
    return values
