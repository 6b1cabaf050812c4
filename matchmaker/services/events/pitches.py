"""Roadshow pitches: applying with a business plan PDF, the organizer's selection and placement in
halls and slots, investors' picks with a first-come-first-served waiting list.

Business plans are stored under `<var>/uploads/pitches/<event id>/`, never under `static/`, and
are read back only through `plan_file_for`, which checks who is asking.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from tortoise.transactions import in_transaction

from matchmaker.text import text_problems
from matchmaker.errors import Conflict, InvalidInput, NotAllowed, NotFound
from matchmaker.models import (
    INSTITUTION_KINDS,
    AttendanceState,
    Event,
    EventKind,
    EventStatus,
    FinancingNeed,
    Organization,
    Pitch,
    PitchAttendance,
    PitchStatus,
    Registration,
    RegistrationStatus,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.events.setup import event_slots
from matchmaker.services.mailing.notifications import notify
from matchmaker.services.events.registrations import side_of

MAX_PLAN_BYTES = 20 * 1024 * 1024
PDF_MAGIC = b"%PDF-"


@dataclass(frozen=True)
class PitchApplication:
    title: str
    summary: str
    need_id: int | None
    plan: bytes
    plan_name: str


def uploads_dir(var_dir: Path) -> Path:
    return var_dir / "uploads"


def _check_application(event: Event, registration: Registration | None, application: PitchApplication) -> None:
    if event.kind == EventKind.DOCKING:
        raise NotFound()  # a docking event has no roadshow to apply to
    if registration is None or registration.status != RegistrationStatus.APPROVED:
        raise NotAllowed("报名通过审核后才能申请路演 (registration not approved)")
    if event.status != EventStatus.OPEN:
        raise Conflict("该活动当前不接受路演申请 (event not open)")
    if event.registration_deadline and datetime.now(UTC) > event.registration_deadline:
        raise Conflict("路演申请已随报名截止 (registration deadline passed)")
    problems: dict[str, str] = {}
    if not application.title.strip():
        problems["title"] = "请填写路演项目名称"
    # A multipart form passes no middleware's text check: the one sanitiser runs here.
    problems.update({key: f"{'项目名称' if key == 'title' else '项目简介'}{message}" for key, message in text_problems(
        {"title": application.title, "summary": application.summary}, single_line=frozenset({"title"})).items()})
    if application.need_id is not None and application.need_id not in registration.need_ids:
        problems["need_id"] = "请选择本次报名时带来的融资需求"
    if not application.plan:
        problems["plan"] = "请上传商业计划书（PDF）"
    elif len(application.plan) > MAX_PLAN_BYTES:
        problems["plan"] = "商业计划书不能超过 20 MB"
    elif not application.plan.startswith(PDF_MAGIC):
        problems["plan"] = "商业计划书须为 PDF 文件（文件内容不是 PDF）"
    if problems:
        raise InvalidInput(problems)


async def apply_to_pitch(event: Event, enterprise: Organization, *, application: PitchApplication, by: User,
                         var_dir: Path) -> Pitch:
    """Apply to pitch (or replace the application and its plan). The file is written first and
    removed again if the database write fails, so there is never a row without its file."""
    registration = await Registration.get_or_none(event=event, organization=enterprise)
    _check_application(event, registration, application)
    relative = Path("pitches") / str(event.pk) / f"{uuid.uuid4().hex}.pdf"
    target = uploads_dir(var_dir) / relative
    target.parent.mkdir(parents=True, exist_ok=True)
    target.write_bytes(application.plan)
    replaced: str = ""
    try:
        async with in_transaction():
            pitch = await Pitch.get_or_none(event=event, enterprise=enterprise)
            row = {"title": application.title.strip()[:120], "summary": application.summary.strip()[:4000],
                   "need_id": application.need_id, "plan_path": str(relative),
                   "plan_name": Path(application.plan_name).name[:200] or "business-plan.pdf",
                   "plan_size": len(application.plan)}
            if pitch is None:
                pitch = await Pitch.create(event=event, enterprise=enterprise, **row)
            else:
                replaced = pitch.plan_path
                await pitch.update_from_dict(row).save()
            await audit(by, "pitch.apply", pitch, organization=enterprise,
                        after={"title": pitch.title, "plan_size": pitch.plan_size})
    except BaseException:
        target.unlink(missing_ok=True)
        raise
    if replaced:
        (uploads_dir(var_dir) / replaced).unlink(missing_ok=True)
    return pitch


async def plan_file_for(pitch: Pitch, organization: Organization, var_dir: Path) -> Path:
    """The stored plan, for its enterprise, the event's organizer and approved institutions only."""
    event = await pitch.event
    allowed = organization.pk in (pitch.enterprise_id, event.organizer_id)
    if not allowed and organization.kind in INSTITUTION_KINDS:
        allowed = await Registration.exists(event=event, organization=organization,
                                            status=RegistrationStatus.APPROVED)
    path = uploads_dir(var_dir) / pitch.plan_path
    if not allowed or not pitch.plan_path or not path.is_file():
        raise NotFound()
    return path


async def event_pitch(event: Event, pitch_id: object) -> Pitch:
    try:
        key = int(pitch_id)  # type: ignore[arg-type]
    except (TypeError, ValueError):
        raise NotFound() from None
    pitch = await Pitch.get_or_none(pk=key, event=event).prefetch_related("enterprise")
    if pitch is None:
        raise NotFound()
    return pitch


async def place_pitch(event: Event, pitch: Pitch, *, status: PitchStatus, hall: str, slot: str, by: User) -> Pitch:
    """Select a pitch into a hall and slot (one pitch per hall and slot), or reject it."""
    if status == PitchStatus.SELECTED:
        problems: dict[str, str] = {}
        if hall not in {h["name"] for h in event.halls}:
            problems["hall"] = "请选择本活动的路演厅"
        if slot not in {s.id for s in event_slots(event)}:
            problems["slot"] = "请选择本活动的时段"
        elif await Pitch.filter(event=event, hall=hall, slot=slot, status=PitchStatus.SELECTED).exclude(
                id=pitch.pk).exists():
            problems["slot"] = "该路演厅的这个时段已安排了其他路演"
        if problems:
            raise InvalidInput(problems)
    else:
        hall, slot = "", ""
    async with in_transaction():
        before = {"status": pitch.status.value, "hall": pitch.hall, "slot": pitch.slot}
        pitch.status, pitch.hall, pitch.slot = status, hall, slot
        await pitch.save(update_fields=["status", "hall", "slot"])
        await audit(by, f"pitch.{status.value}", pitch, before=before,
                    after={"status": status.value, "hall": hall, "slot": slot})
        selected = status == PitchStatus.SELECTED
        await notify(pitch.enterprise_id, kind=f"pitch.{status.value}", event=event, link=f"/events/{event.pk}/pitches",
                     code="pitch.selected" if selected else "pitch.rejected",
                     args={"event": event.title, "hall": hall, "slot": slot})
    return pitch


def hall_capacity(event: Event, hall: str) -> int:
    return next((int(h["capacity"]) for h in event.halls if h["name"] == hall), 0)


async def pick_pitch(event: Event, pitch: Pitch, investor: Organization, *, by: User) -> PitchAttendance:
    """An investor picks a pitch: confirmed while the hall has seats, else on the waiting list."""
    if not await Registration.exists(event=event, organization=investor, status=RegistrationStatus.APPROVED) \
            or side_of(investor) != "institution":
        raise NotAllowed("报名通过审核的投资机构才能选择路演 (approved investors only)")
    if pitch.status != PitchStatus.SELECTED:
        raise NotFound()
    async with in_transaction():
        # Lock the pitch row so that two investors taking the last seat are served one after the other.
        await Pitch.filter(pk=pitch.pk).select_for_update().first()
        if await PitchAttendance.exists(pitch=pitch, investor=investor):
            raise Conflict("您已选择过该路演 (already picked)")
        clash = await _confirmed_pick_in_slot(event, investor.pk, pitch.slot)
        if clash is not None:
            raise InvalidInput({f"pitch_{pitch.pk}": f"您已确认参加同一时段的“{clash.pitch.title}”（{clash.pitch.hall}），"
                                                     "一个时段只能参加一场路演；如需更换请先取消那一场"})
        confirmed = await PitchAttendance.filter(pitch=pitch, state=AttendanceState.CONFIRMED).count()
        has_seat = confirmed < hall_capacity(event, pitch.hall)
        state = AttendanceState.CONFIRMED if has_seat else AttendanceState.WAITLISTED
        attendance = await PitchAttendance.create(pitch=pitch, investor=investor, state=state)
        await audit(by, f"pitch.pick.{state.value}", attendance, organization=investor)
    return attendance


async def _confirmed_pick_in_slot(event: Event, investor_id: int, slot: str) -> PitchAttendance | None:
    """The investor's confirmed seat at another pitch of this event in `slot`, if any: one
    person cannot sit in two halls at once."""
    return await PitchAttendance.filter(investor_id=investor_id, state=AttendanceState.CONFIRMED, pitch__event=event,
                                        pitch__slot=slot).prefetch_related("pitch").first()


async def cancel_pick(event: Event, pitch: Pitch, investor: Organization, *, by: User) -> None:
    """Give a seat back: the first investor on the waiting list gets it and is told."""
    async with in_transaction():
        await Pitch.filter(pk=pitch.pk).select_for_update().first()
        attendance = await PitchAttendance.get_or_none(pitch=pitch, investor=investor)
        if attendance is None:
            raise NotFound()
        freed = attendance.state == AttendanceState.CONFIRMED
        await attendance.delete()
        await audit(by, "pitch.unpick", pitch, organization=investor)
        if freed:
            queue = await PitchAttendance.filter(pitch=pitch, state=AttendanceState.WAITLISTED).order_by(
                "created_at", "id")
            # The seat goes to the first in line who is not already seated elsewhere in that slot.
            waiting = None
            for candidate in queue:
                if await _confirmed_pick_in_slot(event, candidate.investor_id, pitch.slot) is None:
                    waiting = candidate
                    break
            if waiting is not None:
                waiting.state = AttendanceState.CONFIRMED
                await waiting.save(update_fields=["state"])
                await notify(waiting.investor_id, kind="pitch.seat", event=event, link=f"/events/{event.pk}/pitches",
                             code="pitch.seat", args={"pitch": pitch.title})


async def event_pitches(event: Event, *, selected_only: bool = False) -> list[Pitch]:
    query = Pitch.filter(event=event)
    if selected_only:
        query = query.filter(status=PitchStatus.SELECTED)
    return await query.order_by("slot", "hall", "id").select_related("need").prefetch_related(
        "enterprise__profile", "attendance")


@dataclass(frozen=True)
class RoadshowView:
    """A participant's side of a roadshow: its own application and needs (enterprises), or the
    pitches it picked, by pitch id, with the state of each pick (institutions)."""

    own_pitch: Pitch | None
    needs: list[FinancingNeed]
    picks: dict[int, str]


async def roadshow_view(event: Event, organization: Organization, registration: Registration | None) -> RoadshowView:
    if side_of(organization) == "enterprise":
        return RoadshowView(
            own_pitch=await Pitch.get_or_none(event=event, enterprise=organization),
            needs=await FinancingNeed.filter(id__in=registration.need_ids if registration else []).order_by("id"),
            picks={})
    picks = {a.pitch_id: a.state.value
             for a in await PitchAttendance.filter(investor=organization, pitch__event=event)}
    return RoadshowView(own_pitch=None, needs=[], picks=picks)
