"""Agendas: a participant's page, its printable pass with the check-in QR code and its calendar
file; the organizer's print-all and per-institution table plans."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import NotFound
from matchmaker.services.scheduling import agendas
from matchmaker.services.events import setup as event_service
from matchmaker.services.eventday import attendance
from matchmaker.services.eventday.checkin import checkin_token, qr_data_uri
from matchmaker.web.auth import Viewer, organizer_of, viewer_of
from matchmaker.web.pages import render


def _pass_qr(request: Request, agenda: agendas.ParticipantAgenda) -> str:
    token = checkin_token(request.app.state.settings.security_secret_key, event_id=agenda.event.pk,
                          organization_id=agenda.organization.pk)
    return qr_data_uri(token)


async def _own_agenda(request: Request) -> tuple[agendas.ParticipantAgenda, Viewer]:
    viewer = await viewer_of(request)
    event = await event_service.visible_event(request.path_params["event_id"], viewer.organization)
    return await agendas.participant_agenda(event, viewer.organization), viewer


async def agenda_page(request: Request) -> Response:
    agenda, _viewer = await _own_agenda(request)
    printable = request.query_params.get("print") == "1"
    marks = {} if printable else await attendance.agenda_marks(agenda.event, agenda.organization,
                                                               [entry.meeting for entry in agenda.entries])
    return render(request, "scheduling/agenda/print.html" if printable else "scheduling/agenda/participant.html", {
        "agendas": [agenda], "agenda": agenda, "qr": {agenda.organization.pk: _pass_qr(request, agenda)},
        "profile_links": not printable, "marks": marks,
    })


async def agenda_ics(request: Request) -> Response:
    agenda, viewer = await _own_agenda(request)
    if agenda.version is None:
        raise NotFound()
    body = agendas.agenda_ics(agenda.event, agenda.entries, sequence=agenda.version.published_number or 0,
                              language=agendas.reader_language(viewer.user),
                              dtstamp=agenda.version.published_at)
    return Response(body, media_type="text/calendar; charset=utf-8", headers={
        "content-disposition": f'attachment; filename="agenda-{agenda.event.pk}.ics"'})


async def print_all(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    every = await agendas.all_agendas(event)
    return render(request, "scheduling/agenda/print.html", {
        "agendas": every, "event": event, "qr": {a.organization.pk: _pass_qr(request, a) for a in every},
        "profile_links": False,
    })


async def table_plan(request: Request) -> Response:
    viewer = await organizer_of(request)
    event = await event_service.organizer_event(viewer.organization, request.path_params["event_id"])
    return render(request, "scheduling/agenda/table_plan.html",
                  {"event": event, "plans": await agendas.table_plans(event)})
