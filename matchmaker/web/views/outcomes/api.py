"""/api/v1/leads: an institution's own systems list, read and append stages, with the page's rules.

A Bearer token belongs to one institution: it sees that institution's leads only (another's is 404)."""

from __future__ import annotations

from typing import Any

from starlette.requests import Request

from matchmaker.errors import InvalidInput
from matchmaker.models.outcomes import FinancingLead, LeadRecord
from matchmaker.services.outcomes import leads, pipeline, stages
from matchmaker.web.api import _body, _require, endpoint
from matchmaker.web.auth import Viewer


def record_json(record: LeadRecord) -> dict[str, Any]:
    return {"id": record.pk, "stage": str(record.stage), "occurred_on": record.occurred_on.isoformat(),
            "amount": record.amount, "product_id": record.product_id, "rate_bp": record.rate_bp,
            "term_months": record.term_months, "guarantee": record.guarantee, "next_step": record.next_step,
            "reason_category": str(record.reason_category) if record.reason_category else None,
            "note": record.note, "first_loan": record.first_loan, "recorded_side": str(record.recorded_side),
            "recorded_at": record.recorded_at.isoformat() if record.recorded_at else None,
            "confirmation": str(record.confirmation), "dispute_reason": record.dispute_reason,
            "corrects_id": record.corrects_id, "correction_reason": record.correction_reason,
            "superseded": record.superseded}


def lead_json(row: pipeline.LeadRow, *, records: bool = False) -> dict[str, Any]:
    lead: FinancingLead = row.lead
    body = {"id": lead.pk, "enterprise": {"id": lead.enterprise_id, "name": lead.enterprise.name},
            "need": {"id": lead.need_id, "title": lead.need.title, "amount": lead.need.amount},
            "product_id": lead.product_id, "origin": str(lead.origin), "stage": str(lead.stage),
            "intent_amount": row.intent, "approved_amount": row.approved, "disbursed_amount": row.disbursed,
            "first_contact_at": lead.first_contact_at.isoformat(), "stage_changed_at": lead.stage_changed_at.isoformat(),
            "pending": row.pending, "disputed": row.disputed}
    if records:
        body["records"] = [record_json(r) for r in row.records]
    return body


async def list_leads(request: Request, viewer: Viewer) -> dict[str, Any]:
    institution = _require(viewer, "institution")
    filters = pipeline.LeadFilters.parse(dict(request.query_params))
    rows, total = await pipeline.pipeline(institution, filters)
    return {"total": total, "page": filters.page, "page_size": pipeline.PAGE_SIZE,
            "leads": [lead_json(r) for r in rows]}


async def get_lead(request: Request, viewer: Viewer) -> dict[str, Any]:
    institution = _require(viewer, "institution")
    lead = await leads.lead_for(institution, request.path_params["lead_id"])
    return lead_json(await pipeline.lead_rows(lead), records=True)


async def append_record(request: Request, viewer: Viewer) -> dict[str, Any]:
    institution = _require(viewer, "institution")
    lead = await leads.lead_for(institution, request.path_params["lead_id"])
    body = await _body(request)
    unknown = set(body) - {"stage", "occurred_on", "amount", "product_id", "rate_bp", "term_months", "guarantee",
                           "next_step", "reason_category", "note", "amount_reason", "corrects_id",
                           "correction_reason"}
    if unknown:
        raise InvalidInput({name: f"未知字段 {name}" for name in sorted(unknown)})
    record = await leads.append_stage(institution, lead.pk, stages.parse_json(body), by=viewer.user)
    return record_json(record)


api_lead_routes = [
    ("/api/v1/leads", endpoint(list_leads), ["GET"]),
    ("/api/v1/leads/{lead_id}", endpoint(get_lead), ["GET"]),
    ("/api/v1/leads/{lead_id}/records", endpoint(append_record, status_code=201), ["POST"]),
]
