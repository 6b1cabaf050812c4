"""URL map. GET never changes state; every unsafe method is CSRF-checked by the app's middleware."""

from __future__ import annotations

import re

from starlette.routing import Mount, Route
from starlette.staticfiles import StaticFiles

from matchmaker.config import Settings
from matchmaker.web.templating import STATIC_DIR
from matchmaker.web.views.accounts import account as accounts, dashboard, organizer, public
from matchmaker.web.views.events import pitches as events_pitches
from matchmaker.web.views.events import public as events_public
from matchmaker.web.views.events import registration as events_registration
from matchmaker.web.views.events import requests as events_requests
from matchmaker.web.views.events import setup as events_setup
from matchmaker.web.views.mailing import inbox, outbox
from matchmaker.web.views.matching import pages as matching
from matchmaker.web.views.scheduling import agendas, export as events_export, schedule as events_schedule
from matchmaker.web.views.registry.routes import registry_routes
from matchmaker.web.views.eventday.routes import eventday_routes
from matchmaker.web.views.eventday.board_routes import board_routes
from matchmaker.web.views.outcomes.routes import outcomes_routes
from matchmaker.web.views.reports.routes import reports_routes
from matchmaker.web.views import jobs

routes = [
    Route("/", public.home, name="home"),
    Route("/healthz", public.health, name="health"),
    Route("/readyz", public.ready, name="ready"),
    Route("/metrics", public.prometheus_metrics, name="metrics"),
    Route("/language", public.choose_language, methods=["POST"], name="language"),
    Route("/login", accounts.login_form, methods=["GET"], name="login_form"),
    Route("/login", accounts.login, methods=["POST"], name="login"),
    Route("/logout", accounts.logout, methods=["POST"], name="logout"),
    Route("/register", accounts.register_form, methods=["GET"], name="register_form"),
    Route("/register", accounts.register, methods=["POST"], name="register"),
    Route("/dashboard", dashboard.dashboard, name="dashboard"),
    Route("/account", accounts.account_page, methods=["GET"], name="account"),
    Route("/account/password", accounts.change_password, methods=["POST"], name="change_password"),
    Route("/account/invitations", accounts.invite, methods=["POST"], name="invite"),
    Route("/account/members/{membership_id}/role", accounts.change_member_role, methods=["POST"],
          name="change_member_role"),
    Route("/account/members/{membership_id}/remove", accounts.remove_member, methods=["POST"], name="remove_member"),
    Route("/invitations/{token}", accounts.invitation_form, methods=["GET"], name="invitation_form"),
    Route("/invitations/{token}", accounts.accept_invitation, methods=["POST"], name="accept_invitation"),
    Route("/organizer/accounts/new", organizer.new_account_form, methods=["GET"], name="new_account_form"),
    Route("/organizer/accounts", organizer.create_account, methods=["POST"], name="create_account"),
    Route("/organizer/audit", organizer.audit_trail, name="audit_trail"),
    # Events: public pages, participation, and the organizer's set-up and follow-up.
    Route("/events", events_public.event_list, name="events"),
    Route("/events/{event_id}", events_public.event_page, name="event"),
    Route("/events/{event_id}/register", events_registration.register_form, methods=["GET"],
          name="register_event_form"),
    Route("/events/{event_id}/register", events_registration.register, methods=["POST"], name="register_event"),
    Route("/events/{event_id}/agenda", agendas.agenda_page, name="agenda"),
    Route("/events/{event_id}/agenda.ics", agendas.agenda_ics, name="agenda_ics"),
    Route("/events/{event_id}/requests", events_requests.requests_page, methods=["GET"], name="event_requests"),
    Route("/events/{event_id}/requests", events_requests.ask, methods=["POST"], name="ask_meeting"),
    Route("/events/{event_id}/requests/{request_id}/answer", events_requests.answer, methods=["POST"],
          name="answer_meeting"),
    Route("/events/{event_id}/requests/{request_id}/withdraw", events_requests.withdraw, methods=["POST"],
          name="withdraw_meeting"),
    Route("/events/{event_id}/pitches", events_pitches.pitches_page, methods=["GET"], name="pitches"),
    Route("/events/{event_id}/pitches", events_pitches.apply, methods=["POST"], name="apply_pitch",
          max_body_size=events_pitches.PITCH_UPLOAD_BODY_LIMIT),
    Route("/events/{event_id}/pitches/{pitch_id}/plan.pdf", events_pitches.plan_file, name="pitch_plan"),
    Route("/events/{event_id}/pitches/{pitch_id}/follow-up", events_pitches.follow_up, methods=["POST"],
          name="pitch_follow_up"),
    Route("/events/{event_id}/pitches/{pitch_id}/{action:str}", events_pitches.pick, methods=["POST"],
          name="pick_pitch"),
    Route("/organizer/events/{event_id}/pitches", events_pitches.organizer_pitches, name="organizer_pitches"),
    Route("/organizer/events/{event_id}/pitches/{pitch_id}/place", events_pitches.place, methods=["POST"],
          name="place_pitch"),
    Route("/organizer/events", events_setup.event_list, methods=["GET"], name="organizer_events"),
    Route("/organizer/events", events_setup.create_event, methods=["POST"], name="create_event"),
    Route("/organizer/events/new", events_setup.new_event_form, name="new_event_form"),
    Route("/organizer/events/{event_id}", events_setup.event_overview, name="organizer_event"),
    Route("/organizer/events/{event_id}/edit", events_setup.edit_event_form, methods=["GET"], name="edit_event_form"),
    Route("/organizer/events/{event_id}/edit", events_setup.update_event, methods=["POST"], name="update_event"),
    Route("/organizer/events/{event_id}/status/{action}", events_setup.change_status, methods=["POST"],
          name="event_status"),
    Route("/organizer/events/{event_id}/invitations", events_setup.import_invitations, methods=["POST"],
          name="import_invitations"),
    Route("/organizer/events/{event_id}/registrations/decide", events_registration.decide, methods=["POST"],
          name="decide_registrations"),
    Route("/organizer/events/{event_id}/register", events_registration.on_behalf_form, methods=["GET"],
          name="on_behalf_form"),
    Route("/organizer/events/{event_id}/register/{organization_id}", events_registration.register_on_behalf,
          methods=["POST"], name="register_on_behalf"),
    Route("/organizer/events/{event_id}/requests", events_requests.organizer_requests, methods=["GET"],
          name="organizer_requests"),
    Route("/organizer/events/{event_id}/requests", events_requests.organizer_add, methods=["POST"],
          name="organizer_add_request"),
    Route("/organizer/events/{event_id}/requests/{request_id}/remove", events_requests.organizer_remove,
          methods=["POST"], name="organizer_remove_request"),
    Route("/organizer/events/{event_id}/problem.json", events_export.download_problem, name="download_problem"),
    # Scheduling (issue 6): runs, drafts, hand edits, comparison, publication, repair.
    Route("/organizer/events/{event_id}/agendas/print", agendas.print_all, name="print_agendas"),
    Route("/organizer/events/{event_id}/table-plan", agendas.table_plan, name="table_plan"),
    Route("/organizer/events/{event_id}/schedule", events_schedule.schedule_page, methods=["GET"], name="schedule"),
    Route("/organizer/events/{event_id}/schedule/fairness", events_schedule.update_fairness, methods=["POST"],
          name="schedule_fairness"),
    Route("/organizer/events/{event_id}/schedule/runs", events_schedule.start_run, methods=["POST"],
          name="schedule_start_run"),
    Route("/organizer/events/{event_id}/schedule/runs/{run_id}", events_schedule.run_page, name="schedule_run"),
    Route("/organizer/events/{event_id}/schedule/runs/{run_id}/events", events_schedule.run_events,
          name="schedule_run_events"),
    Route("/organizer/events/{event_id}/schedule/runs/{run_id}/draft", events_schedule.save_draft, methods=["POST"],
          name="schedule_save_draft"),
    Route("/organizer/events/{event_id}/schedule/compare", events_schedule.compare, name="schedule_compare"),
    Route("/organizer/events/{event_id}/schedule/versions/{version_id}", events_schedule.version_page,
          name="schedule_version"),
    Route("/organizer/events/{event_id}/schedule/versions/{version_id}/meetings/{meeting_id}/lock",
          events_schedule.lock_meeting, methods=["POST"], name="schedule_lock_meeting"),
    Route("/organizer/events/{event_id}/schedule/versions/{version_id}/meetings/{meeting_id}/move",
          events_schedule.move_meeting, methods=["POST"], name="schedule_move_meeting"),
    Route("/organizer/events/{event_id}/schedule/versions/{version_id}/publish", events_schedule.publish,
          methods=["POST"], name="schedule_publish"),
    Route("/organizer/events/{event_id}/schedule/versions/{version_id}/repair", events_schedule.repair,
          methods=["POST"], name="schedule_repair"),
    Route("/inbox", inbox.inbox, methods=["GET"], name="inbox"),
    Route("/inbox/read-all", inbox.read_all, methods=["POST"], name="inbox_read_all"),
    Route("/inbox/{notification_id}/open", inbox.open_message, methods=["POST"], name="inbox_open"),
    Route("/enterprise/matches", matching.enterprise_matches, name="enterprise_matches"),
    Route("/enterprise/needs/{need_id}/matches", matching.enterprise_need_matches, name="enterprise_need_matches"),
    Route("/enterprise/innovation", matching.enterprise_innovation, name="enterprise_innovation"),
    Route("/enterprise/claims/{claim_id}/answer", matching.enterprise_answer_claim, methods=["POST"],
          name="enterprise_answer_claim"),
    Route("/institution/matches", matching.institution_matches, name="institution_matches"),
    Route("/institution/products/{product_id}/matches", matching.institution_product_matches,
          name="institution_product_matches"),
    Route("/institution/products/{product_id}/lists", matching.institution_product_lists,
          name="institution_product_lists"),
    Route("/institution/products/{product_id}/claims", matching.institution_claim, methods=["POST"],
          name="institution_claim"),
    Route("/organizer/matching", matching.organizer_matching, name="organizer_matching"),
    Route("/organizer/outbox", outbox.outbox_page, name="outbox"),
    Route("/organizer/outbox/resend-failed", outbox.resend_failed, methods=["POST"], name="outbox_resend_failed"),
    Route("/organizer/outbox/{mail_id:int}", outbox.message_page, name="outbox_message"),
    Route("/organizer/outbox/{mail_id:int}/body.html", outbox.message_body, name="outbox_message_body"),
    Route("/organizer/outbox/{mail_id:int}/message.eml", outbox.message_eml, name="outbox_message_eml"),
    Route("/organizer/outbox/{mail_id:int}/resend", outbox.resend_one, methods=["POST"], name="outbox_resend"),
    Route("/organizer/outbox/{mail_id:int}/delivered", outbox.mark_delivered, methods=["POST"],
          name="outbox_mark_delivered"),
    *registry_routes,
    *eventday_routes,
    *board_routes,
    *outcomes_routes,
    *reports_routes,
    # background jobs (imports, reports): progress, result, file
    Route("/jobs/{job_id}", jobs.job_page, name="job"),
    Route("/jobs/{job_id}/status", jobs.job_status, name="job_status"),
    Route("/jobs/{job_id}/file", jobs.job_file, name="job_file"),
    Mount("/static", app=StaticFiles(directory=STATIC_DIR), name="static"),
]

#: Routes whose bodies may exceed [server] max_body_bytes (see BodyLimitByPathMiddleware).
def upload_body_limits(settings: Settings) -> dict[re.Pattern[str], int]:
    """Routes that take files get a larger body limit than the app-wide one (the form fields
    around the file need a little room on top of the file's own limit)."""
    form_overhead = 64 * 1024
    return {
        re.compile(r"/events/\d+/pitches"): events_pitches.PITCH_UPLOAD_BODY_LIMIT,
        re.compile(r"/organizer/import"): settings.registry_import_max_bytes + form_overhead,
        re.compile(r"/institution/leads/upload"): 20 * 1024 * 1024 + form_overhead,
    }
