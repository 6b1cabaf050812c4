"""Meeting requests: a participant's page (suggestions, ask, answer, withdraw) and the organizer's."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput, NotAllowed
from matchmaker.models import Event, Organization, Priority
from matchmaker.services.events import setup as event_service
from matchmaker.services.events import requests as request_service
from matchmaker.services.events.registrations import side_of
from matchmaker.services.events.requests import RequestDraft
from matchmaker.web.auth import Viewer, organizer_of, viewer_of
from matchmaker.web.i18n import N_
from matchmaker.web.pages import redirect, render
from matchmaker.web.views.matching.terms import catalogue_cache, innovation_weights, matching_date

PRIORITY_LABELS = {Priority.MUST: N_("必须见"), Priority.WANT: N_("希望见"), Priority.OK: N_("可以见")}
STATE_LABELS = {"pending": N_("待答复"), "accepted": N_("已接受"), "declined": N_("已婉拒"), "expired": N_("已过期"),
                "withdrawn": N_("已撤回")}


def _int_or_none(value: object) -> int | None:
    try:
        return int(str(value))
    except ValueError:
        return None


def _priority(value: object) -> Priority:
    try:
        return Priority(str(value))
    except ValueError:
        raise InvalidInput({"priority": "请选择约见意愿：必须见、希望见或可以见"}) from None


async def read_request_form(form: FormData, asker: Organization) -> RequestDraft:
    """Enterprises choose the institution; institutions choose a need, which names the enterprise."""
    need_id = _int_or_none(form.get("need_id"))
    if need_id is None:
        raise InvalidInput({"need_id": "请选择融资需求"})
    to_id = _int_or_none(form.get("to_organization_id"))
    if side_of(asker) == "institution":
        to_id = await request_service.enterprise_of_need(need_id)
    if to_id is None:
        raise InvalidInput({"to_organization_id": "请选择约见对象"})
    return RequestDraft(to_organization_id=to_id, need_id=need_id, product_id=_int_or_none(form.get("product_id")),
                        priority=_priority(form.get("priority", "want")), message=str(form.get("message", "")),
                        after_pitch=form.get("after_pitch") == "1")


async def _page(request: Request, viewer: Viewer, event: Event, problems: dict, values: dict,
                status_code: int = 200) -> Response:
    page = await request_service.requests_page(event, viewer.organization, as_of=matching_date(),
                                               cache=catalogue_cache(request),
                                               innovation_weights=innovation_weights(request))
    choices = page.choices
    if choices.own_registration is None:
        raise NotAllowed("报名通过审核后才能查看和发起约见 (registration not approved)")
    return render(request, "events/requests.html", {
        "counterparts": choices.counterparts, "needs": choices.needs, "products": choices.products,
        "viewer": viewer, "event": event, "side": side_of(viewer.organization), "sent": page.sent,
        "received": page.received, "suggestions": page.suggestions,
        "priority_labels": PRIORITY_LABELS, "state_labels": STATE_LABELS, "problems": problems, "values": values,
    }, status_code=status_code)


async def requests_page(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    return await _page(request, viewer, event, {}, {})


async def ask(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    form = await request.form()
    values = {key: str(value) for key, value in form.items() if key != "csrftoken"}
    try:
        draft = await read_request_form(form, viewer.organization)
        await request_service.ask(event, viewer.organization, draft=draft, by=viewer.user)
    except InvalidInput as error:
        return await _page(request, viewer, event, error.problems, values, status_code=400)
    return redirect(f"/events/{event.id}/requests?asked=1")


async def answer(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    meeting_request = await request_service.participant_request(event, viewer.organization,
                                                                request.path_params["request_id"])
    form = await request.form()
    try:
        await request_service.answer(meeting_request, viewer.organization, accept=form.get("decision") == "accept",
                                     reason=str(form.get("reason", "")),
                                     priority=_priority(form.get("priority", "want")), by=viewer.user)
    except InvalidInput as error:  # shown beside that request's fields, on the same page
        problems = {f"{key}_{meeting_request.pk}": message for key, message in error.problems.items()}
        return await _page(request, viewer, event, problems, {}, status_code=400)
    return redirect(f"/events/{event.id}/requests")


async def withdraw(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    meeting_request = await request_service.participant_request(event, viewer.organization,
                                                                request.path_params["request_id"])
    await request_service.withdraw(meeting_request, viewer.organization, by=viewer.user)
    return redirect(f"/events/{event.id}/requests")


# --- organizer -----------------------------------------------------------------------------------

async def _organizer_page(request: Request, viewer: Viewer, event: Event, problems: dict,
                          status_code: int = 200) -> Response:
    enterprises, institutions, needs = await request_service.organizer_choices(event)
    return render(request, "events/organizer_requests.html", {
        "viewer": viewer, "event": event, "requests": await request_service.request_listing(
            event, state=request.query_params.get("state", ""), page=request.query_params.get("page", 1)),
        "enterprises": enterprises, "institutions": institutions, "needs": needs,
        "priority_labels": PRIORITY_LABELS, "state_labels": STATE_LABELS, "problems": problems,
    }, status_code=status_code)


async def organizer_requests(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    return await _organizer_page(request, viewer, event, {})


async def organizer_add(request: Request) -> Response:
    """The organizer adds a request for an enterprise (as if it had asked) to an institution."""
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    form = await request.form()
    try:
        need_id = _int_or_none(form.get("need_id"))
        to_id = _int_or_none(form.get("to_organization_id"))
        if need_id is None or to_id is None:
            raise InvalidInput({"need_id": "请选择企业及需求和约见机构"})
        draft = RequestDraft(to_organization_id=to_id, need_id=need_id, priority=_priority(form.get("priority")),
                             message=str(form.get("message", "")))
        await request_service.add_for_enterprise(event, draft=draft, by=viewer.user)
    except InvalidInput as error:
        return await _organizer_page(request, viewer, event, error.problems, status_code=400)
    return redirect(f"/organizer/events/{event.id}/requests")


async def organizer_remove(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    meeting_request = await request_service.organizer_request(event, request.path_params["request_id"])
    await request_service.withdraw(meeting_request, None, by=viewer.user)
    return redirect(f"/organizer/events/{event.id}/requests")
