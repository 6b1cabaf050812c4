"""Marking a meeting held or no-show: a participant from its agenda page, the organizer (or its
event staff) from the live board."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import Conflict, InvalidInput
from matchmaker.services.eventday import attendance
from matchmaker.services.events import setup as event_service
from matchmaker.web.auth import organizer_of, viewer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.i18n import gettext
from matchmaker.web.pages import redirect, render


async def participant_mark(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    values = await form_fields(request)
    try:
        meeting = await attendance.mark_by_participant(event, request.path_params["meeting_id"],
                                                       organization=viewer.organization, mark=values.get("mark", ""),
                                                       by=viewer.user)
    except (InvalidInput, Conflict) as error:
        return render(request, "errors/message.html", {"title": gettext("无法登记到场情况"), "message": error.message},
                      status_code=error.status_code)
    return redirect(f"/events/{event.id}/agenda?marked={meeting.id}#attendance-{meeting.id}")


async def organizer_mark(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    values = await form_fields(request)
    mark, side = values.get("mark", ""), ""
    if mark.startswith("no_show:"):  # one button per absent side on the board
        mark, side = "no_show", mark.split(":", 1)[1]
    try:
        await attendance.mark_by_organizer(event, request.path_params["meeting_id"], mark=mark, absent_side=side,
                                           by=viewer.user)
    except (InvalidInput, Conflict) as error:
        return render(request, "errors/message.html", {"title": gettext("无法登记到场情况"), "message": error.message,
                                                                    "back": f"/organizer/events/{event.id}/live"},
                      status_code=error.status_code)
    return redirect(f"/organizer/events/{event.id}/live")
