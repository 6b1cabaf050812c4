"""The demo's past event and its programme: a docking event held last month with check-ins,
attendance, leads at every stage (disputes and a correction among them) and disbursements,
so that on the first start the statistics, the ranking and both reports show real figures.

Everything is written through the models, in one transaction, with a fixed random seed. The
programme holds every demo event and is the first one created (id 1 on a fresh database, the
id the README's `report --programme` example uses).
"""

from __future__ import annotations

import random
from datetime import UTC, date, datetime, time, timedelta

from tortoise.transactions import in_transaction

from matchmaker.models import (
    CheckIn,
    CheckInMethod,
    Confirmation,
    EnterpriseProfile,
    Event,
    EventKind,
    EventStatus,
    FinancingLead,
    FinancingNeed,
    LeadLink,
    LeadOrigin,
    LeadRecord,
    LeadStage,
    Meeting,
    MeetingFeedback,
    MeetingRequest,
    MeetingState,
    Membership,
    Organization,
    OrganizationKind,
    Product,
    Programme,
    Registration,
    RegistrationStatus,
    RequestState,
    ScheduleVersion,
    Side,
    User,
    VersionState,
)
from matchmaker.services.audit import audit
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.outcomes.facts import refresh_all_facts

ORGANIZER_EMAIL = "organizer@demo.matchmaker.cn"
PROGRAMME_NAME = "{year}年星河市科技金融常态化银企对接活动（演示）"
ENTERPRISES = 24
INSTITUTIONS = 6
GUARANTEES = ["信用", "信用", "保证", "质押", "担保公司担保", "抵押"]


def past_event_day(today: date) -> date:
    """The 18th of last month (moved back to a weekday), when the past event was held."""
    first = today.replace(day=1)
    day = (first - timedelta(days=1)).replace(day=18)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def _at(day: date, hour: int, minute: int = 0) -> datetime:
    return datetime.combine(day, time(hour, minute), SHANGHAI).astimezone(UTC)


async def load_past_event(today: date | None = None) -> Programme:
    """Create the programme and the past event (after load_demo_events)."""
    today = today or datetime.now(UTC).astimezone(SHANGHAI).date()
    day = past_event_day(today)
    rng = random.Random(20261118)
    async with in_transaction():
        organizer_user = await User.get(email=ORGANIZER_EMAIL)
        organizer = (await Membership.get(user=organizer_user).prefetch_related("organization")).organization
        programme = await Programme.create(
            organizer=organizer, name=PROGRAMME_NAME.format(year=today.year), starts_on=date(today.year, 1, 1),
            ends_on=date(today.year, 12, 31),
            description="全年常态化开展的银企对接会与融资路演，按月、季度统计通报。")
        event = await Event.create(
            organizer=organizer, kind=EventKind.DOCKING, title=f"星河市科技金融银企对接会（{day.month}月场，演示）",
            venue="星河科创大厦二楼报告厅", description="上月举办的一场银企对接会：签到、洽谈、线索和放款均已记录。",
            sessions=[{"day": day.isoformat(), "part": "am", "start": "09:00", "end": "12:00"}],
            slot_minutes=20, tables_per_institution=2, answer_deadline=_at(day - timedelta(days=3), 18),
            request_deadline=_at(day - timedelta(days=5), 18), status=EventStatus.CLOSED)
        await Event.filter(organizer=organizer).update(programme_id=programme.pk)
        enterprises = await Organization.filter(kind=OrganizationKind.ENTERPRISE, profile__isnull=False).order_by(
            "id").limit(ENTERPRISES)
        institutions = await Organization.filter(
            kind__in=[OrganizationKind.BANK, OrganizationKind.GUARANTOR, OrganizationKind.SMALL_LOAN],
            products__isnull=False).distinct().order_by("id").limit(INSTITUTIONS)
        profiles = {p.organization_id: p for p in await EnterpriseProfile.filter(
            organization_id__in=[e.pk for e in enterprises])}
        for index, enterprise in enumerate(enterprises[:4]):  # a few 首贷户 among them
            profile = profiles.get(enterprise.pk)
            if profile is not None and profile.first_loan is None:
                profile.first_loan = True
                await profile.save(update_fields=["first_loan"])
        for organization in [*enterprises, *institutions]:
            await Registration.create(event=event, organization=organization, status=RegistrationStatus.APPROVED,
                                      tables=2 if organization.kind != OrganizationKind.ENTERPRISE else 0,
                                      decided_at=_at(day - timedelta(days=8), 10))
        for index, organization in enumerate([*enterprises, *institutions]):
            if index % 7 != 3:  # most came
                await CheckIn.create(event=event, organization=organization, day=day, person="代表",
                                     method=CheckInMethod.QR if index % 3 else CheckInMethod.SEARCH,
                                     checked_in_at=_at(day, 8, 30 + index % 25))
        version = await ScheduleVersion.create(event=event, number=1, published_number=1,
                                               state=VersionState.PUBLISHED, published_at=_at(day - timedelta(2), 9))
        products = {}
        for institution in institutions:
            products[institution.pk] = await Product.filter(organization=institution).first()
        leads = 0
        for e_index, enterprise in enumerate(enterprises):
            need = await FinancingNeed.filter(enterprise=enterprise).first()
            if need is None:
                continue
            for k in range(2):
                institution = institutions[(e_index + k * 3) % len(institutions)]
                slot = e_index % 8 + k * 8
                starts = _at(day, 9) + timedelta(minutes=20 * (slot % 9))
                state, absent = MeetingState.HELD, ""
                if (e_index + k) % 11 == 5:
                    state, absent = MeetingState.NO_SHOW, "enterprise" if k else "institution"
                elif (e_index + k) % 13 == 7:
                    state = MeetingState.CANCELLED
                request = await MeetingRequest.create(
                    event=event, enterprise=enterprise, institution=institution, from_enterprise=True, need=need,
                    product=products[institution.pk], state=RequestState.ACCEPTED,
                    answered_at=_at(day - timedelta(days=6 - (e_index % 5)), 10))
                # Asked some hours before the answer (created_at would say "now", a month later).
                await MeetingRequest.filter(id=request.pk).update(
                    created_at=request.answered_at - timedelta(hours=4 + 7 * ((e_index + k) % 6)))
                meeting = await Meeting.create(
                    version=version, event=event, enterprise=enterprise, institution=institution, request=request,
                    slot=f"d1-{slot:02d}", starts_at=starts, ends_at=starts + timedelta(minutes=20),
                    table=1 + k, state=state, absent_side=absent, attendance_at=starts + timedelta(minutes=20))
                if state != MeetingState.HELD:
                    continue
                await MeetingFeedback.create(meeting=meeting, enterprise=enterprise, institution=institution,
                                             event=event, satisfaction=3 + (e_index + k) % 3,
                                             follow_up=(e_index + k) % 2 == 0)
                await _lead(rng, leads, enterprise, institution, need, products[institution.pk], event, meeting,
                            request, day, today, first_loan=bool(profiles.get(enterprise.pk)
                                                                 and profiles[enterprise.pk].first_loan))
                leads += 1
        await refresh_all_facts()  # the records above went straight through the models
        await audit(None, "demo.past_event", event, after={"programme": programme.pk, "leads": leads})
    return programme


async def _lead(rng: random.Random, index: int, enterprise: Organization, institution: Organization,
                need: FinancingNeed, product: Product | None, event: Event, meeting: Meeting,
                request: MeetingRequest, day: date, today: date, *, first_loan: bool) -> None:
    """One lead, taken as far as its index says: every fifth stays at contact, others reach
    intent, acceptance, approval or disbursement; some are declined, one is disputed, one
    corrected."""
    stage_plan = ["disbursed", "approved", "intent", "accepted", "contact", "disbursed", "declined", "intent",
                  "disbursed", "withdrawn", "approved", "disbursed"][index % 12]
    lead = await FinancingLead.create(
        enterprise=enterprise, institution=institution, need=need, product=product, origin=LeadOrigin.MEETING,
        first_event=event, stage=LeadStage.CONTACT, first_contact_at=meeting.starts_at, stage_changed_at=meeting.ends_at)
    await LeadLink.create(lead=lead, kind=LeadOrigin.MEETING, event=event, meeting=meeting, request=request)
    if stage_plan == "contact":
        return
    amount = (need.amount // 100_000) * 100_000 or 1_000_000
    confirmed = Confirmation.CONFIRMED if index % 3 else Confirmation.PENDING
    latest = min(today - timedelta(days=1), day + timedelta(days=40))

    async def record(stage: LeadStage, on: date, value: int | None = None, **extra) -> LeadRecord:
        return await LeadRecord.create(lead=lead, stage=stage, occurred_on=min(on, latest), amount=value,
                                       recorded_side=Side.INSTITUTION, confirmation=extra.pop("confirmation", confirmed),
                                       answered_at=_at(min(on, latest), 17) if confirmed != Confirmation.PENDING else None,
                                       **extra)

    intent = await record(LeadStage.INTENT, day, amount, product=product, next_step="提交授信材料")
    if index == 7:  # a correction: the intent amount was entered wrong and is corrected
        corrected = await record(LeadStage.INTENT, day + timedelta(days=2), amount // 2, product=product,
                                 corrects=intent, correction_reason="意向金额录入有误，按洽谈纪要更正")
        intent.superseded = True
        await intent.save(update_fields=["superseded"])
        amount = corrected.amount
    furthest = LeadStage.INTENT
    if stage_plan in ("accepted", "approved", "disbursed", "declined"):
        await record(LeadStage.ACCEPTED, day + timedelta(days=5))
        furthest = LeadStage.ACCEPTED
    if stage_plan == "declined":
        await record(LeadStage.DECLINED, day + timedelta(days=12), reason_category="collateral", note="抵押担保不足")
        furthest = LeadStage.DECLINED
    if stage_plan == "withdrawn":
        await record(LeadStage.WITHDRAWN, day + timedelta(days=9), reason_category="withdrawn")
        furthest = LeadStage.WITHDRAWN
    if stage_plan in ("approved", "disbursed"):
        approved_amount = int(amount * 0.8) // 10_000 * 10_000
        disputed = index == 10
        await record(LeadStage.APPROVED, day + timedelta(days=12 + index % 5), approved_amount,
                     rate_bp=360 + (index % 6) * 15, term_months=12,
                     confirmation=Confirmation.DISPUTED if disputed else confirmed,
                     dispute_reason="企业称授信额度为 50 万元" if disputed else "")
        furthest = LeadStage.APPROVED
        if stage_plan == "disbursed":
            parts = 2 if index % 4 == 0 else 1
            for part in range(parts):
                await record(LeadStage.DISBURSED, day + timedelta(days=18 + 4 * part + index % 4),
                             approved_amount // parts, guarantee=GUARANTEES[index % len(GUARANTEES)],
                             first_loan=first_loan and part == 0,
                             confirmation=Confirmation.DISPUTED if index == 11 else confirmed,
                             dispute_reason="企业称尚未到账" if index == 11 else "")
            furthest = LeadStage.DISBURSED
    lead.stage = furthest
    await lead.save(update_fields=["stage"])
