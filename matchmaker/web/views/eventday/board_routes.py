"""Routes of the event day's attendance, live board and refill (issue 11, second half)."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.views.eventday import attendance, board, refill_view

board_routes = [
    Route("/events/{event_id}/meetings/{meeting_id}/attendance", attendance.participant_mark, methods=["POST"],
          name="mark_attendance"),
    Route("/organizer/events/{event_id}/live", board.live_page, name="live_board"),
    Route("/organizer/events/{event_id}/live/events", board.live_events, name="live_board_events"),
    Route("/organizer/events/{event_id}/live/meetings/{meeting_id}", attendance.organizer_mark, methods=["POST"],
          name="organizer_mark_attendance"),
    Route("/organizer/events/{event_id}/live/chase/{organization_id}/remind", board.remind, methods=["POST"],
          name="chase_remind"),
    Route("/organizer/events/{event_id}/refill", refill_view.refill_page, methods=["GET"], name="refill"),
    Route("/organizer/events/{event_id}/refill", refill_view.start, methods=["POST"], name="refill_start"),
    Route("/organizer/events/{event_id}/refill/{run_id:int}", refill_view.run_page, name="refill_run"),
    Route("/organizer/events/{event_id}/refill/{run_id:int}/apply", refill_view.apply, methods=["POST"],
          name="refill_apply"),
]
