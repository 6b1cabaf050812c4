"""URLs of the event day: the venue page and the check-in desk."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.views.eventday import desk, venue

eventday_routes = [
    Route("/organizer/events/{event_id}/venue", venue.venue_page, methods=["GET"], name="venue"),
    Route("/organizer/events/{event_id}/venue", venue.save_venue, methods=["POST"], name="save_venue"),
    Route("/organizer/events/{event_id}/venue/renumber", venue.renumber_venue, methods=["POST"],
          name="renumber_venue"),
    Route("/organizer/checkin", desk.desk_events, methods=["GET"], name="desk_events"),
    Route("/organizer/events/{event_id}/checkin", desk.desk_page, methods=["GET"], name="checkin_desk"),
    Route("/organizer/events/{event_id}/checkin/roster.json", desk.roster, methods=["GET"], name="checkin_roster"),
    Route("/organizer/events/{event_id}/checkin/search", desk.search, methods=["GET"], name="checkin_search"),
    Route("/organizer/events/{event_id}/checkin/scan", desk.scan, methods=["POST"], name="checkin_scan"),
    Route("/organizer/events/{event_id}/checkin/sync", desk.sync, methods=["POST"], name="checkin_sync"),
    Route("/organizer/events/{event_id}/checkin/registry", desk.registry_search, methods=["GET"],
          name="checkin_registry"),
    Route("/organizer/events/{event_id}/checkin/walk-in", desk.walk_in, methods=["POST"], name="checkin_walk_in"),
]
