"""Demo financing leads: every accepted request (and accepted claim) of the demo becomes a lead, and a
few dozen carry a history, so that each role's 对接线索 page shows something real on first start.

The demo bank (bank1@) and the first demo enterprise (e01@) get leads at every stage, including a
disputed approval, a correction and a loan the enterprise reported that awaits the bank."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta
from itertools import cycle

from tortoise.expressions import Q

from matchmaker.models import (ClaimState, Event, EventStatus, MeetingRequest, Membership, NeedClaim, RequestState,
                               User)
from matchmaker.models.outcomes import Confirmation, FinancingLead, LeadRecord, Side
from matchmaker.services.audit import audit
from matchmaker.services.clock import db_time, utc_now
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.outcomes import leads as lead_service
from matchmaker.services.outcomes import stages
from matchmaker.services.outcomes.facts import refresh_all_facts
from matchmaker.services.outcomes.stages import StageDraft

BANK_EMAIL = "bank1@demo.matchmaker.cn"
ENTERPRISE_EMAIL = "e01@demo.matchmaker.cn"
STARTED_DAYS_AGO = 75

#: Histories: (side, stage, days ago, amount as a share of the need, extra fields); then an answer.
SCENARIOS: list[tuple[list[tuple[str, str, int, float | None, dict]], str]] = [
    ([("institution", "intent", 60, 1.0, {"next_step": "补充近三年财务报表"})], "confirmed"),
    ([("institution", "intent", 58, 0.8, {}), ("institution", "accepted", 40, None, {})], "pending"),
    ([("institution", "intent", 60, 1.0, {}), ("institution", "approved", 30, 0.8,
                                               {"rate_bp": 365, "term_months": 12, "guarantee": "信用"})], "disputed"),
    ([("institution", "approved", 45, 1.0, {"rate_bp": 345, "term_months": 24, "guarantee": "保证"}),
      ("institution", "disbursed", 20, 0.6, {}), ("institution", "disbursed", 5, 0.4, {})], "confirmed"),
    ([("institution", "intent", 55, 0.5, {}), ("institution", "declined", 25, None,
                                               {"reason_category": "collateral", "note": "抵押物评估价值不足"})],
     "confirmed"),
    ([("institution", "intent", 50, 1.0, {}), ("institution", "withdrawn", 15, None, {"note": "企业已获其他融资"})],
     "pending"),
    ([("institution", "accepted", 50, None, {}), ("correction", "intent", 50, 1.0, {}),
      ("institution", "approved", 10, 1.0, {"rate_bp": 380, "term_months": 12, "guarantee": "抵押"})], "pending"),
    ([("institution", "approved", 40, 1.0, {"rate_bp": 350, "term_months": 12, "guarantee": "信用"}),
      ("enterprise", "disbursed", 8, 1.0, {"note": "已收到全部贷款"})], "pending"),
    ([], "pending"),  # joined, nothing recorded yet
]


async def _user(email: str) -> User | None:
    return await User.get_or_none(email=email)


async def _history(lead: FinancingLead, steps: list, answer: str, *, bank_user: User | None,
                   enterprise_user: User | None) -> None:
    need_amount = (await lead_service.lead_state(lead)).need_amount or 1_000_000
    last: LeadRecord | None = None
    for side, stage, days_ago, share, extra in steps:
        state = await lead_service.lead_state(lead)
        correction = side == "correction"
        draft = StageDraft(stage=stage, occurred_on=lead_service.today() - timedelta(days=days_ago),
                           amount=None if share is None else int(need_amount * share // 10_000 * 10_000),
                           corrects_id=last.pk if correction and last else None,
                           correction_reason="误录为已受理，实为有意向" if correction else "", **extra)
        if stages.check(draft, state, today=lead_service.today()):
            return  # a demo need too small or odd for this history: leave the lead as it is
        recorder = Side.ENTERPRISE if side == "enterprise" else Side.INSTITUTION
        last = await lead_service.apply_in_tx(lead, draft, side=recorder, state=state,
                                              by=enterprise_user if recorder == Side.ENTERPRISE else bank_user)
    if last is None or answer == "pending":
        return
    records = await LeadRecord.filter(lead_id=lead.pk, superseded=False, recorded_side=Side.INSTITUTION)
    for record in records:
        record.confirmation = Confirmation.CONFIRMED
        record.answered_by, record.answered_at = enterprise_user, utc_now()
        if answer == "disputed" and record.pk == max(r.pk for r in records):
            record.confirmation, record.dispute_reason = Confirmation.DISPUTED, "授信金额与银行通知书不符，应为 300 万元"
        await record.save(update_fields=["confirmation", "answered_by_id", "answered_at", "dispute_reason"])


async def load_demo_leads() -> int:
    """Call inside the demo's transaction, after its events: returns how many leads it made."""
    made = 0
    before = list(await FinancingLead.all().values_list("id", flat=True))  # last month's event's own leads
    for request in await MeetingRequest.filter(state=RequestState.ACCEPTED).order_by("id"):
        await lead_service.lead_from_request_in_tx(request, by=None)
        made += 1
    for claim in await NeedClaim.filter(state=ClaimState.ANSWERED, accepted=True).prefetch_related("need"):
        await lead_service.lead_from_claim_in_tx(claim, enterprise_id=claim.need.enterprise_id, by=None)
    began = utc_now() - timedelta(days=STARTED_DAYS_AGO)
    # The leads made here began some weeks ago; those of last month's (closed) event began on its
    # day, and the ones it already had keep their dates (the statistics count them in that month).
    fresh = FinancingLead.exclude(id__in=before)
    await fresh.filter(Q(first_event_id__isnull=True) | Q(first_event__status__not=EventStatus.CLOSED)).update(
        first_contact_at=db_time(began), stage_changed_at=db_time(began))
    for event in await Event.filter(status=EventStatus.CLOSED):
        held = min(session["day"] for session in event.sessions or [{"day": date.today().isoformat()}])
        at = db_time(datetime.combine(date.fromisoformat(held), time(9), tzinfo=SHANGHAI))
        await fresh.filter(first_event_id=event.pk).update(first_contact_at=at, stage_changed_at=at)
    bank_user, enterprise_user = await _user(BANK_EMAIL), await _user(ENTERPRISE_EMAIL)
    bank = await Membership.get_or_none(user=bank_user) if bank_user else None
    enterprise = await Membership.get_or_none(user=enterprise_user) if enterprise_user else None
    every = await FinancingLead.all().order_by("id")
    # The demo bank's and the first enterprise's leads first, each through every scenario; then
    # a share of the others, so that the organizer's overview has numbers across institutions.
    chosen: list[FinancingLead] = []
    for membership in (bank, enterprise):
        if membership is None:
            continue
        own = [lead for lead in every if membership.organization_id in (lead.institution_id, lead.enterprise_id)]
        chosen += [lead for lead in own[:len(SCENARIOS)] if lead not in chosen]
    chosen += [lead for lead in every[::4] if lead not in chosen][:40]
    for lead, (steps, answer) in zip(chosen, cycle(SCENARIOS)):
        fresh = await FinancingLead.get(pk=lead.pk)
        users = {m.organization_id: m.user for m in await Membership.filter(
            organization_id__in=[fresh.institution_id, fresh.enterprise_id]).prefetch_related("user")}
        await _history(fresh, steps, answer, bank_user=users.get(fresh.institution_id),
                       enterprise_user=users.get(fresh.enterprise_id))
    await refresh_all_facts()  # the first contacts were backdated above, past the outcomes service
    await audit(None, "demo.leads", after={"leads": await FinancingLead.all().count()})
    return made
