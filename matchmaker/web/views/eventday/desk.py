"""The check-in desk (签到台): the page, and the JSON its script talks to (roster for offline
use, search, check-in one by one or a queued batch, walk-in registration). Organizer members
and event staff (现场工作人员) only."""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker.errors import DomainError, InvalidInput
from matchmaker.models import Event
from matchmaker.services.eventday import desk, walkins
from matchmaker.services.events import setup as event_service
from matchmaker.web.auth import Viewer, event_staff_of
from matchmaker.web.pages import render, settings_of

#: The desk page alone may use the camera (the app-wide policy turns it off).
CAMERA_POLICY = "camera=(self), microphone=(), geolocation=()"
#: A desk that was offline for a long while sends its queue in batches of at most this many.
BATCH_LIMIT = 200


async def _event(request: Request) -> tuple[Viewer, Event]:
    viewer = await event_staff_of(request)
    return viewer, await event_service.organizer_event(viewer.organization, request.path_params["event_id"])


def _secret(request: Request) -> str:
    return settings_of(request).security_secret_key


def attendee_json(attendee: desk.Attendee) -> dict[str, Any]:
    return {
        "id": attendee.organization_id, "name": attendee.name, "kind": attendee.kind.value, "uscc": attendee.uscc,
        "token": attendee.token, "note": attendee.note, "person": attendee.default_person,
        "people": [{"name": p.name, "title": p.title, "phone": p.phone} for p in attendee.people],
        "meetings": [{"start": m.start.astimezone(desk.SHANGHAI).strftime("%H:%M"),
                      "end": m.end.astimezone(desk.SHANGHAI).strftime("%H:%M"),
                      "table": m.label, "counterpart": m.counterpart} for m in attendee.meetings],
        "arrivals": [{"person": a.person, "at": a.at.astimezone(desk.SHANGHAI).strftime("%H:%M"), "desk": a.desk}
                     for a in attendee.arrivals],
    }


def result_json(result: desk.CheckInResult) -> dict[str, Any]:
    return {"ok": True, "created": result.created, "message": result.message,
            "client_key": result.checkin.client_key, "attendee": attendee_json(result.attendee)}


def error_json(error: DomainError) -> dict[str, Any]:
    body: dict[str, Any] = {"ok": False, "message": error.message}
    if isinstance(error, InvalidInput):
        body["problems"] = error.problems
        body["message"] = "；".join(error.problems.values()) or error.message
    if isinstance(error, desk.CheckInRefused):
        body["reason"] = error.reason
    return body


async def _json_body(request: Request) -> Any:
    try:
        return json.loads(await request.body() or b"{}")
    except ValueError:
        raise InvalidInput({"body": "请求内容不是有效的 JSON"}) from None


def _draft(item: Any) -> desk.CheckInDraft:
    if not isinstance(item, dict):
        raise InvalidInput({"body": "签到内容格式不对"})
    scanned_at = None
    if item.get("scanned_at"):
        try:
            scanned_at = datetime.fromisoformat(str(item["scanned_at"]).replace("Z", "+00:00"))
        except ValueError:
            raise InvalidInput({"scanned_at": "扫码时间格式不对"}) from None
    organization_id = item.get("organization_id")
    if organization_id is not None:
        try:
            organization_id = int(organization_id)
        except (TypeError, ValueError):
            raise InvalidInput({"organization_id": "参会单位编号不对"}) from None
    return desk.CheckInDraft(token=str(item.get("token") or ""), organization_id=organization_id,
                             person=str(item.get("person") or ""), phone=str(item.get("phone") or ""),
                             desk=str(item.get("desk") or ""), client_key=str(item.get("client_key") or ""),
                             scanned_at=scanned_at)


async def desk_events(request: Request) -> Response:
    viewer = await event_staff_of(request)
    events = await event_service.organizer_events(viewer.organization)
    return render(request, "eventday/desk.html", {"events": events, "event": None, "viewer": viewer})


async def desk_page(request: Request) -> Response:
    viewer, event = await _event(request)
    today = desk.desk_day()
    return render(request, "eventday/desk.html", {
        "event": event, "viewer": viewer, "today": today, "event_days": desk.event_days(event),
        "is_event_day": today.isoformat() in desk.event_days(event),
    }, headers={"permissions-policy": CAMERA_POLICY})


async def roster(request: Request) -> Response:
    _viewer, event = await _event(request)
    attendees = await desk.roster(event, secret_key=_secret(request))
    return JSONResponse({"event": event.pk, "day": desk.desk_day().isoformat(),
                         "attendees": [attendee_json(a) for a in attendees]},
                        headers={"cache-control": "no-store"})


async def search(request: Request) -> Response:
    _viewer, event = await _event(request)
    found = await desk.search(event, request.query_params.get("q", ""), secret_key=_secret(request))
    return JSONResponse({"attendees": [attendee_json(a) for a in found]})


async def scan(request: Request) -> Response:
    viewer, event = await _event(request)
    try:
        result = await desk.check_in(event, _draft(await _json_body(request)), by=viewer.user,
                                     secret_key=_secret(request))
    except DomainError as error:
        return JSONResponse(error_json(error), status_code=error.status_code)
    return JSONResponse(result_json(result), status_code=201 if result.created else 200)


async def sync(request: Request) -> Response:
    """A desk's offline queue: each item answered on its own (one refused pass does not hold
    back the others), each landing once thanks to its client key."""
    viewer, event = await _event(request)
    body = await _json_body(request)
    items = body.get("items") if isinstance(body, dict) else None
    if not isinstance(items, list) or len(items) > BATCH_LIMIT:
        return JSONResponse({"ok": False, "message": f"每批最多 {BATCH_LIMIT} 条签到"}, status_code=400)
    answers = []
    for item in items:
        try:
            draft = _draft(item)
            if not draft.client_key:
                raise InvalidInput({"client_key": "离线签到缺少编号"})
            answers.append(result_json(await desk.check_in(event, draft, by=viewer.user, secret_key=_secret(request))))
        except DomainError as error:
            answers.append({**error_json(error), "client_key": item.get("client_key") if isinstance(item, dict)
                            else None})
    return JSONResponse({"ok": True, "results": answers})


async def registry_search(request: Request) -> Response:
    await _event(request)
    found = await walkins.registry_matches(request.query_params.get("q", ""))
    return JSONResponse({"organizations": [{"id": o.pk, "name": o.name, "uscc": o.uscc or ""} for o in found]})


async def walk_in(request: Request) -> Response:
    viewer, event = await _event(request)
    item = await _json_body(request)
    try:
        if not isinstance(item, dict):
            raise InvalidInput({"body": "现场报名内容格式不对"})
        organization_id = item.get("organization_id")
        draft = walkins.WalkInDraft(
            organization_id=int(organization_id) if str(organization_id or "").isdigit() else None,
            name=str(item.get("name") or ""), uscc=str(item.get("uscc") or ""), person=str(item.get("person") or ""),
            phone=str(item.get("phone") or ""), desk=str(item.get("desk") or ""),
            client_key=str(item.get("client_key") or ""))
        result = await walkins.register_walk_in(event, draft, by=viewer.user, secret_key=_secret(request))
    except DomainError as error:
        return JSONResponse(error_json(error), status_code=error.status_code)
    return JSONResponse(result_json(result), status_code=201)
