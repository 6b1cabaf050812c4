"""现场补位: refill the slots that absent participants freed, as a new published version.

Who is absent: an approved participant not checked in today, with no meeting held, that either
missed a meeting that began before the cut-off or was marked no-show on its side. Participants
not checked in but not yet due ("pending") keep their future meetings and gain none: only
checked-in participants (walk-ins with a registration included) are given freed slots.

The solver side is `solver/refill.refill_problem` then `solver/repair.repair`: every meeting of
the past and current slots stays locked as it is (`frozen`), future meetings of present
participants are kept where possible, and freed future table-slots are filled from accepted
requests not yet met. The run is an ordinary repair run (off the event loop, progress recorded,
checked by `solver/check.py`); applying it saves a draft, carries the attendance marks over,
and publishes it, so that only participants whose agendas changed get a mail and a notice.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import (
    Event,
    Meeting,
    MeetingState,
    Organization,
    Registration,
    RegistrationStatus,
    RunKind,
    RunState,
    ScheduleRun,
    ScheduleVersion,
    User,
    VersionState,
)
from matchmaker.services.audit import audit
from matchmaker.services.clock import utc_now
from matchmaker.services.eventday.chase import checked_in_ids, today
from matchmaker.services.events.setup import event_slots
from matchmaker.services.scheduling import versions
from matchmaker.services.scheduling.changes import ParticipantChanges, compare_meetings
from matchmaker.services.scheduling.problem_export import enterprise_key, export_problem, institution_key
from matchmaker.services.scheduling.solver_runs import launch, repair_job
from matchmaker.solver.problem import Enterprise, Institution, LockedMeeting, Problem, parse_problem, problem_to_dict
from matchmaker.solver.refill import refill_problem
from matchmaker.solver.solution import Meeting as SolverMeeting
from matchmaker.solver.solution import Solution

DEFAULT_TIME_LIMIT = 5
ON_RECORD = (MeetingState.PLANNED, MeetingState.HELD, MeetingState.NO_SHOW)


# -- pure: the problem a refill solves ------------------------------------------------------

def shape_refill(problem: Problem, previous: Solution, *, absent: Iterable[str], pending: Iterable[str],
                 frozen: Iterable[str]) -> Problem:
    """`refill_problem`, and then: a `pending` participant (not checked in, not absent) keeps
    each future meeting it has, locked at its table, and is available only in those slots, so
    it gains nothing while the checked-in participants take the freed slots."""
    absent, pending, frozen = set(absent), set(pending), set(frozen)
    changed = refill_problem(problem, previous, absent=absent, frozen=frozen)
    requested = {(r.enterprise, r.institution) for r in changed.requests}
    locked = {(m.enterprise, m.institution): m for m in changed.locked}
    keep: dict[str, set[str]] = {p: set() for p in pending}
    for m in previous.meetings:
        if m.slot in frozen or m.enterprise in absent or m.institution in absent:
            continue
        if (m.enterprise in pending or m.institution in pending) and (m.enterprise, m.institution) in requested:
            locked.setdefault((m.enterprise, m.institution), LockedMeeting(m.enterprise, m.institution, m.slot, m.table))
    for m in locked.values():
        for side in (m.enterprise, m.institution):
            if side in keep:
                keep[side].add(m.slot)

    def available(ident: str, slots: tuple[str, ...]) -> tuple[str, ...]:
        if ident not in pending:
            return slots
        return tuple(s for s in slots if s in frozen or s in keep[ident])

    return Problem(changed.slots,
                   tuple(Enterprise(e.id, available(e.id, e.available), e.max_meetings) for e in changed.enterprises),
                   tuple(Institution(i.id, available(i.id, i.available), i.tables, i.max_meetings)
                         for i in changed.institutions),
                   changed.requests, changed.pitches, tuple(locked.values()), changed.coverage_bonus)


# -- who is absent --------------------------------------------------------------------------

@dataclass
class RefillPlan:
    """What a refill started now would assume."""

    version: ScheduleVersion | None
    cutoff: datetime
    frozen: list[str]
    future: list[str]
    absent: list[Organization] = field(default_factory=list)
    pending: list[Organization] = field(default_factory=list)
    present: int = 0


async def refill_plan(event: Event, *, now: datetime | None = None, cutoff: datetime | None = None) -> RefillPlan:
    now = now or utc_now()
    cutoff = cutoff or now
    slots = event_slots(event)
    frozen = [s.id for s in slots if s.start <= now]
    version = await versions.published_version(event)
    plan = RefillPlan(version, cutoff, frozen, [s.id for s in slots if s.start > now])
    if version is None:
        return plan
    registrations = await Registration.filter(event=event, status=RegistrationStatus.APPROVED) \
        .prefetch_related("organization")
    present = await checked_in_ids(event, today(now))
    meetings = await Meeting.filter(version=version, state__in=ON_RECORD)
    held = {pk for m in meetings if m.state == MeetingState.HELD for pk in (m.enterprise_id, m.institution_id)}
    missed: set[int] = set()
    for m in meetings:
        if m.starts_at <= cutoff:
            missed |= {m.enterprise_id, m.institution_id}
        if m.state == MeetingState.NO_SHOW:
            if m.absent_side in ("enterprise", "both"):
                missed.add(m.enterprise_id)
            if m.absent_side in ("institution", "both"):
                missed.add(m.institution_id)
    for registration in sorted(registrations, key=lambda r: r.organization.name):
        pk = registration.organization_id
        if pk in present or pk in held:
            plan.present += 1
        elif pk in missed:
            plan.absent.append(registration.organization)
        else:
            plan.pending.append(registration.organization)
    return plan


def _key(organization: Organization) -> str:
    return enterprise_key(organization.pk) if organization.kind == "enterprise" else institution_key(organization.pk)


def _solver_meetings(meetings: Iterable[Meeting]) -> tuple[SolverMeeting, ...]:
    return tuple(SolverMeeting(enterprise_key(m.enterprise_id), institution_key(m.institution_id), m.slot, m.table)
                 for m in meetings)


async def start_refill(event: Event, *, by: User | None, now: datetime | None = None,
                       cutoff: datetime | None = None, time_limit: float = DEFAULT_TIME_LIMIT,
                       seed: int = 0) -> ScheduleRun:
    """Start the refill of the published version in the background; the run row records it."""
    now = now or utc_now()
    plan = await refill_plan(event, now=now, cutoff=cutoff)
    if plan.version is None:
        raise Conflict("尚未发布洽谈日程，无需补位 (no published schedule)")
    if not plan.future:
        raise InvalidInput({"cutoff": "活动的所有时段都已开始，没有可补位的时段"})
    meetings = await Meeting.filter(version=plan.version, state__in=ON_RECORD).order_by("id")
    document = await export_problem(event)
    frozen = set(plan.frozen)
    document["locked"] = [{"enterprise": enterprise_key(m.enterprise_id), "institution": institution_key(m.institution_id),
                           "slot": m.slot, "table": m.table} for m in meetings if m.locked and m.slot not in frozen]
    requested = {(r["enterprise"], r["institution"]) for r in document["requests"]}
    document["locked"] = [lock for lock in document["locked"] if (lock["enterprise"], lock["institution"]) in requested]
    previous = Solution("feasible", 0, None, _solver_meetings(meetings))
    changed = shape_refill(parse_problem(document), previous, absent={_key(o) for o in plan.absent},
                           pending={_key(o) for o in plan.pending}, frozen=frozen)
    stored = {**problem_to_dict(changed), "event": document["event"],
              "refill": {"absent": [o.pk for o in plan.absent], "pending": [o.pk for o in plan.pending],
                         "frozen": plan.frozen, "cutoff": plan.cutoff.isoformat(), "at": now.isoformat()}}
    job = repair_job(previous, await versions.participant_names(document))
    async with in_transaction():
        run = await ScheduleRun.create(event=event, started_by=by, kind=RunKind.REPAIR, time_limit=float(time_limit),
                                       seed=seed, problem=stored, job=job, from_version_id=plan.version.pk)
        await audit(by, "eventday.refill.start", run, after={"absent": len(plan.absent), "pending": len(plan.pending),
                                                             "frozen_slots": len(plan.frozen)})
    await launch(run)
    return run


async def refill_run(event: Event, run_id: object) -> ScheduleRun:
    run = await versions.event_run(event, run_id)
    if run.kind != RunKind.REPAIR or not (run.problem or {}).get("refill"):
        raise NotFound()
    return run


async def recent_refills(event: Event, limit: int = 5) -> list[ScheduleRun]:
    runs = await ScheduleRun.filter(event=event, kind=RunKind.REPAIR).order_by("-id").limit(limit * 4)
    return [r for r in runs if (r.problem or {}).get("refill")][:limit]


# -- the proposal and its application ---------------------------------------------------------

@dataclass(frozen=True)
class Placed:
    enterprise_id: int
    institution_id: int
    slot: str
    table: int
    starts_at: datetime | None = None


def _frozen_ids(run: ScheduleRun) -> tuple[set[str], set[int]]:
    refill = run.problem["refill"]
    return set(refill["frozen"]), set(refill["absent"])


async def refill_changes(run: ScheduleRun) -> list[ParticipantChanges]:
    """Who gains a meeting (added), who moves, who loses one (cancelled), per participant,
    between the published version the refill started from and its proposal."""
    if run.state != RunState.DONE or not run.solution:
        return []
    frozen, absent = _frozen_ids(run)
    starts = {s["id"]: datetime.fromisoformat(s["start"]) for s in run.problem["slots"]}
    old = [m for m in await Meeting.filter(version_id=run.from_version_id, state__in=ON_RECORD)
           if not (m.slot in frozen and (m.state == MeetingState.NO_SHOW
                                         or {m.enterprise_id, m.institution_id} & absent))]
    no_show = {(m.enterprise_id, m.institution_id) for m in await Meeting.filter(
        version_id=run.from_version_id, state=MeetingState.NO_SHOW, slot__in=list(frozen))}
    new = [Placed(int(m["enterprise"][1:]), int(m["institution"][1:]), m["slot"], m["table"], starts[m["slot"]])
           for m in run.solution["meetings"]]
    new = [m for m in new if (m.enterprise_id, m.institution_id) not in no_show]
    changes = compare_meetings([m for m in old if m.state != MeetingState.NO_SHOW], new)
    organizations = {o.pk: o for o in await Organization.filter(id__in=[c.organization_id for c in changes])}
    for change in changes:
        change.organization = organizations.get(change.organization_id)
    return changes


async def apply_refill(run: ScheduleRun, *, by: User | None, now: datetime | None = None) -> list[ParticipantChanges]:
    """Publish the refill's proposal as the next version. The past meetings of the absent are
    recorded as no-shows first, and every attendance mark of a past or current meeting is
    carried into the new version, so the record of the day stays whole."""
    now = now or utc_now()
    if run.state != RunState.DONE or not run.solution:
        raise Conflict("这次补位没有得到通过校验的方案 (refill has no checked proposal)")
    event = await run.event
    published = await versions.published_version(event)
    existing = await ScheduleVersion.get_or_none(created_from=run)
    if existing is not None and existing.state != VersionState.DRAFT:
        return []
    if published is None or published.pk != run.from_version_id:
        raise Conflict("排程在补位方案生成后已更新，请重新补位 (schedule changed since)")
    frozen, absent = _frozen_ids(run)
    old = await Meeting.filter(version=published, state__in=ON_RECORD, slot__in=list(frozen))
    async with in_transaction():
        for m in old:
            if m.state == MeetingState.PLANNED and {m.enterprise_id, m.institution_id} & absent:
                side = ("both" if {m.enterprise_id, m.institution_id} <= absent
                        else "enterprise" if m.enterprise_id in absent else "institution")
                m.state, m.absent_side, m.attendance_by, m.attendance_at = MeetingState.NO_SHOW, side, by, now
                await m.save(update_fields=["state", "absent_side", "attendance_by_id", "attendance_at"])
                await audit(by, "meeting.attendance.refill", m, after={"state": "no_show", "absent_side": side})
    draft = await versions.save_draft(run, by=by)
    async with in_transaction():
        placed = {(m.enterprise_id, m.institution_id): m for m in await Meeting.filter(version=draft)}
        for m in old:
            await m.refresh_from_db()
            copy = placed.get((m.enterprise_id, m.institution_id))
            if copy is not None and (copy.slot, copy.table) == (m.slot, m.table):
                copy.state, copy.absent_side = m.state, m.absent_side
                copy.attendance_by_id, copy.attendance_at = m.attendance_by_id, m.attendance_at
                await copy.save(update_fields=["state", "absent_side", "attendance_by_id", "attendance_at"])
            elif copy is None and m.state == MeetingState.NO_SHOW:
                await Meeting.create(version=draft, event=event, enterprise_id=m.enterprise_id,
                                     institution_id=m.institution_id, request_id=m.request_id, slot=m.slot,
                                     starts_at=m.starts_at, ends_at=m.ends_at, table=m.table, locked=True,
                                     state=MeetingState.NO_SHOW, absent_side=m.absent_side,
                                     attendance_by_id=m.attendance_by_id, attendance_at=m.attendance_at)
        await audit(by, "eventday.refill.apply", draft, after={"run": run.pk, "from_version": published.pk})
    return await versions.publish_version(draft, by=by, replaces=published.published_number)


def summary(run: ScheduleRun) -> dict[str, Any]:
    refill = (run.problem or {}).get("refill", {})
    return {"absent": len(refill.get("absent", [])), "pending": len(refill.get("pending", [])),
            "frozen": len(refill.get("frozen", [])), "cutoff": refill.get("cutoff")}
