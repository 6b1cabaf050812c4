"""Roadshow pages: enterprises apply with a business plan, investors pick pitches and ask for
follow-up meetings, the organizer selects and places pitches."""

from __future__ import annotations

from starlette.datastructures import UploadFile
from starlette.requests import Request
from starlette.responses import FileResponse, Response

from matchmaker.errors import InvalidInput, NotFound
from matchmaker.models import PitchStatus
from matchmaker.services.events import setup as event_service
from matchmaker.services.events import pitches as pitch_service
from matchmaker.services.events import requests as request_service
from matchmaker.services.events.pitches import MAX_PLAN_BYTES, PitchApplication
from matchmaker.services.events.registrations import registration_of, side_of
from matchmaker.services.events.requests import RequestDraft
from matchmaker.web.auth import Viewer, organizer_of, viewer_of
from matchmaker.web.i18n import N_
from matchmaker.web.pages import redirect, render, settings_of
from matchmaker.web.views.events.requests import PRIORITY_LABELS, _priority

#: The plan may be 20 MB; the multipart envelope and the other fields need a little more.
PITCH_UPLOAD_BODY_LIMIT = MAX_PLAN_BYTES + 256 * 1024
PITCH_STATUS_LABELS = {PitchStatus.APPLIED: N_("待遴选"), PitchStatus.SELECTED: N_("已入选"),
                       PitchStatus.REJECTED: N_("未入选")}


async def _roadshow(request: Request, viewer: Viewer):
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    if event.kind.value == "docking":
        raise NotFound()
    return event


async def _page(request: Request, viewer: Viewer, event, problems: dict, values: dict,
                status_code: int = 200) -> Response:
    side = side_of(viewer.organization)
    registration = await registration_of(event, viewer.organization)
    mine = await pitch_service.roadshow_view(event, viewer.organization, registration)
    pitches = await pitch_service.event_pitches(event, selected_only=True)
    return render(request, "events/pitches.html", {
        "viewer": viewer, "event": event, "side": side, "registration": registration, "own_pitch": mine.own_pitch,
        "needs": mine.needs, "pitches": pitches, "picks": mine.picks, "status_labels": PITCH_STATUS_LABELS,
        "capacity": {p.id: pitch_service.hall_capacity(event, p.hall) for p in pitches},
        "slot_labels": {s.id: s.label for s in event_service.event_slots(event)},
        "priority_labels": PRIORITY_LABELS, "problems": problems, "values": values,
    }, status_code=status_code)


async def pitches_page(request: Request) -> Response:
    viewer = await viewer_of(request)
    return await _page(request, viewer, await _roadshow(request, viewer), {}, {})


async def apply(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await _roadshow(request, viewer)
    async with request.form(max_part_size=PITCH_UPLOAD_BODY_LIMIT) as form:  # closes the spooled upload
        upload = form.get("plan")
        plan, plan_name = b"", ""
        if isinstance(upload, UploadFile):
            # One byte more than allowed is enough to tell "too large" without holding more.
            plan, plan_name = await upload.read(MAX_PLAN_BYTES + 1), upload.filename or ""
        need = str(form.get("need_id", ""))
        application = PitchApplication(title=str(form.get("title", "")), summary=str(form.get("summary", "")),
                                       need_id=int(need) if need.isdigit() else None, plan=plan,
                                       plan_name=plan_name)
    try:
        await pitch_service.apply_to_pitch(event, viewer.organization, application=application, by=viewer.user,
                                           var_dir=settings_of(request).var_dir)
    except InvalidInput as error:
        values = {"title": application.title, "summary": application.summary, "need_id": need}
        return await _page(request, viewer, event, error.problems, values, status_code=400)
    return redirect(f"/events/{event.id}/pitches?applied=1")


async def plan_file(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    pitch = await pitch_service.event_pitch(event, request.path_params["pitch_id"])
    path = await pitch_service.plan_file_for(pitch, viewer.organization, settings_of(request).var_dir)
    return FileResponse(path, media_type="application/pdf", filename=pitch.plan_name,
                        headers={"cache-control": "private, no-store"})


async def pick(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await _roadshow(request, viewer)
    pitch = await pitch_service.event_pitch(event, request.path_params["pitch_id"])
    if request.path_params["action"] not in ("pick", "unpick"):
        raise NotFound()
    if request.path_params["action"] == "pick":
        try:
            await pitch_service.pick_pitch(event, pitch, viewer.organization, by=viewer.user)
        except InvalidInput as error:
            return await _page(request, viewer, event, error.problems, {}, status_code=400)
    else:
        await pitch_service.cancel_pick(event, pitch, viewer.organization, by=viewer.user)
    return redirect(f"/events/{event.id}/pitches")


async def follow_up(request: Request) -> Response:
    """An investor asks a pitching enterprise for a meeting after its pitch."""
    viewer = await viewer_of(request)
    event = await _roadshow(request, viewer)
    pitch = await pitch_service.event_pitch(event, request.path_params["pitch_id"])
    form = await request.form()
    if pitch.need_id is None:
        raise InvalidInput({"need_id": "该路演未关联融资需求，无法申请跟进约见"})
    draft = RequestDraft(to_organization_id=pitch.enterprise_id, need_id=pitch.need_id,
                         priority=_priority(form.get("priority", "want")), message=str(form.get("message", "")),
                         after_pitch=True)
    await request_service.ask(event, viewer.organization, draft=draft, by=viewer.user)
    return redirect(f"/events/{event.id}/requests?asked=1")


# --- organizer -----------------------------------------------------------------------------------

async def _organizer_page(request: Request, viewer: Viewer, event, problems: dict, status_code: int = 200):
    return render(request, "events/organizer_pitches.html", {
        "viewer": viewer, "event": event, "pitches": await pitch_service.event_pitches(event),
        "slots": event_service.event_slots(event), "status_labels": PITCH_STATUS_LABELS, "problems": problems,
    }, status_code=status_code)


async def organizer_pitches(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    return await _organizer_page(request, viewer, event, {})


async def place(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    pitch = await pitch_service.event_pitch(event, request.path_params["pitch_id"])
    form = await request.form()
    try:
        status = PitchStatus(str(form.get("status", "")))
    except ValueError:
        raise InvalidInput({"status": "请选择入选或未入选"}) from None
    try:
        await pitch_service.place_pitch(event, pitch, status=status, hall=str(form.get("hall", "")),
                                        slot=str(form.get("slot", "")), by=viewer.user)
    except InvalidInput as error:
        return await _organizer_page(request, viewer, event, {pitch.id: error.problems}, status_code=400)
    return redirect(f"/organizer/events/{event.id}/pitches")
