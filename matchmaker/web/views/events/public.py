"""Event pages anyone may read: the list of open events and one event's public page."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.models import Organization
from matchmaker.services.accounts import organizations
from matchmaker.services.events import setup as event_service
from matchmaker.services.events import registrations as registration_service
from matchmaker.services.events.public import participating_institutions
from matchmaker.web.pages import render
from matchmaker.web.views.events.setup import KIND_LABELS, PHASE_LABELS, STATUS_LABELS


async def _organization_of(request: Request) -> Organization | None:
    """The visitor's organization when signed in; public pages do not require it."""
    user = request.state.user
    if user is None:
        return None
    membership = await organizations.membership_of(user)
    return membership.organization if membership else None


async def event_list(request: Request) -> Response:
    events = await event_service.open_events()
    return render(request, "events/list.html", {
        "events": events, "kind_labels": KIND_LABELS, "phases": await event_service.event_phases(events),
        "phase_labels": PHASE_LABELS})


async def event_page(request: Request) -> Response:
    organization = await _organization_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], organization)
    registration = (await registration_service.registration_of(event, organization)
                    if organization is not None and not organization.is_organizer else None)
    return render(request, "events/public_event.html", {
        "event": event, "organization": organization, "registration": registration,
        "kind_labels": KIND_LABELS, "status_labels": STATUS_LABELS,
        "phase": (await event_service.event_phases([event]))[event.pk], "phase_labels": PHASE_LABELS,
        "sessions": event_service.event_sessions(event), "slots": event_service.event_slots(event),
        "institutions": await participating_institutions(event),
        "registration_open": event_service.registration_open(event),
    })
