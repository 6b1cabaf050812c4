"""The venue page: every staffed table with its hall and printed label, editable."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.services.eventday import tables
from matchmaker.services.events import setup as event_service
from matchmaker.web.auth import organizer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.pages import redirect, render


async def _event(request: Request):
    viewer = await organizer_of(request)
    return viewer, await event_service.organizer_event(viewer.organization, request.path_params["event_id"])


async def venue_page(request: Request, *, problems: dict | None = None, values: dict | None = None,
                     status_code: int = 200) -> Response:
    _viewer, event = await _event(request)
    return render(request, "eventday/venue.html", {
        "event": event, "seats": await tables.hall_tables(event), "halls": [h["name"] for h in event.halls],
        "problems": problems or {}, "values": values or {}, "notice": request.query_params.get("notice", ""),
    }, status_code=status_code)


async def save_venue(request: Request) -> Response:
    viewer, event = await _event(request)
    values = await form_fields(request)
    entries = {key.removeprefix("label-"): (values.get(f"hall-{key.removeprefix('label-')}", ""), value)
               for key, value in values.items() if key.startswith("label-")}
    try:
        await tables.save_hall_tables(event, entries, by=viewer.user)
    except InvalidInput as error:
        return await venue_page(request, problems=error.problems, values=values, status_code=400)
    return redirect(f"/organizer/events/{event.pk}/venue?notice=saved")


async def renumber_venue(request: Request) -> Response:
    viewer, event = await _event(request)
    await tables.renumber_hall_tables(event, by=viewer.user)
    return redirect(f"/organizer/events/{event.pk}/venue?notice=renumbered")
