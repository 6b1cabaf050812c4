"""The organizer's live board of the event day: the page, its server-sent updates, and the
one-click reminder to a participant on the chase list."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator

from starlette.requests import Request
from starlette.responses import Response, StreamingResponse

from matchmaker.models import Event
from matchmaker.services.eventday import chase, live
from matchmaker.services.events import setup as event_service
from matchmaker.web.auth import Viewer, organizer_of
from matchmaker.web.pages import redirect, render
from matchmaker.web.templating import _request_context

POLL_SECONDS = 2.0
#: A stream ends after this long; the browser's EventSource reconnects on its own.
STREAM_SECONDS = 300


async def _event(request: Request) -> tuple[Viewer, Event]:
    viewer = await organizer_of(request)  # the organizer's members and its event staff
    return viewer, await event_service.organizer_event(viewer.organization, request.path_params["event_id"])


async def live_page(request: Request) -> Response:
    viewer, event = await _event(request)
    board = await live.live_board(event, viewer=viewer.organization)
    return render(request, "eventday/live.html", {"viewer": viewer, "event": event, "board": board,
                                                  "reminded": request.query_params.get("reminded")})


async def live_events(request: Request) -> Response:
    """`board` events carrying the board's HTML whenever what it shows changes. The event id is
    the board's fingerprint, so a reconnecting browser (Last-Event-ID) is not sent it again."""
    viewer, event = await _event(request)
    templates = request.app.state.templates
    last = request.headers.get("last-event-id", "")

    async def stream() -> AsyncIterator[str]:
        nonlocal last
        yield "retry: 3000\n\n"
        waited = 0.0
        while waited < STREAM_SECONDS:
            board = await live.live_board(event, viewer=viewer.organization)
            fingerprint = board.fingerprint()
            if fingerprint != last:
                html = templates.get_template("eventday/_board.html").render(
                    {**_request_context(request), "request": request, "event": event, "board": board})
                data = "\n".join(f"data: {line}" for line in html.splitlines())
                yield f"id: {fingerprint}\nevent: board\n{data}\n\n"
                last = fingerprint
            else:
                yield ": keep-alive\n\n"
            if await request.is_disconnected():
                return
            await asyncio.sleep(POLL_SECONDS)
            waited += POLL_SECONDS

    return StreamingResponse(stream(), media_type="text/event-stream",
                             headers={"cache-control": "no-cache", "x-accel-buffering": "no"})


async def remind(request: Request) -> Response:
    viewer, event = await _event(request)
    queued = await chase.send_reminder(event, request.path_params["organization_id"], viewer=viewer.organization,
                                       by=viewer.user)
    return redirect(f"/organizer/events/{event.id}/live?reminded={queued}#chase")
