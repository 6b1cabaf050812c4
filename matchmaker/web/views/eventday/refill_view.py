"""现场补位: the organizer sees who is absent, runs the refill, reads the proposal (who gains,
who moves, who loses) and publishes it."""

from __future__ import annotations

from datetime import datetime

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import Conflict, InvalidInput, NotAllowed
from matchmaker.models import Event, Role
from matchmaker.services.eventday import refill
from matchmaker.services.events import setup as event_service
from matchmaker.services.events.slots import SHANGHAI, parse_hhmm
from matchmaker.services.clock import utc_now
from matchmaker.web.auth import Viewer, organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render
from matchmaker.web.views.scheduling.schedule import progress_points, run_summary


async def _event(request: Request) -> tuple[Viewer, Event]:
    viewer = await organizer_of(request)
    if viewer.role == Role.STAFF:
        raise NotAllowed("现场工作人员只能签到和登记到场情况 (event staff: check-in and attendance only)")
    return viewer, await event_service.organizer_event(viewer.organization, request.path_params["event_id"])


def _cutoff(raw: str) -> datetime | None:
    """Today's HH:MM in Beijing time; None for empty."""
    if not raw.strip():
        return None
    moment = parse_hhmm(raw)
    if moment is None:
        raise InvalidInput({"cutoff": "请按 时:分 填写截止时间，例如 09:30"})
    day = utc_now().astimezone(SHANGHAI).date()
    return datetime.combine(day, moment, SHANGHAI)


async def refill_page(request: Request, *, problems: dict[str, str] | None = None, message: str = "",
                      cutoff: str = "", status_code: int = 200) -> Response:
    viewer, event = await _event(request)
    try:
        chosen = _cutoff(cutoff)
    except InvalidInput:
        chosen = None
    return render(request, "eventday/refill.html", {
        "viewer": viewer, "event": event, "plan": await refill.refill_plan(event, cutoff=chosen),
        "runs": await refill.recent_refills(event), "problems": problems or {}, "message": message,
        "cutoff": cutoff, "applied": request.query_params.get("applied"), "run": None,
    }, status_code=status_code)


async def start(request: Request) -> Response:
    viewer, event = await _event(request)
    values = await form_fields(request)
    try:
        run = await refill.start_refill(event, by=viewer.user, cutoff=_cutoff(values.get("cutoff", "")))
    except InvalidInput as error:
        return await refill_page(request, problems=error.problems, cutoff=values.get("cutoff", ""), status_code=400)
    except Conflict as error:
        return await refill_page(request, message=error.message, status_code=409)
    return redirect(f"/organizer/events/{event.id}/refill/{run.id}")


async def run_page(request: Request, *, message: str = "", status_code: int = 200) -> Response:
    viewer, event = await _event(request)
    run = await refill.refill_run(event, request.path_params["run_id"])
    return render(request, "eventday/refill.html", {
        "viewer": viewer, "event": event, "run": run, "summary": run_summary(run), "points": progress_points(run),
        "refill": refill.summary(run), "changes": await refill.refill_changes(run), "message": message,
        "problems": {}, "plan": None, "runs": [], "applied": None, "cutoff": "",
    }, status_code=status_code)


async def apply(request: Request) -> Response:
    viewer, event = await _event(request)
    run = await refill.refill_run(event, request.path_params["run_id"])
    try:
        changes = await refill.apply_refill(run, by=viewer.user)
    except Conflict as error:
        return await run_page(request, message=error.message, status_code=409)
    return redirect(f"/organizer/events/{event.id}/refill?applied={len(changes)}")
