"""Scheduling an event: solver runs, numbered drafts, hand edits checked at once, comparison,
publication, and repair after cancellations and no-shows (DESIGN §5, issue 6).

Ids in problems are the export's keys (`E<organization id>`, `I<organization id>`, see
`problem_export`). A run solves in the background (`solver_runs`); `save_draft` turns its checked
solution into a numbered draft; the organizer may lock or move meetings of a draft; publishing
makes it "published vN" and reports whose agenda changed since vN−1.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from typing import Any

from tortoise.exceptions import IntegrityError
from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import (
    Event,
    Meeting,
    MeetingRequest,
    MeetingState,
    Organization,
    RequestState,
    RunKind,
    RunState,
    ScheduleRun,
    ScheduleVersion,
    User,
    VersionState,
)
from matchmaker.services.scheduling import agendas
from matchmaker.services.audit import audit
from matchmaker.services.eventday.tables import assign_hall_tables
from matchmaker.services.scheduling.problem_export import enterprise_key, export_problem, institution_key
from matchmaker.services.scheduling.changes import ParticipantChanges, compare_meetings
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.scheduling.solver_runs import launch, name_ids, repair_job, solve_job
from matchmaker.solver.check import check_meetings, idle_gaps, objective_of
from matchmaker.solver.problem import Problem, ProblemError, parse_problem
from matchmaker.solver.solution import Meeting as SolverMeeting
from matchmaker.solver.solution import Solution

MIN_TIME_LIMIT, MAX_TIME_LIMIT = 1, 600
LIVE = (MeetingState.PLANNED, MeetingState.HELD)  # meetings that are on an agenda
SAVE_ATTEMPTS = 3


# -- ids and names ---------------------------------------------------------------------------

def organization_id(key: str) -> int:
    """The organization id behind an export key (`E12` or `I7`)."""
    return int(key[1:])


async def participant_names(document: dict[str, Any]) -> dict[str, str]:
    """Problem key -> organization name, for messages the organizer reads."""
    keys = [p["id"] for p in document["enterprises"]] + [p["id"] for p in document["institutions"]]
    rows = await Organization.filter(id__in=[organization_id(k) for k in keys]).values_list("id", "name")
    name_of = dict(rows)
    return {key: name_of.get(organization_id(key), key) for key in keys}


def slot_label(document: dict[str, Any], slot_id: str) -> str:
    for slot in document["slots"]:
        if slot["id"] == slot_id:
            return f"{datetime.fromisoformat(slot['start']).astimezone(SHANGHAI):%m-%d %H:%M}"
    return slot_id


# -- runs ------------------------------------------------------------------------------------

def _checked_time_limit(time_limit: float) -> float:
    if not MIN_TIME_LIMIT <= time_limit <= MAX_TIME_LIMIT:
        raise InvalidInput({"time_limit": f"求解时间须在 {MIN_TIME_LIMIT}–{MAX_TIME_LIMIT} 秒之间"})
    return float(time_limit)


def _valid_locks(document: dict[str, Any], meetings: Iterable[Meeting]) -> list[dict[str, Any]]:
    """Meetings that can still be kept as they are: the pair is still requested and both sides
    are still there in the slot. Others are left to the solver (a lock it cannot keep would make
    the whole problem infeasible)."""
    requested = {(r["enterprise"], r["institution"]) for r in document["requests"]}
    available = {p["id"]: set(p["available"]) for p in document["enterprises"] + document["institutions"]}
    locks = []
    for m in meetings:
        e, i = enterprise_key(m.enterprise_id), institution_key(m.institution_id)
        if (e, i) in requested and m.slot in available.get(e, ()) and m.slot in available.get(i, ()):
            locks.append({"enterprise": e, "institution": i, "slot": m.slot, "table": m.table})
    return locks


async def _working_version(event: Event) -> ScheduleVersion | None:
    """The schedule the organizer works on: the newest version that is not superseded."""
    return await ScheduleVersion.filter(event=event).exclude(state=VersionState.SUPERSEDED).order_by(
        "-number").first()


async def _create_run(event: Event, by: User | None, kind: RunKind, document: dict[str, Any], time_limit: float,
                      seed: int, job: dict[str, Any], from_version: ScheduleVersion | None = None
                      ) -> tuple[ScheduleRun, Problem | None]:
    async with in_transaction():  # the run and its job (solver_runs.launch) in one row
        run = await ScheduleRun.create(event=event, started_by=by, kind=kind, time_limit=time_limit, seed=seed, job=job,
                                       problem=document, from_version_id=from_version.pk if from_version else None)
        await audit(by, f"schedule.run.{kind.value}", run)
    try:
        return run, parse_problem(document)
    except ProblemError as error:
        run.state, run.error, run.finished_at = RunState.FAILED, f"排程问题有误 (invalid problem): {error}", \
            datetime.now(UTC)
        await run.save(update_fields=["state", "error", "finished_at"])
        return run, None


async def start_run(event: Event, *, by: User | None, time_limit: float, seed: int = 0) -> ScheduleRun:
    """Export the event (with the meetings the organizer locked in the working version) and solve it
    in the background; the run row shows its progress and, once checked, its solution."""
    time_limit = _checked_time_limit(time_limit)
    document = await export_problem(event)
    working = await _working_version(event)
    if working is not None:
        document["locked"] = _valid_locks(document, await Meeting.filter(version=working, locked=True,
                                                                         state__in=LIVE).order_by("id"))
    run, problem = await _create_run(event, by, RunKind.SOLVE, document, time_limit, seed,
                                     solve_job(await participant_names(document)))
    if problem is not None:
        await launch(run)
    return run


async def repair_run(event: Event, from_version: ScheduleVersion, *, by: User | None, time_limit: float = 5,
                     seed: int = 0, move_penalty: int = 5) -> ScheduleRun:
    """Re-solve around `from_version` after cancellations and no-shows so that as few participants
    as possible get a changed agenda. Requests withdrawn or declined since, and pairs whose meeting
    was cancelled or missed, drop out; meetings held or locked stay where they are."""
    time_limit = _checked_time_limit(time_limit)
    meetings = await Meeting.filter(version=from_version).order_by("id")
    document = await export_problem(event)
    gone = {(enterprise_key(m.enterprise_id), institution_key(m.institution_id)) for m in meetings
            if m.state in (MeetingState.CANCELLED, MeetingState.NO_SHOW)}
    document["requests"] = [r for r in document["requests"] if (r["enterprise"], r["institution"]) not in gone]
    document["locked"] = _valid_locks(document, [m for m in meetings if m.state == MeetingState.HELD or
                                                 (m.locked and m.state == MeetingState.PLANNED)])
    previous = Solution("feasible", 0, None, tuple(
        SolverMeeting(enterprise_key(m.enterprise_id), institution_key(m.institution_id), m.slot, m.table)
        for m in meetings if m.state in LIVE))
    job = repair_job(previous, await participant_names(document), move_penalty=move_penalty)
    run, problem = await _create_run(event, by, RunKind.REPAIR, document, time_limit, seed, job, from_version)
    if problem is not None:
        await launch(run)
    return run


# -- drafts ----------------------------------------------------------------------------------

async def _request_ids(event: Event) -> dict[tuple[int, int], int]:
    """(enterprise, institution) -> the first accepted request of the pair (the export merges them)."""
    pairs: dict[tuple[int, int], int] = {}
    for request in await MeetingRequest.filter(event=event, state=RequestState.ACCEPTED).order_by("id"):
        pairs.setdefault((request.enterprise_id, request.institution_id), request.pk)
    return pairs


async def save_draft(run: ScheduleRun, *, by: User | None) -> ScheduleVersion:
    """The run's checked schedule as the next numbered draft, with all its meetings or none.
    Saving the same run again returns the draft already made from it."""
    if run.state != RunState.DONE or run.solution is None:
        raise Conflict("这次求解没有得到通过校验的排程，不能保存 (run has no checked schedule)")
    existing = await ScheduleVersion.get_or_none(created_from=run)
    if existing is not None:
        return existing
    event = await run.event
    document, solution = run.problem, run.solution
    times = {s["id"]: (datetime.fromisoformat(s["start"]), datetime.fromisoformat(s["end"]))
             for s in document["slots"]}
    locked = {(lock["enterprise"], lock["institution"]) for lock in document.get("locked", [])}
    request_of = await _request_ids(event)
    for attempt in range(SAVE_ATTEMPTS):  # two drafts saved at once race for the same number
        try:
            async with in_transaction():
                latest = await ScheduleVersion.filter(event=event).order_by("-number").first()
                version = await ScheduleVersion.create(
                    event=event, number=(latest.number if latest else 0) + 1, created_from=run, created_by=by,
                    objective=solution["objective"], upper_bound=solution["upper_bound"], stats=solution["stats"])
                await Meeting.bulk_create([Meeting(
                    version=version, event=event, enterprise_id=organization_id(m["enterprise"]),
                    institution_id=organization_id(m["institution"]), slot=m["slot"],
                    starts_at=times[m["slot"]][0], ends_at=times[m["slot"]][1], table=m["table"],
                    request_id=request_of.get((organization_id(m["enterprise"]), organization_id(m["institution"]))),
                    locked=(m["enterprise"], m["institution"]) in locked) for m in solution["meetings"]])
                await audit(by, "schedule.draft", version, after={"number": version.number, "run": run.pk,
                                                                  "meetings": len(solution["meetings"])})
            return version
        except IntegrityError:
            if attempt == SAVE_ATTEMPTS - 1:
                raise Conflict("草稿编号冲突，请重试 (draft number taken, try again)") from None
    raise AssertionError("unreachable")


def _editable(version: ScheduleVersion) -> None:
    if version.state != VersionState.DRAFT:
        raise Conflict("已发布的版本不能再修改：请用“修复排程”生成新草稿 (only drafts can be edited)")


async def _meeting_of(version: ScheduleVersion, meeting_id: object) -> Meeting:
    try:
        meeting = await Meeting.get_or_none(id=int(meeting_id), version=version)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        meeting = None
    if meeting is None:
        raise NotFound()
    return meeting


async def lock_meeting(version: ScheduleVersion, meeting_id: object, *, locked: bool, by: User | None) -> Meeting:
    """Pin a meeting (the next solver run keeps it as it is) or release it."""
    _editable(version)
    meeting = await _meeting_of(version, meeting_id)
    async with in_transaction():
        meeting.locked = locked
        await meeting.save(update_fields=["locked"])
        await audit(by, "schedule.meeting.lock" if locked else "schedule.meeting.unlock", meeting)
    return meeting


async def version_problem(version: ScheduleVersion) -> dict[str, Any]:
    """The problem the version was solved from, without its locks: a hand edit is checked against
    the rules, and the edited meeting may be a locked one."""
    run = await version.created_from
    if run is None or run.problem is None:
        raise Conflict("该版本缺少排程问题，无法校验 (the version has no problem on record)")
    return {**run.problem, "locked": []}


def _clashes(document: dict[str, Any], meetings: list[Meeting], moved: Meeting, slot: str, table: int,
             names: dict[str, str]) -> list[str]:
    """Why `moved` cannot go to (slot, table), naming who is in the way, in Chinese."""
    e, i = enterprise_key(moved.enterprise_id), institution_key(moved.institution_id)
    when = slot_label(document, slot)
    clashes = []
    available = {p["id"]: set(p["available"]) for p in document["enterprises"] + document["institutions"]}
    tables = {p["id"]: p.get("tables", 1) for p in document["institutions"]}
    for key in (e, i):
        if slot not in available.get(key, ()):
            clashes.append(f"{names[key]}在 {when} 不在场")
    if any(p["enterprise"] == e and p["slot"] == slot for p in document.get("pitches", [])):
        clashes.append(f"{names[e]}在 {when} 上台路演")
    if not 1 <= table <= tables.get(i, 1):
        clashes.append(f"{names[i]}只有 {tables.get(i, 1)} 张洽谈桌")
    for other in meetings:
        if other.pk == moved.pk or other.slot != slot:
            continue
        if other.enterprise_id == moved.enterprise_id:
            clashes.append(f"{names[e]}在 {when} 已与{names[institution_key(other.institution_id)]}有会面")
        if other.institution_id == moved.institution_id and other.table == table:
            clashes.append(f"{names[i]}第 {table} 桌在 {when} 已安排{names[enterprise_key(other.enterprise_id)]}")
    return clashes


def _free_table(meetings: list[Meeting], moved: Meeting, slot: str, tables: int) -> int:
    taken = {m.table for m in meetings if m.pk != moved.pk and m.slot == slot and m.institution_id == moved.institution_id}
    return next((t for t in range(1, tables + 1) if t not in taken), 1)


def _solver_meetings(meetings: Iterable[Meeting]) -> list[SolverMeeting]:
    return [SolverMeeting(enterprise_key(m.enterprise_id), institution_key(m.institution_id), m.slot, m.table)
            for m in meetings]


async def move_meeting(version: ScheduleVersion, meeting_id: object, *, slot: str, table: int | None,
                       by: User | None) -> Meeting:
    """Move a meeting of a draft to another slot (and table: the lowest free one if not given).
    The result must pass the checker at once; the moved meeting is then locked, so that the next
    solver run keeps the organizer's choice."""
    _editable(version)
    meeting = await _meeting_of(version, meeting_id)
    document = await version_problem(version)
    slots = {s["id"]: s for s in document["slots"]}
    if slot not in slots:
        raise InvalidInput({"slot": "请选择活动中的一个时段"})
    meetings = [m for m in await Meeting.filter(version=version).order_by("id") if m.state in LIVE]
    tables = next((p.get("tables", 1) for p in document["institutions"]
                   if p["id"] == institution_key(meeting.institution_id)), 1)
    table = table or _free_table(meetings, meeting, slot, tables)
    names = await participant_names(document)
    clashes = _clashes(document, meetings, meeting, slot, table, names)
    if not clashes:  # the checker has the last word on every other rule (after-pitch, ...)
        problem = parse_problem(document)
        candidate = [SolverMeeting(enterprise_key(m.enterprise_id), institution_key(m.institution_id),
                                   slot if m.pk == meeting.pk else m.slot, table if m.pk == meeting.pk else m.table)
                     for m in meetings]
        clashes = [name_ids(v, names) for v in check_meetings(problem, candidate)]
    if clashes:
        raise InvalidInput({"slot": "；".join(clashes)}, message="无法调整：" + "；".join(clashes))
    before = {"slot": meeting.slot, "table": meeting.table}
    async with in_transaction():
        meeting.slot, meeting.table, meeting.locked = slot, table, True
        meeting.starts_at = datetime.fromisoformat(slots[slot]["start"])
        meeting.ends_at = datetime.fromisoformat(slots[slot]["end"])
        await meeting.save(update_fields=["slot", "table", "locked", "starts_at", "ends_at"])
        await _refresh_figures(version, parse_problem(document),
                               [meeting if m.pk == meeting.pk else m for m in meetings])
        await audit(by, "schedule.meeting.move", meeting, before=before, after={"slot": slot, "table": table})
    return meeting


async def _refresh_figures(version: ScheduleVersion, problem: Problem, meetings: list[Meeting]) -> None:
    """A hand edit changes idle gaps (never the objective: the same pairs meet)."""
    placed = _solver_meetings(meetings)
    gaps = idle_gaps(problem, placed)
    version.objective = objective_of(problem, placed)
    version.stats = {**version.stats, "idle_gaps": gaps.total, "enterprise_idle_gaps": gaps.enterprises,
                     "institution_idle_gaps": gaps.institutions, "edited": True}
    await version.save(update_fields=["objective", "stats"])


# -- comparing and publishing ----------------------------------------------------------------

async def live_meetings(version: ScheduleVersion | None) -> list[Meeting]:
    if version is None:
        return []
    return await Meeting.filter(version=version, state__in=LIVE).order_by("starts_at", "institution_id", "table")


async def _with_organizations(changes: list[ParticipantChanges]) -> list[ParticipantChanges]:
    by_id = {o.pk: o for o in await Organization.filter(id__in=[c.organization_id for c in changes])}
    for change in changes:
        change.organization = by_id.get(change.organization_id)
    return changes


async def compare_versions(before: ScheduleVersion | None, after: ScheduleVersion) -> list[ParticipantChanges]:
    """Per participant, the meetings added, moved and cancelled from `before` to `after`."""
    if before is not None and before.event_id != after.event_id:
        raise NotFound()
    return await _with_organizations(compare_meetings(await live_meetings(before), await live_meetings(after)))


async def published_version(event: Event) -> ScheduleVersion | None:
    return await ScheduleVersion.get_or_none(event=event, state=VersionState.PUBLISHED)


async def publication_preview(version: ScheduleVersion) -> tuple[ScheduleVersion | None, list[ParticipantChanges]]:
    """What publishing `version` now would replace, and who would get a new agenda."""
    current = await published_version(await version.event)
    return current, await compare_versions(current if current and current.pk != version.pk else None, version)


async def publish_version(version: ScheduleVersion, *, by: User | None,
                          replaces: int | None) -> list[ParticipantChanges]:
    """Publish a draft as vN, in one transaction, and return whose agenda changed since vN−1
    (everyone with a meeting for v1).

    `replaces` is the published number the organizer saw when confirming (None: none yet). If
    another organizer published meanwhile, nothing changes and Conflict says so: the agendas to
    send were counted against the old version. Publishing an already published version is a
    no-op that returns no changes (a double click sends no second mail).
    """
    try:
        async with in_transaction():
            fresh = await ScheduleVersion.get(id=version.pk)
            if fresh.state == VersionState.PUBLISHED:
                return []
            if fresh.state == VersionState.SUPERSEDED:
                raise Conflict("该版本已被更新的版本取代，不能再发布 (version superseded)")
            current = await ScheduleVersion.get_or_none(event_id=fresh.event_id, state=VersionState.PUBLISHED)
            current_number = current.published_number if current else None
            if current_number != replaces:
                raise Conflict(f"已被其他组织者发布：当前已是第 {current_number} 版，请重新对比后再发布 "
                               f"(published meanwhile by another organizer)")
            # Conditional updates: a concurrent publisher that got here too changes no row (or hits
            # the unique published number) and is told, instead of both becoming vN.
            if current is not None and await ScheduleVersion.filter(
                    id=current.pk, state=VersionState.PUBLISHED).update(state=VersionState.SUPERSEDED) != 1:
                raise Conflict("已被其他组织者发布 (published meanwhile by another organizer)")
            highest = await ScheduleVersion.filter(event_id=fresh.event_id, published_number__not_isnull=True
                                                   ).order_by("-published_number").first()
            number = (highest.published_number if highest else 0) + 1
            now = datetime.now(UTC)
            if await ScheduleVersion.filter(id=fresh.pk, state=VersionState.DRAFT).update(
                    state=VersionState.PUBLISHED, published_number=number, published_at=now,
                    published_by=by) != 1:
                raise Conflict("已被其他组织者发布 (published meanwhile by another organizer)")
            await fresh.refresh_from_db()
            changes = await compare_versions(current, fresh)
            await audit(by, "schedule.publish", fresh, after={"published_number": number,
                                                              "replaces": current_number,
                                                              "changed_participants": len(changes)})
            # Printed agendas and mails carry the hall labels: fix them before they go out.
            await assign_hall_tables(await fresh.event, by=by)
            await queue_agenda_mails(fresh, changes)
    except IntegrityError:
        raise Conflict("已被其他组织者发布 (published meanwhile by another organizer)") from None
    version.state, version.published_number = fresh.state, fresh.published_number
    return changes


async def queue_agenda_mails(version: ScheduleVersion, changes: list[ParticipantChanges]) -> None:
    """Hand each participant whose agenda changed to the mail outbox, inside the publishing
    transaction (DESIGN §6: version, meetings and outbox rows commit together): one agenda mail
    per member, with the changes since the previous version and a calendar file, and a notice
    in each one's inbox."""
    await agendas.queue_agenda_mails(version, changes)
    await agendas.notify_published(version, changes)


# -- lookups and fairness settings ------------------------------------------------------------

async def event_run(event: Event, run_id: object) -> ScheduleRun:
    """A run of this event; any other id (another organizer's run too) answers 404."""
    try:
        run = await ScheduleRun.get_or_none(id=int(run_id), event=event)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        run = None
    if run is None:
        raise NotFound()
    return run


async def reloaded_run(run: ScheduleRun) -> ScheduleRun:
    """The run as the database has it now (its progress is written by whichever process solves)."""
    return await ScheduleRun.get(id=run.id)


async def draft_of_run(run: ScheduleRun) -> ScheduleVersion | None:
    """The draft version saved from this run, if any."""
    return await run.versions.all().first()


async def event_version(event: Event, version_id: object) -> ScheduleVersion:
    """A version of this event; any other id (another organizer's version too) answers 404."""
    try:
        version = await ScheduleVersion.get_or_none(id=int(version_id), event=event)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        version = None
    if version is None:
        raise NotFound()
    return version


async def recent_runs(event: Event, limit: int = 10) -> list[ScheduleRun]:
    return await ScheduleRun.filter(event=event).order_by("-id").limit(limit)


async def event_versions(event: Event) -> list[ScheduleVersion]:
    return await ScheduleVersion.filter(event=event).order_by("-number")


@dataclass(frozen=True)
class FairnessSettings:
    """The event's fairness knobs the solver reads through the problem export."""

    coverage_bonus: int
    first_loan_bonus_percent: int
    max_meetings_per_enterprise: int | None
    max_meetings_per_institution: int | None

    @classmethod
    def of(cls, event: Event) -> FairnessSettings:
        return cls(event.coverage_bonus, event.first_loan_bonus_percent, event.max_meetings_per_enterprise,
                   event.max_meetings_per_institution)


def read_fairness_form(values: dict[str, str]) -> FairnessSettings:
    problems: dict[str, str] = {}

    def number(name: str, low: int, high: int, *, optional: bool = False) -> int | None:
        raw = values.get(name, "").strip()
        if not raw and optional:
            return None
        if not raw.isdigit() or not low <= int(raw) <= high:
            problems[name] = f"请填写 {low}–{high} 之间的整数" + ("，不限则留空" if optional else "")
            return None
        return int(raw)

    settings = FairnessSettings(number("coverage_bonus", 0, 1000) or 0,
                                number("first_loan_bonus_percent", 0, 500) or 0,
                                number("max_meetings_per_enterprise", 1, 100, optional=True),
                                number("max_meetings_per_institution", 1, 1000, optional=True))
    if problems:
        raise InvalidInput(problems)
    return settings


async def update_fairness(event: Event, settings: FairnessSettings, *, by: User | None) -> None:
    before = asdict(FairnessSettings.of(event))
    async with in_transaction():
        for name, value in asdict(settings).items():
            setattr(event, name, value)
        await event.save(update_fields=list(before))
        await audit(by, "schedule.fairness", event, before=before, after=asdict(settings))
