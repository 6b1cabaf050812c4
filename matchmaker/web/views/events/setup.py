"""Organizer pages for setting up an event: list, create, edit, open and close."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.models import Eligibility, EventKind, EventStatus
from matchmaker.services.events import setup as event_service
from matchmaker.services.events.setup import EventPhase
from matchmaker.services.events import invitations
from matchmaker.services.events import registrations as registration_service
from matchmaker.services.events import requests as request_service
from matchmaker.web.auth import organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.i18n import N_
from matchmaker.web.pages import redirect, render

KIND_LABELS = {EventKind.DOCKING: N_("银企对接会"), EventKind.ROADSHOW: N_("融资路演"),
               EventKind.BOTH: N_("对接会与路演")}
REGISTRATION_LABELS = {"pending": N_("待审核"), "approved": N_("已通过"), "rejected": N_("已驳回")}
STATUS_LABELS = {EventStatus.DRAFT: N_("草稿"), EventStatus.OPEN: N_("报名中"), EventStatus.CLOSED: N_("已结束")}
# What a badge says: the phase, not the bare status (DESIGN: past the deadline or published, no 报名中).
PHASE_LABELS = {EventPhase.DRAFT: N_("草稿"), EventPhase.REGISTRATION: N_("报名中"),
                EventPhase.REGISTRATION_CLOSED: N_("报名已截止"), EventPhase.PUBLISHED: N_("日程已发布"),
                EventPhase.CLOSED: N_("已结束")}
ELIGIBILITY_LABELS = {Eligibility.ALL: N_("所有企业"), Eligibility.CHAINS: N_("指定产业链企业"),
                      Eligibility.INVITATION: N_("邀请名单内企业")}
NEW_EVENT_DEFAULTS = {"kind": "docking", "am_start": "09:00", "am_end": "12:00", "pm_start": "14:00",
                      "pm_end": "17:00", "slot_minutes": "20", "pitch_minutes": "10", "tables_per_institution": "1",
                      "eligibility": "all", "coverage_bonus": "10", "first_loan_bonus_percent": "50"}


def _form(request: Request, viewer, values: dict, problems: dict, *, action: str, heading: str,
          status_code: int = 200) -> Response:
    return render(request, "events/form.html", {
        "viewer": viewer, "values": values, "problems": problems, "action": action, "heading": heading,
        "kind_labels": KIND_LABELS, "eligibility_labels": ELIGIBILITY_LABELS,
    }, status_code=status_code)


async def event_list(request: Request) -> Response:
    viewer = await organizer_of(request)
    events = await event_service.organizer_events(viewer.organization)
    return render(request, "events/organizer_list.html", {
        "viewer": viewer, "events": events, "phases": await event_service.event_phases(events),
        "kind_labels": KIND_LABELS, "phase_labels": PHASE_LABELS})


async def new_event_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    return _form(request, viewer, dict(NEW_EVENT_DEFAULTS), {}, action="/organizer/events", heading=N_("新建活动"))


async def create_event(request: Request) -> Response:
    viewer = await organizer_of(request)
    values = await form_fields(request)
    try:
        event = await event_service.create_event(viewer.organization, draft=event_service.read_event_form(values),
                                                 by=viewer.user)
    except InvalidInput as error:
        return _form(request, viewer, values, error.problems, action="/organizer/events", heading=N_("新建活动"),
                     status_code=400)
    return redirect(f"/organizer/events/{event.id}")


async def edit_event_form(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    return _form(request, viewer, event_service.form_values(event), {}, action=f"/organizer/events/{event.id}/edit",
                 heading=N_("修改活动"))


async def update_event(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    values = await form_fields(request)
    try:
        await event_service.update_event(event, draft=event_service.read_event_form(values), by=viewer.user)
    except InvalidInput as error:
        return _form(request, viewer, values, error.problems, action=f"/organizer/events/{event.id}/edit",
                     heading=N_("修改活动"), status_code=400)
    return redirect(f"/organizer/events/{event.id}")


async def change_status(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    status = {"open": EventStatus.OPEN, "close": EventStatus.CLOSED}.get(request.path_params["action"])
    if status is None:
        raise InvalidInput({"action": "未知操作"})
    await event_service.set_event_status(event, status, by=viewer.user)
    return redirect(f"/organizer/events/{event.id}")


async def import_invitations(request: Request) -> Response:
    """The organizer uploads an Excel list of invited enterprises' 统一社会信用代码."""
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    async with request.form() as form:
        upload = form.get("invitation_file")
        data = await upload.read() if isinstance(upload, UploadFile) else b""
    try:
        added = await invitations.import_invitations(event, data, by=viewer.user)
    except InvalidInput as error:
        return await _overview(request, viewer, event, error.problems, status_code=400)
    return redirect(f"/organizer/events/{event.id}?invited={added}")


async def event_overview(request: Request) -> Response:
    """The organizer's home for one event: facts, slots, registrations and request follow-up."""
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    return await _overview(request, viewer, event, {})


async def _overview(request: Request, viewer, event, problems: dict, status_code: int = 200) -> Response:
    return render(request, "events/organizer_event.html", {
        "viewer": viewer, "event": event, "kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
        "phase": (await event_service.event_phases([event]))[event.pk], "phase_labels": PHASE_LABELS,
        "slots": event_service.event_slots(event), "sessions": event_service.event_sessions(event),
        "registrations": await registration_service.registration_listing(
            event, state=request.query_params.get("state", ""), page=request.query_params.get("page", 1)),
        "registration_labels": REGISTRATION_LABELS,
        "follow_up": await request_service.organizer_follow_up(event),
        "problems": problems, "values": {},
    }, status_code=status_code)
