"""The organizer downloads an event as a scheduling problem file."""

from __future__ import annotations

import json

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.services.events import setup as event_service
from matchmaker.services.scheduling.problem_export import export_problem
from matchmaker.web.auth import organizer_of


async def download_problem(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    body = json.dumps(await export_problem(event), ensure_ascii=False, indent=2)
    return Response(body, media_type="application/json; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="event-{event.id}-problem.json"'})
