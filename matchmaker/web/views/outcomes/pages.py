"""对接线索 pages: the institution's pipeline and lead page, the one-click update after a meeting, the
enterprise's leads with confirm/dispute and meeting feedback, the organizer's overview."""

from __future__ import annotations

from starlette.requests import Request
from starlette.responses import Response

from matchmaker.errors import Conflict, InvalidInput
from matchmaker.services.outcomes import feedback, leads, pipeline, stages
from matchmaker.web.auth import enterprise_of, institution_of, organizer_of, viewer_of
from matchmaker.web.forms import form_fields, redisplayable
from matchmaker.web.pages import redirect, render

#: What the stage form suggests after each stage.
NEXT_STAGE = {"contact": "intent", "intent": "accepted", "accepted": "approved", "approved": "disbursed",
              "disbursed": "disbursed"}
FORM_STAGES = {s.value: stages.STAGE_LABELS[s] for s in stages.RECORDABLE}


def _common() -> dict:
    return {"stage_labels": {s.value: label for s, label in stages.STAGE_LABELS.items()},
            "form_stages": FORM_STAGES, "decline_labels": {r.value: label for r, label in stages.DECLINE_LABELS.items()},
            "guarantees": stages.GUARANTEES, "today": leads.today()}


async def _filters(request: Request) -> tuple[pipeline.LeadFilters, dict[str, str]]:
    try:
        return pipeline.LeadFilters.parse(dict(request.query_params)), {}
    except InvalidInput as error:
        return pipeline.LeadFilters(), error.problems


async def institution_pipeline(request: Request) -> Response:
    viewer = await institution_of(request)
    filters, problems = await _filters(request)
    rows, total = await pipeline.pipeline(viewer.organization, filters)
    return render(request, "outcomes/institution/pipeline.html", {
        **_common(), "viewer": viewer, "rows": rows, "total": total, "filters": filters, "problems": problems,
        "choices": await pipeline.institution_choices(viewer.organization),
        "overdue": await pipeline.overdue(viewer.organization, limit=20),
        "pages": (total + pipeline.PAGE_SIZE - 1) // pipeline.PAGE_SIZE,
        "notice": request.query_params.get("notice", ""),
    }, status_code=400 if problems else 200)


async def _lead_page(request: Request, viewer, lead_id: object, *, values: dict | None = None,
                     problems: dict | None = None, status_code: int = 200) -> Response:
    lead = await leads.lead_for(viewer.organization, lead_id)
    side = leads.side_in(lead, viewer.organization)
    return render(request, "outcomes/lead.html", {
        **_common(), "viewer": viewer, "lead": lead, "row": await pipeline.lead_rows(lead), "side": side.value,
        "meetings": await pipeline.lead_meetings(lead), "events": await pipeline.lead_events(lead),
        "products": (await pipeline.institution_choices(viewer.organization)).products
        if side.value == "institution" else [],
        "values": values or {"occurred_on": leads.today().isoformat(), "stage": NEXT_STAGE.get(str(lead.stage), "")},
        "problems": problems or {}, "notice": request.query_params.get("notice", ""),
    }, status_code=status_code)


async def institution_lead(request: Request) -> Response:
    viewer = await institution_of(request)
    return await _lead_page(request, viewer, request.path_params["lead_id"])


async def append_stage(request: Request) -> Response:
    """Either side records a stage on the lead page (the enterprise reports, the institution records)."""
    viewer = await viewer_of(request)
    if viewer.audience not in ("enterprise", "institution"):
        return await institution_of(request)  # raises NotAllowed
    values = await form_fields(request)
    lead_id = request.path_params["lead_id"]
    try:
        await leads.append_stage(viewer.organization, lead_id, stages.parse_form(values), by=viewer.user)
    except InvalidInput as error:
        return await _lead_page(request, viewer, lead_id, values=redisplayable(values), problems=error.problems,
                                status_code=400)
    if viewer.audience == "enterprise":
        return redirect("/enterprise/leads?notice=reported")
    return redirect(f"/institution/leads/{lead_id}?notice=recorded")


async def answer_record(request: Request) -> Response:
    viewer = await viewer_of(request)
    values = await form_fields(request)
    record_id = request.path_params["record_id"]
    try:
        record = await leads.answer_record(viewer.organization, record_id, confirm=values.get("answer") == "confirm",
                                           reason=values.get("reason", ""), by=viewer.user)
    except (InvalidInput, Conflict) as error:
        problems = error.problems if isinstance(error, InvalidInput) else {f"reason_{record_id}": error.message}
        if viewer.audience == "enterprise":
            return await _enterprise_page(request, viewer, problems=problems, status_code=error.status_code)
        lead = await leads.lead_of_record(viewer.organization, record_id)
        return await _lead_page(request, viewer, lead.pk, problems=problems, status_code=error.status_code)
    if viewer.audience == "enterprise":
        return redirect("/enterprise/leads?notice=answered")
    return redirect(f"/institution/leads/{record.lead_id}?notice=answered")


async def meeting_form(request: Request) -> Response:
    viewer = await institution_of(request)
    return await _meeting_page(request, viewer)


async def _meeting_page(request: Request, viewer, *, values: dict | None = None, problems: dict | None = None,
                        status_code: int = 200) -> Response:
    meeting, lead = await leads.institution_meeting(viewer.organization, request.path_params["meeting_id"])
    row = await pipeline.lead_rows(lead) if lead is not None else None
    return render(request, "outcomes/institution/meeting.html", {
        **_common(), "viewer": viewer, "meeting": meeting, "lead": lead, "row": row,
        "products": (await pipeline.institution_choices(viewer.organization)).products,
        "values": values or {"stage": "intent", "occurred_on": leads.today().isoformat(),
                             "product_id": str(lead.product_id or "") if lead else ""},
        "problems": problems or {},
    }, status_code=status_code)


async def record_after_meeting(request: Request) -> Response:
    viewer = await institution_of(request)
    values = await form_fields(request)
    try:
        record = await leads.record_after_meeting(viewer.organization, request.path_params["meeting_id"],
                                                  stages.parse_form(values), by=viewer.user)
    except InvalidInput as error:
        return await _meeting_page(request, viewer, values=redisplayable(values), problems=error.problems,
                                   status_code=400)
    except Conflict as error:
        return await _meeting_page(request, viewer, values=redisplayable(values), problems={"stage": error.message},
                                   status_code=409)
    return redirect(f"/institution/leads/{record.lead_id}?notice=recorded")


async def _enterprise_page(request: Request, viewer, *, problems: dict | None = None, values: dict | None = None,
                           status_code: int = 200) -> Response:
    return render(request, "outcomes/enterprise/leads.html", {
        **_common(), "viewer": viewer, "rows": await pipeline.enterprise_leads(viewer.organization),
        "meetings": await feedback.meetings_for_feedback(viewer.organization), "problems": problems or {},
        "values": values or {}, "notice": request.query_params.get("notice", ""),
        "feedback_days": feedback.FEEDBACK_DAYS,
    }, status_code=status_code)


async def enterprise_leads(request: Request) -> Response:
    viewer = await enterprise_of(request)
    return await _enterprise_page(request, viewer)


async def enterprise_lead(request: Request) -> Response:
    viewer = await enterprise_of(request)
    return await _lead_page(request, viewer, request.path_params["lead_id"])


async def save_feedback(request: Request) -> Response:
    viewer = await enterprise_of(request)
    values = await form_fields(request)
    meeting_id = request.path_params["meeting_id"]
    try:
        await feedback.save_feedback(viewer.organization, meeting_id, values, by=viewer.user)
    except InvalidInput as error:
        return await _enterprise_page(request, viewer, problems=error.problems, status_code=400,
                                      values={f"{k}_{meeting_id}": v for k, v in values.items()})
    except Conflict as error:
        return await _enterprise_page(request, viewer, problems={f"satisfaction_{meeting_id}": error.message},
                                      status_code=409)
    return redirect("/enterprise/leads?notice=feedback#feedback")


async def organizer_leads(request: Request) -> Response:
    viewer = await organizer_of(request)
    filters, problems = await _filters(request)
    rows, total = await pipeline.organizer_leads(viewer.organization, filters)
    return render(request, "outcomes/organizer/leads.html", {
        **_common(), "viewer": viewer, "rows": rows, "total": total, "filters": filters, "problems": problems,
        "choices": await pipeline.organizer_choices(viewer.organization),
        "overdue": await pipeline.organizer_overdue(viewer.organization, limit=50),
        "disputed": await pipeline.organizer_disputed(viewer.organization, limit=50),
        "pages": (total + pipeline.PAGE_SIZE - 1) // pipeline.PAGE_SIZE,
    }, status_code=400 if problems else 200)

