"""Financing leads: made by the first accepted request, held meeting or accepted claim that joins an
enterprise and an institution about a need; stage records appended by either side, confirmed or
disputed by the other; the need's status and the profile's 首贷户 flag kept in step.

Every write runs in one transaction with its audit row. Functions named `*_in_tx` expect the
caller's transaction (a request being answered, a claim being accepted).
"""

from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import (
    EnterpriseProfile,
    FinancingNeed,
    Meeting,
    MeetingRequest,
    NeedClaim,
    NeedStatus,
    Organization,
    Product,
    ProfileRevision,
    Registration,
    User,
)
from matchmaker.models.outcomes import (
    Confirmation,
    FinancingLead,
    LeadLink,
    LeadOrigin,
    LeadRecord,
    LeadStage,
    Side,
)
from matchmaker.services.audit import audit
from matchmaker.services.clock import utc_now
from matchmaker.services.mailing.notifications import notify
from matchmaker.services.outcomes import stages
from matchmaker.services.outcomes.facts import refresh_facts
from matchmaker.services.outcomes.stages import LeadState, RecordState, StageDraft
from matchmaker.services.tenancy import row_id

SHANGHAI = ZoneInfo("Asia/Shanghai")


def today() -> date:
    """The Beijing date: stage dates are local dates."""
    return utc_now().astimezone(SHANGHAI).date()


# --- creating leads ----------------------------------------------------------------------------


async def ensure_lead_in_tx(*, enterprise_id: int, institution_id: int, need_id: int, origin: LeadOrigin,
                            at: datetime, event_id: int | None = None, product_id: int | None = None,
                            request_id: int | None = None, meeting_id: int | None = None,
                            claim_id: int | None = None, by: User | None = None) -> FinancingLead:
    """The lead of (enterprise, institution, need), created if new, with a link to what joined them
    (a request, meeting or claim is linked once)."""
    lead = await FinancingLead.get_or_none(enterprise_id=enterprise_id, institution_id=institution_id,
                                           need_id=need_id)
    if lead is None:
        lead = await FinancingLead.create(enterprise_id=enterprise_id, institution_id=institution_id, need_id=need_id,
                                          product_id=product_id, origin=origin, first_event_id=event_id,
                                          first_contact_at=at, stage_changed_at=at)
        await audit(by, "lead.create", lead, organization=await organization_id_of(institution_id),
                    after={"origin": origin.value, "need": need_id, "enterprise": enterprise_id})
        await refresh_facts([lead.pk])
    elif lead.product_id is None and product_id is not None:
        lead.product_id = product_id
        await lead.save(update_fields=["product_id"])
        await refresh_facts([lead.pk])  # the product's kind becomes the lead's
    keys = {"request_id": request_id, "meeting_id": meeting_id, "claim_id": claim_id}
    given = {k: v for k, v in keys.items() if v is not None}
    if not given or not await LeadLink.exists(lead_id=lead.pk, **given):
        await LeadLink.create(lead=lead, kind=origin, event_id=event_id, **keys)
    await sync_need_in_tx(need_id)
    return lead


async def organization_id_of(pk: int) -> Organization:
    """The organization an audit row is filed under."""
    return await Organization.get(pk=pk)


async def lead_from_request_in_tx(request: MeetingRequest, *, by: User | None) -> FinancingLead:
    return await ensure_lead_in_tx(enterprise_id=request.enterprise_id, institution_id=request.institution_id,
                                   need_id=request.need_id, origin=LeadOrigin.REQUEST,
                                   at=request.answered_at or utc_now(), event_id=request.event_id,
                                   product_id=request.product_id, request_id=request.pk, by=by)


async def lead_from_claim_in_tx(claim: NeedClaim, *, enterprise_id: int, by: User | None) -> FinancingLead:
    return await ensure_lead_in_tx(enterprise_id=enterprise_id, institution_id=claim.institution_id,
                                   need_id=claim.need_id, origin=LeadOrigin.CLAIM, at=claim.answered_at or utc_now(),
                                   product_id=claim.product_id, claim_id=claim.pk, by=by)


async def _meeting_need(meeting: Meeting) -> tuple[int | None, int | None]:
    """The need (and product) a meeting is about: its request's, else the pair's existing lead's, else
    the first need the enterprise brought to the event."""
    if meeting.request_id is not None:
        request = await MeetingRequest.get_or_none(pk=meeting.request_id)
        if request is not None:
            return request.need_id, request.product_id
    lead = await FinancingLead.filter(enterprise_id=meeting.enterprise_id,
                                      institution_id=meeting.institution_id).order_by("id").first()
    if lead is not None:
        return lead.need_id, lead.product_id
    registration = await Registration.get_or_none(event_id=meeting.event_id, organization_id=meeting.enterprise_id)
    for need_id in (registration.need_ids if registration else []):
        if await FinancingNeed.exists(pk=need_id, enterprise_id=meeting.enterprise_id):
            return need_id, None
    return None, None


async def attach_meeting(meeting: Meeting, *, by: User | None = None) -> FinancingLead | None:
    """A held meeting joins its lead (made if new); None when the meeting names no need at all."""
    need_id, product_id = await _meeting_need(meeting)
    if need_id is None:
        return None
    async with in_transaction():
        return await ensure_lead_in_tx(enterprise_id=meeting.enterprise_id, institution_id=meeting.institution_id,
                                       need_id=need_id, origin=LeadOrigin.MEETING, at=meeting.starts_at,
                                       event_id=meeting.event_id, product_id=product_id, meeting_id=meeting.pk,
                                       by=by)


# --- need status and 首贷户 --------------------------------------------------------------------


async def sync_need_in_tx(need_id: int) -> None:
    """The need follows its leads: granted once a disbursement is recorded, in talks while a lead is
    open, open again when every lead ended. A need the enterprise withdrew stays withdrawn."""
    need = await FinancingNeed.get_or_none(pk=need_id)
    if need is None or need.status == NeedStatus.WITHDRAWN:
        return
    lead_stages = set(await FinancingLead.filter(need_id=need_id).values_list("stage", flat=True))
    if LeadStage.DISBURSED in lead_stages:
        status = NeedStatus.GRANTED
    elif lead_stages - set(stages.FINAL):
        status = NeedStatus.IN_TALKS
    else:
        status = NeedStatus.OPEN
    if need.status != status:
        before = need.status.value if hasattr(need.status, "value") else str(need.status)
        need.status, need.status_changed_at = status, utc_now()
        await need.save(update_fields=["status", "status_changed_at", "updated_at"])
        await audit(None, f"need.{status.value}", need, organization=await organization_id_of(need.enterprise_id),
                    before={"status": before}, after={"status": status.value, "by": "leads"})


async def _first_loan_in_tx(lead: FinancingLead, record: LeadRecord, by: User | None) -> bool:
    """A disbursement to a 首贷户: the record counts as a first loan and the profile turns false,
    with a revision that names the lead."""
    from matchmaker.services.registry import provenance
    from matchmaker.services.registry.profiles import _snapshot

    profile = await EnterpriseProfile.get_or_none(organization_id=lead.enterprise_id)
    if profile is None or profile.first_loan is not True:
        return False
    profile.first_loan = False
    await profile.save(update_fields=["first_loan"])
    data = _snapshot(profile)
    data["_source"] = {"lead": lead.pk, "record": record.pk, "reason": f"线索 #{lead.pk} 放款，首贷户转为否"}
    await ProfileRevision.create(profile=profile, saved_by=by, data=data)
    stage = provenance.Source.derived(f"线索 #{lead.pk} 首次放款（{record.occurred_on.isoformat()}）")
    await provenance.record_sources(profile, stamped={"first_loan"}, emptied=set(), source=stage, by=by)
    await audit(by, "profile.first_loan", profile, organization=await organization_id_of(lead.enterprise_id),
                after={"first_loan": False, "lead": lead.pk, "record": record.pk})
    return True


# --- reading one lead's state ------------------------------------------------------------------


async def lead_state(lead: FinancingLead) -> LeadState:
    live = await LeadRecord.filter(lead_id=lead.pk, superseded=False).order_by("id").values_list(
        "id", "stage", "amount")
    need_amount = await FinancingNeed.filter(pk=lead.need_id).values_list("amount", flat=True)
    products = await Product.filter(organization_id=lead.institution_id).values_list("id", flat=True)
    started = lead.first_contact_at.astimezone(SHANGHAI).date()
    return LeadState(started, need_amount[0] if need_amount else None,
                     [RecordState(i, LeadStage(s), a) for i, s, a in live], list(products))


async def lead_for(organization: Organization, lead_id: object) -> FinancingLead:
    """A lead of `organization` (as enterprise or institution); another's answers NotFound."""
    key = row_id(lead_id)
    lead = await FinancingLead.get_or_none(pk=key).prefetch_related("enterprise", "institution", "need", "product")
    if lead is None or organization.pk not in (lead.enterprise_id, lead.institution_id):
        raise NotFound()
    return lead


def side_in(lead: FinancingLead, organization: Organization) -> Side:
    return Side.ENTERPRISE if organization.pk == lead.enterprise_id else Side.INSTITUTION


# --- writing stages ----------------------------------------------------------------------------


def _record_row(lead: FinancingLead, draft: StageDraft, *, side: Side, by: User | None) -> LeadRecord:
    stage = LeadStage(draft.stage)
    return LeadRecord(
        lead_id=lead.pk, stage=stage, occurred_on=draft.occurred_on, amount=draft.amount,
        product_id=draft.product_id, rate_bp=draft.rate_bp, term_months=draft.term_months,
        guarantee=draft.guarantee, next_step=draft.next_step,
        reason_category=draft.reason_category or None if stage == LeadStage.DECLINED else None,
        note=draft.note if draft.amount_reason == "" else f"{draft.note} 金额说明：{draft.amount_reason}".strip(),
        recorded_side=side, recorded_by=by, corrects_id=draft.corrects_id,
        correction_reason=draft.correction_reason, confirmation=Confirmation.PENDING)


async def apply_in_tx(lead: FinancingLead, draft: StageDraft, *, side: Side, by: User | None,
                      state: LeadState, notify_other: bool = True) -> LeadRecord:
    """Write one already checked record: supersede what it corrects, move the lead, the need, 首贷户."""
    record = _record_row(lead, draft, side=side, by=by)
    await record.save()
    if draft.corrects_id is not None:
        await LeadRecord.filter(pk=draft.corrects_id, lead_id=lead.pk).update(superseded=True)
        state = state.without(draft.corrects_id)
    state.records.append(RecordState(record.pk, LeadStage(record.stage), record.amount))
    new_stage = state.stage
    if new_stage != lead.stage or draft.corrects_id is None:
        lead.stage, lead.stage_changed_at = new_stage, utc_now()
    if lead.product_id is None and draft.product_id is not None:
        lead.product_id = draft.product_id
    await lead.save(update_fields=["stage", "stage_changed_at", "product_id"])
    if record.stage == LeadStage.DISBURSED and await _first_loan_in_tx(lead, record, by):
        record.first_loan = True
        await record.save(update_fields=["first_loan"])
    await refresh_facts([lead.pk])
    await sync_need_in_tx(lead.need_id)
    await audit(by, "lead.correct" if draft.corrects_id else "lead.stage", record,
                organization=await organization_id_of(lead.institution_id if side == Side.INSTITUTION
                                                else lead.enterprise_id),
                after={"lead": lead.pk, "stage": record.stage.value if hasattr(record.stage, "value")
                       else str(record.stage), "amount": record.amount, "corrects": draft.corrects_id})
    if notify_other:
        label = stages.STAGE_LABELS[LeadStage(record.stage)]
        if side == Side.INSTITUTION:
            await notify(lead.enterprise_id, kind="lead.recorded", link="/enterprise/leads",
                         code="lead.recorded", args={"stage": label})
        else:
            await notify(lead.institution_id, kind="lead.reported", link=f"/institution/leads/{lead.pk}",
                         code="lead.reported", args={"stage": label})
    return record


async def append_stage(organization: Organization, lead_id: object, draft: StageDraft, *,
                       by: User | None) -> LeadRecord:
    """`organization` (the lead's institution or enterprise) records a stage; InvalidInput by field."""
    lead = await lead_for(organization, lead_id)
    side = side_in(lead, organization)
    async with in_transaction():
        lead = await FinancingLead.select_for_update().get(pk=lead.pk)
        state = await lead_state(lead)
        if side == Side.ENTERPRISE:
            state.product_ids = None  # the enterprise names no product of the institution
            draft = StageDraft(**{**draft.__dict__, "product_id": None})
        problems = stages.check(draft, state, today=today())
        if draft.corrects_id is not None and "corrects_id" not in problems and not await LeadRecord.exists(
                pk=draft.corrects_id, lead_id=lead.pk, recorded_side=side):
            problems["corrects_id"] = "只能更正本方记录的进展"
        if problems:
            raise InvalidInput(problems)
        return await apply_in_tx(lead, draft, side=side, by=by, state=state)


async def answer_record(organization: Organization, record_id: object, *, confirm: bool, reason: str = "",
                        by: User | None) -> LeadRecord:
    """The other side confirms a record or disputes it with a reason."""
    key = row_id(record_id)
    record = await LeadRecord.get_or_none(pk=key).prefetch_related("lead")
    if record is None or organization.pk not in (record.lead.enterprise_id, record.lead.institution_id):
        raise NotFound()
    side = side_in(record.lead, organization)
    if side == record.recorded_side:
        raise Conflict("记录需由对方确认，不能确认自己记录的进展")
    if record.superseded:
        raise Conflict("该记录已被更正，无需确认")
    if record.confirmation != Confirmation.PENDING:
        raise Conflict("该记录已确认或已提出异议")
    reason = reason.strip()[:300]
    if not confirm and not reason:
        raise InvalidInput({f"reason_{record.pk}": "提出异议时请填写原因"})
    async with in_transaction():
        record.confirmation = Confirmation.CONFIRMED if confirm else Confirmation.DISPUTED
        record.answered_by, record.answered_at, record.dispute_reason = by, utc_now(), "" if confirm else reason
        await record.save(update_fields=["confirmation", "answered_by_id", "answered_at", "dispute_reason"])
        await refresh_facts([record.lead_id])
        await audit(by, "lead.confirm" if confirm else "lead.dispute", record, organization=organization,
                    after={"lead": record.lead_id, "reason": record.dispute_reason})
        other = record.lead.institution_id if side == Side.ENTERPRISE else record.lead.enterprise_id
        label = stages.STAGE_LABELS[LeadStage(record.stage)]
        await notify(other, kind="lead.answered",
                     link=f"/institution/leads/{record.lead_id}" if side == Side.ENTERPRISE else "/enterprise/leads",
                     code="lead.confirmed" if confirm else "lead.disputed", args={"stage": label, "reason": reason})
    return record


# --- from the agenda, right after a meeting -----------------------------------------------------


async def institution_meeting(institution: Organization, meeting_id: object) -> tuple[Meeting, FinancingLead | None]:
    """One of the institution's meetings in a published schedule, with its lead if it has one."""
    from matchmaker.models import VersionState

    meeting = await Meeting.get_or_none(pk=row_id(meeting_id), institution_id=institution.pk,
                                        version__state=VersionState.PUBLISHED).select_related("enterprise", "event")
    if meeting is None:
        raise NotFound()
    link = await LeadLink.filter(meeting_id=meeting.pk).first()
    if link is None:
        need_id, _product = await _meeting_need(meeting)
        lead = None if need_id is None else await FinancingLead.get_or_none(
            enterprise_id=meeting.enterprise_id, institution_id=institution.pk, need_id=need_id)
    else:
        lead = await FinancingLead.get(pk=link.lead_id)
    return meeting, lead


async def record_after_meeting(institution: Organization, meeting_id: object, draft: StageDraft, *,
                               by: User | None) -> LeadRecord:
    """The one-click update from the agenda: the meeting joins its lead, then the stage is recorded."""
    meeting, _lead = await institution_meeting(institution, meeting_id)
    if meeting.starts_at > utc_now():
        raise Conflict("洽谈开始后才能记录进展")
    lead = await attach_meeting(meeting, by=by)
    if lead is None:
        raise Conflict("该洽谈没有对应的融资需求，无法记录进展")
    return await append_stage(institution, lead.pk, draft, by=by)


async def lead_of_record(organization: Organization, record_id: object) -> FinancingLead:
    record = await LeadRecord.get_or_none(pk=row_id(record_id))
    if record is None:
        raise NotFound()
    return await lead_for(organization, record.lead_id)
