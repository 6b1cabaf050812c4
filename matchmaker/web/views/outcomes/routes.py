"""URLs of the financing leads (对接线索), kept together so the main URL map stays short."""

from __future__ import annotations

from starlette.routing import Route

from matchmaker.web.views.outcomes import excel, pages
from matchmaker.web.views.outcomes.api import api_lead_routes

outcomes_routes = [
    Route("/institution/leads", pages.institution_pipeline, methods=["GET"], name="institution_leads"),
    Route("/institution/leads/export.xlsx", excel.export, methods=["GET"], name="leads_export"),
    Route("/institution/leads/upload", excel.upload_form, methods=["GET"], name="leads_upload_form"),
    Route("/institution/leads/upload", excel.upload, methods=["POST"], name="leads_upload"),
    Route("/institution/leads/meetings/{meeting_id}", pages.meeting_form, methods=["GET"], name="lead_meeting"),
    Route("/institution/leads/meetings/{meeting_id}", pages.record_after_meeting, methods=["POST"],
          name="lead_meeting_record"),
    Route("/institution/leads/{lead_id}", pages.institution_lead, methods=["GET"], name="institution_lead"),
    Route("/leads/{lead_id}/records", pages.append_stage, methods=["POST"], name="lead_append"),
    Route("/leads/records/{record_id}/answer", pages.answer_record, methods=["POST"], name="lead_answer"),
    Route("/enterprise/leads", pages.enterprise_leads, methods=["GET"], name="enterprise_leads"),
    Route("/enterprise/leads/{lead_id}", pages.enterprise_lead, methods=["GET"], name="enterprise_lead"),
    Route("/enterprise/meetings/{meeting_id}/feedback", pages.save_feedback, methods=["POST"],
          name="meeting_feedback"),
    Route("/organizer/leads", pages.organizer_leads, methods=["GET"], name="organizer_leads"),
    *(Route(path, handler, methods=methods) for path, handler, methods in api_lead_routes),
]
