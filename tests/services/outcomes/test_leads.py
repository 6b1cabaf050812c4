"""Leads: made once per enterprise, institution and need; stages forward only with corrections kept;
bad figures refused by field; the need's status and 首贷户 follow; the other side confirms or disputes."""

from __future__ import annotations

from datetime import timedelta

import pytest

from matchmaker.errors import Conflict, InvalidInput, NotFound
from matchmaker.models import (
    AuditLog,
    ClaimState,
    EnterpriseProfile,
    Meeting,
    MeetingState,
    NeedClaim,
    NeedStatus,
    Notification,
    ProfileRevision,
    ProfileValueSource,
    ScheduleVersion,
    VersionState,
)
from matchmaker.models.outcomes import Confirmation, FinancingLead, LeadLink, LeadOrigin, LeadRecord, LeadStage, Side
from matchmaker.services.clock import utc_now
from matchmaker.services.matching.claims import answer_claim
from matchmaker.services.outcomes import leads
from matchmaker.services.outcomes.stages import StageDraft
from tests.factories import make_enterprise, make_institution, make_need, make_user
from tests.services.outcomes.factories import accepted_lead


def _day(days_ago: int):
    return leads.today() - timedelta(days=days_ago)


async def test_an_accepted_request_makes_one_lead_and_puts_the_need_in_talks(db):
    setup = await accepted_lead()

    [link] = await LeadLink.filter(lead=setup.lead)
    assert (setup.lead.origin, setup.lead.stage, setup.lead.product_id) == (LeadOrigin.REQUEST, LeadStage.CONTACT,
                                                                            setup.product.pk)
    assert (link.kind, link.event_id) == (LeadOrigin.REQUEST, setup.event.pk)
    await setup.need.refresh_from_db()
    assert setup.need.status == NeedStatus.IN_TALKS
    assert await AuditLog.exists(action="lead.create", object_id=str(setup.lead.pk))


async def test_a_held_meeting_and_an_accepted_claim_join_the_same_lead(db):
    setup = await accepted_lead()
    version = await ScheduleVersion.create(event=setup.event, number=1, state=VersionState.PUBLISHED)
    now = utc_now()
    meeting = await Meeting.create(version=version, event=setup.event, enterprise=setup.enterprise,
                                   institution=setup.bank, slot="s1", starts_at=now, ends_at=now, table=1,
                                   state=MeetingState.HELD)
    claim = await NeedClaim.create(institution=setup.bank, need=setup.need, product=setup.product,
                                   response_deadline=now + timedelta(days=3))

    joined = await leads.attach_meeting(meeting)
    again = await leads.attach_meeting(meeting)
    await answer_claim(setup.enterprise, claim.pk, accept=True, by=setup.enterprise_user, now=now)

    assert joined.pk == again.pk == setup.lead.pk
    assert await FinancingLead.all().count() == 1
    kinds = await LeadLink.filter(lead=setup.lead).order_by("id").values_list("kind", flat=True)
    assert kinds == [LeadOrigin.REQUEST, LeadOrigin.MEETING, LeadOrigin.CLAIM]
    assert (await NeedClaim.get(pk=claim.pk)).state == ClaimState.ANSWERED


async def test_a_claim_alone_starts_a_lead_and_a_meeting_without_request_uses_the_registration_need(db):
    bank = await make_institution()
    enterprise = await make_enterprise()
    user = await make_user(enterprise)
    need = await make_need(enterprise)
    from matchmaker.models import Product
    product = await Product.create(organization=bank, name="贷", kind="credit_loan", status="published")
    claim = await NeedClaim.create(institution=bank, need=need, product=product,
                                   response_deadline=utc_now() + timedelta(days=3))
    await answer_claim(enterprise, claim.pk, accept=True, by=user, now=utc_now())

    lead = await FinancingLead.get(enterprise=enterprise, institution=bank)
    assert (lead.origin, lead.need_id, lead.product_id) == (LeadOrigin.CLAIM, need.pk, product.pk)


async def test_stages_move_forward_and_every_bad_figure_is_refused_beside_its_field(db):
    setup = await accepted_lead()
    bank, lead_id = setup.bank, setup.lead.pk

    async def refused(**fields) -> dict[str, str]:
        with pytest.raises(InvalidInput) as error:
            await leads.append_stage(bank, lead_id, StageDraft(**fields), by=setup.bank_user)
        return error.value.problems

    assert "amount" in await refused(stage="intent", occurred_on=_day(1), amount=-1)
    assert "10 倍" in (await refused(stage="intent", occurred_on=_day(1), amount=60_000_000))["amount"]
    assert await refused(stage="intent", occurred_on=_day(-1)) == {"occurred_on": "日期不能晚于今天"}
    assert "早于线索产生之日" in (await refused(stage="intent", occurred_on=_day(30)))["occurred_on"]
    assert "须填写金额" in (await refused(stage="approved", occurred_on=_day(1)))["amount"]
    assert "reason_category" in await refused(stage="declined", occurred_on=_day(1))

    await leads.append_stage(bank, lead_id, StageDraft(stage="intent", occurred_on=_day(5), amount=5_000_000,
                                                       next_step="补充财务报表"), by=setup.bank_user)
    # With a reason, an amount above ten times the need is taken.
    await leads.append_stage(bank, lead_id, StageDraft(stage="approved", occurred_on=_day(3), amount=60_000_000,
                                                       amount_reason="追加设备贷款", rate_bp=345, term_months=12,
                                                       guarantee="信用"), by=setup.bank_user)
    assert "阶段只能向前推进" in (await refused(stage="accepted", occurred_on=_day(1)))["stage"]
    assert "累计放款不能超过授信金额" in (await refused(stage="disbursed", occurred_on=_day(1),
                                                        amount=70_000_000))["amount"]
    assert await LeadRecord.filter(lead_id=lead_id).count() == 2
    lead = await FinancingLead.get(pk=lead_id)
    assert lead.stage == LeadStage.APPROVED


async def test_a_disbursement_grants_the_need_and_counts_a_first_loan_once(db):
    setup = await accepted_lead(first_loan=True)
    bank = setup.bank
    await leads.append_stage(bank, setup.lead.pk, StageDraft(stage="approved", occurred_on=_day(3),
                                                             amount=5_000_000), by=setup.bank_user)
    first = await leads.append_stage(bank, setup.lead.pk, StageDraft(stage="disbursed", occurred_on=_day(2),
                                                                     amount=3_000_000), by=setup.bank_user)
    second = await leads.append_stage(bank, setup.lead.pk, StageDraft(stage="disbursed", occurred_on=_day(1),
                                                                      amount=2_000_000), by=setup.bank_user)

    await setup.need.refresh_from_db()
    assert setup.need.status == NeedStatus.GRANTED
    assert (first.first_loan, second.first_loan) == (True, False)
    profile = await EnterpriseProfile.get(organization=setup.enterprise)
    assert profile.first_loan is False
    revision = await ProfileRevision.filter(profile=profile).order_by("-id").first()
    assert revision.data["first_loan"] is False and revision.data["_source"]["lead"] == setup.lead.pk
    source = await ProfileValueSource.get(profile=profile, field="first_loan")
    assert (source.origin, source.source.startswith(f"线索 #{setup.lead.pk} 首次放款")) == ("derived", True)


async def test_a_correction_is_a_new_record_and_the_history_is_kept(db):
    setup = await accepted_lead()
    wrong = await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="approved", occurred_on=_day(2),
                                                                           amount=5_000_000), by=setup.bank_user)
    with pytest.raises(InvalidInput) as error:
        await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="accepted", occurred_on=_day(2),
                                                                       corrects_id=wrong.pk), by=setup.bank_user)
    assert "correction_reason" in error.value.problems

    right = await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(
        stage="accepted", occurred_on=_day(2), corrects_id=wrong.pk, correction_reason="误录为已授信"),
        by=setup.bank_user)

    await wrong.refresh_from_db()
    assert wrong.superseded and wrong.amount == 5_000_000  # kept, not overwritten
    assert right.corrects_id == wrong.pk and not right.superseded
    assert (await FinancingLead.get(pk=setup.lead.pk)).stage == LeadStage.ACCEPTED
    assert await AuditLog.exists(action="lead.correct", object_id=str(right.pk))


async def test_a_declined_lead_ends_and_the_need_opens_again(db):
    setup = await accepted_lead()
    await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="declined", occurred_on=_day(1),
                                                                   reason_category="collateral"), by=setup.bank_user)
    await setup.need.refresh_from_db()
    assert setup.need.status == NeedStatus.OPEN
    with pytest.raises(InvalidInput) as error:
        await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="intent", occurred_on=_day(1)),
                                 by=setup.bank_user)
    assert "不能再记录新阶段" in error.value.problems["stage"]


async def test_the_enterprise_confirms_or_disputes_and_reports_a_stage_the_bank_confirms(db):
    setup = await accepted_lead()
    intent = await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="intent", occurred_on=_day(3),
                                                                            amount=5_000_000), by=setup.bank_user)
    assert await Notification.exists(organization=setup.enterprise, kind="lead.recorded")
    with pytest.raises(Conflict):
        await leads.answer_record(setup.bank, intent.pk, confirm=True, by=setup.bank_user)
    with pytest.raises(InvalidInput):
        await leads.answer_record(setup.enterprise, intent.pk, confirm=False, reason=" ", by=setup.enterprise_user)
    disputed = await leads.answer_record(setup.enterprise, intent.pk, confirm=False, reason="金额应为 300 万",
                                         by=setup.enterprise_user)
    assert (disputed.confirmation, disputed.dispute_reason) == (Confirmation.DISPUTED, "金额应为 300 万")
    with pytest.raises(Conflict):
        await leads.answer_record(setup.enterprise, intent.pk, confirm=True, by=setup.enterprise_user)

    reported = await leads.append_stage(setup.enterprise, setup.lead.pk, StageDraft(
        stage="accepted", occurred_on=_day(1)), by=setup.enterprise_user)
    assert reported.recorded_side == Side.ENTERPRISE
    confirmed = await leads.answer_record(setup.bank, reported.pk, confirm=True, by=setup.bank_user)
    assert confirmed.confirmation == Confirmation.CONFIRMED


async def test_another_organizations_lead_and_record_answer_not_found(db):
    setup = await accepted_lead()
    stranger = await make_institution()
    record = await leads.append_stage(setup.bank, setup.lead.pk, StageDraft(stage="intent", occurred_on=_day(1)),
                                      by=setup.bank_user)
    with pytest.raises(NotFound):
        await leads.append_stage(stranger, setup.lead.pk, StageDraft(stage="accepted", occurred_on=_day(1)), by=None)
    with pytest.raises(NotFound):
        await leads.answer_record(stranger, record.pk, confirm=True, by=None)
    with pytest.raises(NotFound):
        await leads.lead_for(stranger, "99999999999")
