"""Data: the leads of everything that joined an enterprise and an institution before leads existed.

Every accepted meeting request and every accepted claim (抢单) becomes a lead of its (enterprise,
institution, need), made once, with a link to each request and claim; an open need with a lead
is in talks. Nothing else changes, so the migration may run on any copy."""

from datetime import datetime, timezone

from tortoise import migrations
from tortoise.migrations import operations as ops


async def create_leads(apps, schema_editor) -> None:
    Request = apps.get_model("matchmaker", "MeetingRequest")
    Claim = apps.get_model("matchmaker", "NeedClaim")
    Need = apps.get_model("matchmaker", "FinancingNeed")
    Lead = apps.get_model("matchmaker", "FinancingLead")
    Link = apps.get_model("matchmaker", "LeadLink")
    Audit = apps.get_model("matchmaker", "AuditLog")
    now = datetime.now(timezone.utc)
    leads: dict[tuple[int, int, int], object] = {
        (lead.enterprise_id, lead.institution_id, lead.need_id): lead for lead in await Lead.all()}
    made = 0

    async def lead_of(enterprise_id, institution_id, need_id, *, origin, at, event_id, product_id):
        nonlocal made
        key = (enterprise_id, institution_id, need_id)
        if key not in leads:
            leads[key] = await Lead.create(enterprise_id=enterprise_id, institution_id=institution_id,
                                           need_id=need_id, product_id=product_id, origin=origin,
                                           first_event_id=event_id, first_contact_at=at, stage_changed_at=at,
                                           stage="contact")
            made += 1
        return leads[key]

    for request in await Request.filter(state="accepted").order_by("id"):
        lead = await lead_of(request.enterprise_id, request.institution_id, request.need_id, origin="request",
                             at=request.answered_at or request.created_at or now, event_id=request.event_id,
                             product_id=request.product_id)
        if not await Link.exists(lead_id=lead.pk, request_id=request.pk):
            await Link.create(lead_id=lead.pk, kind="request", event_id=request.event_id, request_id=request.pk)
    for claim in await Claim.filter(state="answered", accepted=True).order_by("id"):
        need = await Need.get(pk=claim.need_id)
        lead = await lead_of(need.enterprise_id, claim.institution_id, claim.need_id, origin="claim",
                             at=claim.answered_at or claim.claimed_at or now, event_id=None,
                             product_id=claim.product_id)
        if not await Link.exists(lead_id=lead.pk, claim_id=claim.pk):
            await Link.create(lead_id=lead.pk, kind="claim", claim_id=claim.pk)
    need_ids = sorted({need_id for _e, _i, need_id in leads})
    if need_ids:
        await Need.filter(pk__in=need_ids, status="open").update(status="in_talks", status_changed_at=now)
    if made:
        await Audit.create(action="lead.migrate", after={"leads": made}, ip="", request_id="",
                           object_type="FinancingLead", object_id="")


class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0009_registration_walk_in')]

    initial = False

    operations = [
        ops.RunPython(create_leads, ops.RunPython.noop),
    ]
