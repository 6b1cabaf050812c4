"""Demo events for 星河市: one docking event (60 enterprises, 15 institutions, about 300 meeting
requests) and one roadshow (12 pitches, 10 investors), both ready to be exported and scheduled.

Organizations are looked up by their demo e-mail and created only when missing, so this works
whatever number of demo organizations `load_demo` itself made. Choices that look random come
from a seeded generator: every load gives the same programme.
"""

from __future__ import annotations

import random
import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from pathlib import Path

from tortoise.transactions import in_transaction

from matchmaker.models import (
    AttendanceState,
    Availability,
    EnterpriseProfile,
    Event,
    EventKind,
    EventStatus,
    FinancingKind,
    FinancingNeed,
    MeetingRequest,
    Membership,
    NeedStatus,
    Organization,
    OrganizationKind,
    Pitch,
    PitchAttendance,
    PitchStatus,
    Priority,
    Product,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    RequestState,
    Role,
    User,
)
from matchmaker.services.audit import audit
from matchmaker.services.accounts.passwords import hash_password
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.demo.pitches import PITCH_PLANS
from matchmaker.demo.plans import BusinessPlan, business_plan_pdf
from matchmaker.demo.registry import demo_enterprises, demo_person
from matchmaker.services.events.pitches import uploads_dir
from matchmaker.uscc import make_uscc

ORGANIZER_EMAIL = "organizer@demo.matchmaker.cn"
DEMO_PASSWORD = "matchmaker-demo"
ENTERPRISE_COUNT = 60
REQUESTS_PER_ENTERPRISE = 5
INVESTOR_COUNT = 10
PITCH_COUNT = 12

#: Existing demo institutions (see demo.py) come first; the rest are made here if missing.
INSTITUTION_EMAILS = [
    "bank1@demo.matchmaker.cn", "bank2@demo.matchmaker.cn", "guarantor@demo.matchmaker.cn",
    "insurer@demo.matchmaker.cn", "leasing@demo.matchmaker.cn", "smallloan@demo.matchmaker.cn",
    "fund@demo.matchmaker.cn", "vc@demo.matchmaker.cn",
]
EXTRA_INSTITUTIONS = [
    (OrganizationKind.BANK, "星河商业银行高新支行（演示）", "bank3@demo.matchmaker.cn"),
    (OrganizationKind.BANK, "沿江城市银行科创中心（演示）", "bank4@demo.matchmaker.cn"),
    (OrganizationKind.BANK, "东海银行星河科技支行（演示）", "bank5@demo.matchmaker.cn"),
    (OrganizationKind.GUARANTOR, "星河中小企业融资担保有限公司（演示）", "guarantor2@demo.matchmaker.cn"),
    (OrganizationKind.LEASING, "新材融资租赁有限公司（演示）", "leasing2@demo.matchmaker.cn"),
    (OrganizationKind.INVESTOR, "天使湾创业投资（演示）", "vc2@demo.matchmaker.cn"),
    (OrganizationKind.BANK, "星河民泰银行科技支行（演示）", "bank6@demo.matchmaker.cn"),
]
EXTRA_INVESTORS = [
    (OrganizationKind.INVESTOR, f"{name}（演示）", f"vc{index}@demo.matchmaker.cn")
    for index, name in enumerate(["启航资本", "北斗星创投", "澄江产业基金", "岳麓科创投资", "钱塘硬科技基金",
                                  "云帆天使基金", "金桥成长基金"], start=3)
]
#: The product each event institution brings when the library gave it none (by admin e-mail):
#: (name, kind, rate), named as a programme names its products.
EVENT_PRODUCTS = {
    "smallloan@demo.matchmaker.cn": ("科创小额信用贷", FinancingKind.CREDIT_LOAN, "年化 6% 起"),
    "fund@demo.matchmaker.cn": ("硬科技成长期股权投资", FinancingKind.EQUITY, "单笔 1000—5000 万元"),
    "vc@demo.matchmaker.cn": ("早期科技项目股权投资", FinancingKind.EQUITY, "单笔 300—2000 万元"),
    "bank3@demo.matchmaker.cn": ("星商高新科创贷", FinancingKind.CREDIT_LOAN, "一年期 LPR 起"),
    "bank4@demo.matchmaker.cn": ("沿江知识产权质押融资", FinancingKind.IP_PLEDGE_LOAN, "LPR+20BP 以内"),
    "bank5@demo.matchmaker.cn": ("东海科技成长贷", FinancingKind.CREDIT_LOAN, "一年期 LPR 起"),
    "guarantor2@demo.matchmaker.cn": ("中小企业科技担保贷", FinancingKind.GUARANTEED_LOAN, "担保费率不超过1%"),
    "leasing2@demo.matchmaker.cn": ("新材料装备融资租赁", FinancingKind.LEASING, "综合年化成本 5.5% 起"),
    "vc2@demo.matchmaker.cn": ("天使轮科技项目投资", FinancingKind.EQUITY, "单笔 100—500 万元"),
    "bank6@demo.matchmaker.cn": ("民泰科创信用贷", FinancingKind.CREDIT_LOAN, "一年期 LPR 起"),
    **{email: (f"{name.removesuffix('（演示）')}科技企业股权投资", FinancingKind.EQUITY, "以投资决策为准")
       for _kind, name, email in EXTRA_INVESTORS},
}
#: The docking event's loan needs, by enterprise: (title, kind, purpose category).
LOAN_NEEDS = [("研发投入流动资金贷款", FinancingKind.CREDIT_LOAN, "研发投入"),
              ("发明专利质押融资", FinancingKind.IP_PLEDGE_LOAN, "研发投入"),
              ("新产线设备购置贷款", FinancingKind.GUARANTEED_LOAN, "设备购置")]


@dataclass
class _Context:
    password_hash: str
    random: random.Random
    docking_day: date  # the roadshow follows a week later
    asked_at: datetime  # the answered requests: asked two days before the demo was loaded …
    answered_at: datetime  # … and answered the day before


async def _organization(ctx: _Context, kind: OrganizationKind, name: str, email: str, uscc: str | None) -> Organization:
    """The demo organization with this admin e-mail, created (with its admin) when missing."""
    user = await User.get_or_none(email=email)
    if user is not None:
        return (await Membership.get(user=user).prefetch_related("organization")).organization
    organization = await Organization.create(kind=kind, name=name, uscc=uscc,
                                             licence_name="" if uscc else name.replace("（演示）", ""))
    user = await User.create(email=email, name=demo_person(200 + await User.all().count()),
                             password_hash=ctx.password_hash)
    await Membership.create(user=user, organization=organization, role=Role.ADMIN)
    return organization


async def _enterprises(ctx: _Context) -> list[Organization]:
    result = []
    for index, (name, chain, industry_code) in enumerate(demo_enterprises(ENTERPRISE_COUNT), start=1):
        # A USCC range of its own (5xxx) so that nothing clashes with city.py's enterprises.
        organization = await _organization(ctx, OrganizationKind.ENTERPRISE, name, f"e{index:02d}@demo.matchmaker.cn",
                                           make_uscc(f"91330106MA2H{5000 + index:04d}K"))
        if not await EnterpriseProfile.exists(organization=organization):
            await EnterpriseProfile.create(organization=organization, province="浙江省", city="星河市",
                                           size_class=ctx.random.choice(["小", "微", "中"]), industry_code=industry_code,
                                           first_loan=index % 4 == 0, industry_chains=[chain])
        result.append(organization)
    return result


async def _institutions(ctx: _Context, extra: list[tuple[OrganizationKind, str, str]],
                        existing_emails: list[str]) -> list[Organization]:
    result = []
    for email in existing_emails:
        user = await User.get_or_none(email=email)
        if user is not None:
            result.append((await Membership.get(user=user).prefetch_related("organization")).organization)
    for kind, name, email in extra:
        result.append(await _organization(ctx, kind, name, email, None))
    return result


async def _loan_need_of(enterprise: Organization, index: int) -> FinancingNeed:
    """The enterprise's open loan need, or a new one shaped like LOAN_NEEDS."""
    need = await FinancingNeed.filter(enterprise=enterprise, status=NeedStatus.OPEN,
                                      kind__in=[kind for _title, kind, _purpose in LOAN_NEEDS]).first()
    if need is None:
        title, kind, purpose = LOAN_NEEDS[index % len(LOAN_NEEDS)]
        need = await FinancingNeed.create(
            enterprise=enterprise, title=title, kind=kind, purpose_category=purpose,
            collateral=["知识产权"] if kind == FinancingKind.IP_PLEDGE_LOAN else [],
            collateral_value=(index % 4 + 2) * 3_000_000 if kind == FinancingKind.IP_PLEDGE_LOAN else None,
            amount=(index % 9 + 2) * 1_000_000, term_months=12 + (index % 3) * 12)
    return need


async def _admin_email(organization: Organization) -> str:
    membership = await Membership.filter(organization=organization, role=Role.ADMIN).order_by("id") \
        .prefetch_related("user").first()
    return membership.user.email if membership else ""


async def _product_of(institution: Organization, email: str) -> Product:
    product = await Product.filter(organization=institution, status=PublicationStatus.PUBLISHED).first()
    if product is None:
        name, kind, rate = EVENT_PRODUCTS.get(email) or (f"{institution.name.removesuffix('（演示）')[:4]}科技企业融资服务",
                                                         FinancingKind.CREDIT_LOAN, "以审批为准")
        product = await Product.create(
            organization=institution, name=name, kind=kind, status=PublicationStatus.PUBLISHED, rate_text=rate,
            description=f"{institution.name.removesuffix('（演示）')}面向星河市科技企业的{name}",
            term_min_months=36 if kind == FinancingKind.EQUITY else 6,
            term_max_months=84 if kind == FinancingKind.EQUITY else 36, regions=["浙江省/星河市"])
    return product


def _sessions(day: date) -> list[dict[str, str]]:
    return [{"day": day.isoformat(), "part": "am", "start": "09:00", "end": "12:00"},
            {"day": day.isoformat(), "part": "pm", "start": "14:00", "end": "17:00"}]


def _deadline(day: date, days_before: int) -> datetime:
    return datetime.combine(date.fromordinal(day.toordinal() - days_before), time(18, 0), SHANGHAI)


def upcoming_event_day(today: date) -> date:
    """The demo docking event's day: the first weekday two weeks or more after the demo is loaded,
    so that whenever `make run` first starts, registration, requests and answers are still open
    (their deadlines are 10, 5 and 3 days before the event)."""
    day = today + timedelta(days=14)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


async def _docking_event(ctx: _Context, organizer: Organization, enterprises: list[Organization],
                         institutions: list[Organization]) -> Event:
    day = ctx.docking_day
    event = await Event.create(
        organizer=organizer, kind=EventKind.DOCKING, title="2026 星河市科技金融银企对接会（演示）",
        venue="星河国际会议中心三楼宴会厅", description="面向科技型中小企业的一对一银企对接洽谈。",
        sessions=_sessions(day), breaks=[{"day": day.isoformat(), "start": "10:20", "end": "10:30"},
                                         {"day": day.isoformat(), "start": "15:20", "end": "15:30"}],
        slot_minutes=20, tables_per_institution=2, max_meetings_per_enterprise=8, max_meetings_per_institution=30,
        max_outgoing_requests=8, registration_deadline=_deadline(day, 10), request_deadline=_deadline(day, 5),
        answer_deadline=_deadline(day, 3), coverage_bonus=10, first_loan_bonus_percent=50, status=EventStatus.OPEN)
    products = {i.pk: await _product_of(i, await _admin_email(i)) for i in institutions}
    for number, institution in enumerate(institutions):
        registration = await Registration.create(
            event=event, organization=institution, status=RegistrationStatus.APPROVED, tables=2,
            representatives=[{"name": demo_person(300 + 2 * number + n), "title": title,
                              "product_ids": [products[institution.pk].pk]}
                             for n, title in enumerate(("客户经理", "产品经理"))])
        if ctx.random.random() < 0.2:  # some leave at lunch
            await Availability.create(registration=registration, session=f"{day.isoformat()}-pm", attends=False)
    for index, enterprise in enumerate(enterprises, start=1):
        need = await _loan_need_of(enterprise, index)
        registration = await Registration.create(event=event, organization=enterprise, need_ids=[need.pk],
                                                 status=RegistrationStatus.APPROVED)
        if index % 5 == 0:
            await Availability.create(registration=registration, session=f"{day.isoformat()}-am", arrive_at="10:30")
        for institution in ctx.random.sample(institutions, REQUESTS_PER_ENTERPRISE):
            await MeetingRequest.create(event=event, enterprise=enterprise, institution=institution, need=need,
                                        product=products[institution.pk], **_request_outcome(ctx))
    # The answered requests were asked the day before their answer (created_at would say "now",
    # after the answer, and the statistics' response hours would come out negative).
    await MeetingRequest.filter(event=event, answered_at__not_isnull=True).update(created_at=ctx.asked_at)
    return event


def _request_outcome(ctx: _Context) -> dict:
    """Most requests accepted, with priorities on both sides; some still pending or declined."""
    draw = ctx.random.random()
    priority = ctx.random.choice([Priority.MUST, Priority.WANT, Priority.WANT, Priority.OK])
    from_enterprise = ctx.random.random() < 0.75
    if draw < 0.8:
        return {"from_enterprise": from_enterprise, "priority": priority, "state": RequestState.ACCEPTED,
                "answer_priority": ctx.random.choice([Priority.MUST, Priority.WANT, Priority.OK]),
                "answered_at": ctx.answered_at}
    if draw < 0.9:
        return {"from_enterprise": from_enterprise, "priority": priority, "state": RequestState.DECLINED,
                "answer_reason": "额度已满，欢迎下次对接", "answered_at": ctx.answered_at}
    return {"from_enterprise": from_enterprise, "priority": priority, "state": RequestState.PENDING}


async def _equity_need_of(enterprise: Organization, plan: BusinessPlan) -> FinancingNeed:
    """The enterprise's open equity need, made to say what its pitch asks for."""
    need = await FinancingNeed.filter(enterprise=enterprise, kind=FinancingKind.EQUITY, status=NeedStatus.OPEN).first()
    row = {"title": f"{plan.round}股权融资", "amount": plan.amount_wan * 10_000, "purpose": plan.title,
           "purpose_category": "扩大产能", "collateral": [], "collateral_value": None, "acceptable_rate": None}
    if need is None:
        return await FinancingNeed.create(enterprise=enterprise, kind=FinancingKind.EQUITY, term_months=60, **row)
    await need.update_from_dict(row).save()
    return need


async def _roadshow(ctx: _Context, organizer: Organization, enterprises: list[Organization],
                    investors: list[Organization], plans_dir: Path) -> Event:
    day = ctx.docking_day + timedelta(days=7)  # a week after the docking event
    halls = [{"name": "一号路演厅", "capacity": 6}, {"name": "二号路演厅", "capacity": 4}]
    event = await Event.create(
        organizer=organizer, kind=EventKind.ROADSHOW, title="星河市硬科技企业融资路演（演示）", venue="星河科创园路演中心",
        description="12 家硬科技企业路演，路演后安排投资机构一对一跟进洽谈。", sessions=_sessions(day), breaks=[],
        slot_minutes=15, pitch_minutes=10, halls=halls, tables_per_institution=1, max_meetings_per_enterprise=6,
        registration_deadline=_deadline(day, 10), request_deadline=_deadline(day, 1),
        answer_deadline=_deadline(day, 1), coverage_bonus=5, first_loan_bonus_percent=0, status=EventStatus.OPEN)
    for number, investor in enumerate(investors):
        await Registration.create(event=event, organization=investor, status=RegistrationStatus.APPROVED, tables=1,
                                  representatives=[{"name": demo_person(400 + number), "title": "投资总监",
                                                    "product_ids": []}])
    pitches = []
    for index, (enterprise, plan) in enumerate(zip(enterprises[:PITCH_COUNT], PITCH_PLANS, strict=True)):
        need = await _equity_need_of(enterprise, plan)
        await Registration.create(event=event, organization=enterprise, need_ids=[need.pk],
                                  status=RegistrationStatus.APPROVED)
        hall = halls[index % 2]["name"]
        slot = f"d1-{9 + (index // 2) // 4:02d}{((index // 2) % 4) * 15:02d}"  # two halls, 09:00 onwards
        pdf = business_plan_pdf(plan)
        relative = Path("pitches") / str(event.pk) / f"{uuid.uuid4().hex}.pdf"
        (plans_dir / relative).parent.mkdir(parents=True, exist_ok=True)
        (plans_dir / relative).write_bytes(pdf)
        pitches.append(await Pitch.create(event=event, enterprise=enterprise, need=need, title=plan.title,
                                          summary=plan.summary, status=PitchStatus.SELECTED, hall=hall, slot=slot,
                                          plan_path=str(relative), plan_name=f"{plan.title}-商业计划书.pdf",
                                          plan_size=len(pdf)))
    for investor in investors:
        for pitch in ctx.random.sample(pitches, 4):
            hall_seats = next(h["capacity"] for h in halls if h["name"] == pitch.hall)
            seated = await PitchAttendance.filter(pitch=pitch, state=AttendanceState.CONFIRMED).count()
            await PitchAttendance.create(pitch=pitch, investor=investor, state=AttendanceState.CONFIRMED
                                         if seated < hall_seats else AttendanceState.WAITLISTED)
            if ctx.random.random() < 0.6:  # a follow-up meeting after the pitch
                await MeetingRequest.create(event=event, enterprise_id=pitch.enterprise_id, institution=investor,
                                            need_id=pitch.need_id, from_enterprise=False, after_pitch=True,
                                            priority=Priority.WANT, state=RequestState.ACCEPTED,
                                            answer_priority=ctx.random.choice([Priority.MUST, Priority.WANT]))
    return event


async def load_demo_events(var_dir: Path, today: date | None = None) -> list[Event]:
    """Create the two demo events (and any demo organizations they need) in one transaction, dated
    from `today` (Beijing's, by default: the day the demo is loaded); the roadshow's business
    plans are written where pitch uploads live (`<var>/uploads`), and removed again if the
    transaction fails."""
    plans_dir = uploads_dir(var_dir)
    written_before = set(plans_dir.rglob("*.pdf")) if plans_dir.exists() else set()
    try:
        return await _load_demo_events(plans_dir, today or datetime.now(UTC).astimezone(SHANGHAI).date())
    except BaseException:
        for path in (set(plans_dir.rglob("*.pdf")) if plans_dir.exists() else set()) - written_before:
            path.unlink(missing_ok=True)
        raise


async def _load_demo_events(plans_dir: Path, today: date) -> list[Event]:
    ctx = _Context(password_hash=await hash_password(DEMO_PASSWORD), random=random.Random(20261208),
                   docking_day=upcoming_event_day(today),
                   asked_at=datetime.combine(today - timedelta(days=2), time(16, 0), SHANGHAI),
                   answered_at=datetime.combine(today - timedelta(days=1), time(10, 0), SHANGHAI))
    async with in_transaction():
        organizer_user = await User.get(email=ORGANIZER_EMAIL)
        organizer = (await Membership.get(user=organizer_user).prefetch_related("organization")).organization
        enterprises = await _enterprises(ctx)
        institutions = await _institutions(ctx, EXTRA_INSTITUTIONS, INSTITUTION_EMAILS)
        investors = [i for i in institutions if i.kind == OrganizationKind.INVESTOR]
        investors += await _institutions(ctx, EXTRA_INVESTORS[:max(0, INVESTOR_COUNT - len(investors))], [])
        docking = await _docking_event(ctx, organizer, enterprises, institutions[:15])
        roadshow = await _roadshow(ctx, organizer, enterprises, investors[:INVESTOR_COUNT], plans_dir)
        await audit(None, "demo.events", after={"events": [docking.pk, roadshow.pk]})
    return [docking, roadshow]
