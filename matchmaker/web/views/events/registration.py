"""Registering for an event (participants) and deciding on registrations (organizer)."""

from __future__ import annotations

from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import InvalidInput
from matchmaker.models import Organization
from matchmaker.services.events import setup as event_service
from matchmaker.services.events import registrations as registration_service
from matchmaker.services.events.registrations import RegistrationDraft, Representative, SessionChoice, side_of
from matchmaker.web.auth import organizer_of, viewer_of
from matchmaker.web.pages import redirect, render

REPRESENTATIVE_ROWS = 3


def _ints(values: list) -> tuple[int, ...]:
    result = []
    for value in values:
        try:
            result.append(int(value))
        except (TypeError, ValueError):
            continue
    return tuple(result)


def read_registration_form(form: FormData, session_keys: list[str]) -> RegistrationDraft:
    """need_ids (checkboxes), rep_name_N/rep_title_N/rep_products_N, tables, and per session
    key: attends_<key> (checkbox), arrive_<key>, leave_<key>."""
    representatives = tuple(
        Representative(str(form.get(f"rep_name_{n}", "")), str(form.get(f"rep_title_{n}", "")),
                       _ints(form.getlist(f"rep_products_{n}")))
        for n in range(REPRESENTATIVE_ROWS))
    tables_raw = str(form.get("tables", "")).strip()
    availability = {key: SessionChoice(attends=form.get(f"attends_{key}") == "1",
                                       arrive_at=str(form.get(f"arrive_{key}", "")),
                                       leave_at=str(form.get(f"leave_{key}", "")))
                    for key in session_keys}
    return RegistrationDraft(need_ids=_ints(form.getlist("need_ids")), representatives=representatives,
                             tables=int(tables_raw) if tables_raw.isdigit() else None, availability=availability)


async def _form_context(event, organization: Organization, registration, problems: dict, form: FormData | None,
                        action: str) -> dict:
    side = side_of(organization)
    sessions = event_service.event_sessions(event)
    availability = await registration_service.availability_of(registration) if registration else {}
    if form is not None:  # redisplay what was typed
        chosen_needs = set(_ints(form.getlist("need_ids")))
        people = [{"name": form.get(f"rep_name_{n}", ""), "title": form.get(f"rep_title_{n}", ""),
                   "product_ids": list(_ints(form.getlist(f"rep_products_{n}")))} for n in range(REPRESENTATIVE_ROWS)]
        tables = str(form.get("tables", ""))
        choices = {s.key: {"attends": form.get(f"attends_{s.key}") == "1", "arrive": form.get(f"arrive_{s.key}", ""),
                           "leave": form.get(f"leave_{s.key}", "")} for s in sessions}
    else:
        chosen_needs = set(registration.need_ids) if registration else set()
        people = list(registration.representatives) if registration else []
        people += [{"name": "", "title": "", "product_ids": []}] * (REPRESENTATIVE_ROWS - len(people))
        tables = str(registration.tables) if registration and registration.tables else ""
        choices = {s.key: {"attends": availability[s.key].attends if s.key in availability else True,
                           "arrive": availability[s.key].arrive_at if s.key in availability else "",
                           "leave": availability[s.key].leave_at if s.key in availability else ""} for s in sessions}
    return {
        "event": event, "organization": organization, "side": side, "registration": registration,
        "needs": await registration_service.bringable_needs(organization) if side == "enterprise" else [],
        "products": await registration_service.presentable_products(organization) if side == "institution" else [],
        "chosen_needs": chosen_needs, "people": people, "tables": tables, "sessions": sessions, "choices": choices,
        "problems": problems, "action": action,
    }


async def register_form(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    if not event_service.registration_open(event):
        return redirect(f"/events/{event.id}?closed=1")  # the event page says why
    registration = await registration_service.registration_of(event, viewer.organization)
    return render(request, "events/register.html", await _form_context(
        event, viewer.organization, registration, {}, None, f"/events/{event.id}/register"))


async def register(request: Request) -> Response:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    form = await request.form()
    draft = read_registration_form(form, [s.key for s in event_service.event_sessions(event)])
    if not event_service.registration_open(event):
        return redirect(f"/events/{event.id}?closed=1")
    try:
        await registration_service.register(event, viewer.organization, draft=draft, by=viewer.user)
    except InvalidInput as error:
        registration = await registration_service.registration_of(event, viewer.organization)
        return render(request, "events/register.html", await _form_context(
            event, viewer.organization, registration, error.problems, form, f"/events/{event.id}/register"),
            status_code=400)
    return redirect(f"/events/{event.id}?registered=1")


async def decide(request: Request) -> Response:
    """One or many registrations approved or rejected (bulk: several registration_ids checked)."""
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    form = await request.form()
    await registration_service.decide(event, form.getlist("registration_ids"),
                                      approve=form.get("decision") == "approve",
                                      reason=str(form.get("reason", "")), by=viewer.user)
    return redirect(f"/organizer/events/{event.id}#registrations")


async def on_behalf_form(request: Request) -> Response:
    """The organizer picks a participant, then fills its registration form."""
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    chosen = request.query_params.get("organization_id")
    if not chosen:
        return render(request, "events/on_behalf_pick.html", {
            "event": event, "organizations": await registration_service.registrable_organizations()})
    organization = await registration_service.registrable_organization(chosen)
    registration = await registration_service.registration_of(event, organization)
    return render(request, "events/register.html", await _form_context(
        event, organization, registration, {}, None, f"/organizer/events/{event.id}/register/{organization.id}"))


async def register_on_behalf(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    organization = await registration_service.registrable_organization(
        request.path_params["organization_id"])
    form = await request.form()
    draft = read_registration_form(form, [s.key for s in event_service.event_sessions(event)])
    try:
        await registration_service.register(event, organization, draft=draft, by=viewer.user, on_behalf=True)
    except InvalidInput as error:
        registration = await registration_service.registration_of(event, organization)
        return render(request, "events/register.html", await _form_context(
            event, organization, registration, error.problems, form,
            f"/organizer/events/{event.id}/register/{organization.id}"), status_code=400)
    return redirect(f"/organizer/events/{event.id}#registrations")
