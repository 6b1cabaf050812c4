"""Demo events for 星河市: one docking event (60 enterprises, 15 institutions, about 300 meeting
requests) and one roadshow (12 pitches, 10 investors), both ready to be exported and scheduled.

Organizations are looked up by their demo e-mail and created only when missing, so this works
whatever number of demo organizations `load_demo` itself made. Choices that look random come
from a seeded generator: every load gives the same programme.
"""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import date, datetime, time

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
    (OrganizationKind.GUARANTOR, "星河科技融资担保有限公司（演示）", "guarantor2@demo.matchmaker.cn"),
    (OrganizationKind.LEASING, "新材融资租赁有限公司（演示）", "leasing2@demo.matchmaker.cn"),
    (OrganizationKind.INVESTOR, "天使湾创业投资（演示）", "vc2@demo.matchmaker.cn"),
    (OrganizationKind.BANK, "星河农商银行科技支行（演示）", "bank6@demo.matchmaker.cn"),
]
EXTRA_INVESTORS = [
    (OrganizationKind.INVESTOR, f"{name}（演示）", f"vc{index}@demo.matchmaker.cn")
    for index, name in enumerate(["启航资本", "北斗星创投", "澄江产业基金", "岳麓科创投资", "钱塘硬科技基金",
                                  "云帆天使基金", "金桥成长基金"], start=3)
]
ENTERPRISE_WORDS = ["星河", "启明", "澜湾", "康瑞", "曜阳", "青禾", "铸远", "北辰", "云栈", "芯途", "数衡", "绿源",
                    "穹顶", "禾丰", "极光", "智岩", "远川", "晨曦", "海纳", "天工"]
ENTERPRISE_TRADES = ["新材料科技", "生物医药", "智能装备", "集成电路", "工业软件", "新能源"]
LOAN_KINDS = [FinancingKind.CREDIT_LOAN, FinancingKind.IP_PLEDGE_LOAN, FinancingKind.GUARANTEED_LOAN]
PRODUCT_KIND = {
    OrganizationKind.BANK: FinancingKind.CREDIT_LOAN, OrganizationKind.GUARANTOR: FinancingKind.GUARANTEED_LOAN,
    OrganizationKind.INSURER: FinancingKind.INSURANCE, OrganizationKind.LEASING: FinancingKind.LEASING,
    OrganizationKind.SMALL_LOAN: FinancingKind.CREDIT_LOAN, OrganizationKind.INVESTOR: FinancingKind.EQUITY,
}


@dataclass
class _Context:
    password_hash: str
    random: random.Random


async def _organization(ctx: _Context, kind: OrganizationKind, name: str, email: str, uscc: str | None) -> Organization:
    """The demo organization with this admin e-mail, created (with its admin) when missing."""
    user = await User.get_or_none(email=email)
    if user is not None:
        return (await Membership.get(user=user).prefetch_related("organization")).organization
    organization = await Organization.create(kind=kind, name=name, uscc=uscc,
                                             licence_name="" if uscc else name.replace("（演示）", ""))
    user = await User.create(email=email, name=f"{name[:2]}联络人", password_hash=ctx.password_hash)
    await Membership.create(user=user, organization=organization, role=Role.ADMIN)
    return organization


async def _enterprises(ctx: _Context) -> list[Organization]:
    result = []
    for index in range(1, ENTERPRISE_COUNT + 1):
        name = (f"{ENTERPRISE_WORDS[index % len(ENTERPRISE_WORDS)]}{ENTERPRISE_TRADES[index % len(ENTERPRISE_TRADES)]}"
                f"{index:02d}有限公司（演示）")
        # A USCC range of its own (5xxx) so that nothing clashes with demo.py's enterprises.
        organization = await _organization(ctx, OrganizationKind.ENTERPRISE, name, f"e{index:02d}@demo.matchmaker.cn",
                                           make_uscc(f"91330106MA2H{5000 + index:04d}K"))
        if not await EnterpriseProfile.exists(organization=organization):
            await EnterpriseProfile.create(organization=organization, province="浙江省", city="星河市",
                                           size_class=ctx.random.choice(["小", "微", "中"]),
                                           first_loan=index % 4 == 0, industry_chains=["新材料"])
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


async def _need_of(enterprise: Organization, kind: FinancingKind, index: int) -> FinancingNeed:
    need = await FinancingNeed.filter(enterprise=enterprise, kind=kind, status=NeedStatus.OPEN).first()
    if need is None:
        title = "A 轮股权融资" if kind == FinancingKind.EQUITY else "研发及流动资金贷款"
        need = await FinancingNeed.create(enterprise=enterprise, title=title, kind=kind,
                                          amount=(index % 9 + 1) * 1_000_000, term_months=12 + (index % 3) * 12)
    return need


async def _product_of(institution: Organization) -> Product:
    product = await Product.filter(organization=institution, status=PublicationStatus.PUBLISHED).first()
    if product is None:
        kind = PRODUCT_KIND.get(institution.kind, FinancingKind.CREDIT_LOAN)
        product = await Product.create(organization=institution, name=f"{institution.name[:4]}科创{kind.value[:4]}",
                                       kind=kind, status=PublicationStatus.PUBLISHED, rate_text="以审批为准")
    return product


def _sessions(day: date) -> list[dict[str, str]]:
    return [{"day": day.isoformat(), "part": "am", "start": "09:00", "end": "12:00"},
            {"day": day.isoformat(), "part": "pm", "start": "14:00", "end": "17:00"}]


def _deadline(day: date, days_before: int) -> datetime:
    return datetime.combine(date.fromordinal(day.toordinal() - days_before), time(18, 0), SHANGHAI)


async def _docking_event(ctx: _Context, organizer: Organization, enterprises: list[Organization],
                         institutions: list[Organization]) -> Event:
    day = date(2026, 12, 8)
    event = await Event.create(
        organizer=organizer, kind=EventKind.DOCKING, title="2026 星河市科技金融银企对接会（演示）",
        venue="星河国际会议中心三楼宴会厅", description="面向科技型中小企业的一对一银企对接洽谈。",
        sessions=_sessions(day), breaks=[{"day": day.isoformat(), "start": "10:20", "end": "10:30"},
                                         {"day": day.isoformat(), "start": "15:20", "end": "15:30"}],
        slot_minutes=20, tables_per_institution=2, max_meetings_per_enterprise=8, max_meetings_per_institution=30,
        max_outgoing_requests=8, registration_deadline=_deadline(day, 10), request_deadline=_deadline(day, 5),
        answer_deadline=_deadline(day, 3), coverage_bonus=10, first_loan_bonus_percent=50, status=EventStatus.OPEN)
    products = {i.pk: await _product_of(i) for i in institutions}
    for institution in institutions:
        registration = await Registration.create(
            event=event, organization=institution, status=RegistrationStatus.APPROVED, tables=2,
            representatives=[{"name": f"{institution.name[:2]}客户经理{n}", "title": "客户经理",
                              "product_ids": [products[institution.pk].pk]} for n in (1, 2)])
        if ctx.random.random() < 0.2:  # some leave at lunch
            await Availability.create(registration=registration, session=f"{day.isoformat()}-pm", attends=False)
    for index, enterprise in enumerate(enterprises, start=1):
        need = await _need_of(enterprise, LOAN_KINDS[index % len(LOAN_KINDS)], index)
        registration = await Registration.create(event=event, organization=enterprise, need_ids=[need.pk],
                                                 status=RegistrationStatus.APPROVED)
        if index % 5 == 0:
            await Availability.create(registration=registration, session=f"{day.isoformat()}-am", arrive_at="10:30")
        for institution in ctx.random.sample(institutions, REQUESTS_PER_ENTERPRISE):
            await MeetingRequest.create(event=event, enterprise=enterprise, institution=institution, need=need,
                                        product=products[institution.pk], **_request_outcome(ctx))
    return event


def _request_outcome(ctx: _Context) -> dict:
    """Most requests accepted, with priorities on both sides; some still pending or declined."""
    draw = ctx.random.random()
    priority = ctx.random.choice([Priority.MUST, Priority.WANT, Priority.WANT, Priority.OK])
    from_enterprise = ctx.random.random() < 0.75
    if draw < 0.8:
        return {"from_enterprise": from_enterprise, "priority": priority, "state": RequestState.ACCEPTED,
                "answer_priority": ctx.random.choice([Priority.MUST, Priority.WANT, Priority.OK]),
                "answered_at": datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)}
    if draw < 0.9:
        return {"from_enterprise": from_enterprise, "priority": priority, "state": RequestState.DECLINED,
                "answer_reason": "额度已满，欢迎下次对接", "answered_at": datetime(2026, 12, 2, 10, 0, tzinfo=SHANGHAI)}
    return {"from_enterprise": from_enterprise, "priority": priority, "state": RequestState.PENDING}


async def _roadshow(ctx: _Context, organizer: Organization, enterprises: list[Organization],
                    investors: list[Organization]) -> Event:
    day = date(2026, 12, 15)
    halls = [{"name": "一号路演厅", "capacity": 6}, {"name": "二号路演厅", "capacity": 4}]
    event = await Event.create(
        organizer=organizer, kind=EventKind.ROADSHOW, title="星河市硬科技企业融资路演（演示）", venue="星河科创园路演中心",
        description="12 家硬科技企业路演，路演后安排投资机构一对一跟进洽谈。", sessions=_sessions(day), breaks=[],
        slot_minutes=15, pitch_minutes=10, halls=halls, tables_per_institution=1, max_meetings_per_enterprise=6,
        registration_deadline=_deadline(day, 10), request_deadline=_deadline(day, 1),
        answer_deadline=_deadline(day, 1), coverage_bonus=5, first_loan_bonus_percent=0, status=EventStatus.OPEN)
    for investor in investors:
        await Registration.create(event=event, organization=investor, status=RegistrationStatus.APPROVED, tables=1,
                                  representatives=[{"name": f"{investor.name[:2]}投资经理", "title": "投资总监",
                                                    "product_ids": []}])
    pitches = []
    for index, enterprise in enumerate(enterprises[:PITCH_COUNT]):
        need = await _need_of(enterprise, FinancingKind.EQUITY, index)
        await Registration.create(event=event, organization=enterprise, need_ids=[need.pk],
                                  status=RegistrationStatus.APPROVED)
        hall = halls[index % 2]["name"]
        slot = f"d1-{9 + (index // 2) // 4:02d}{((index // 2) % 4) * 15:02d}"  # two halls, 09:00 onwards
        pitches.append(await Pitch.create(event=event, enterprise=enterprise, need=need,
                                          title=f"{enterprise.name[:4]}项目路演",
                                          summary="核心技术产业化，拟融资用于扩产与研发。", status=PitchStatus.SELECTED,
                                          hall=hall, slot=slot))
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


async def load_demo_events() -> list[Event]:
    """Create the two demo events (and any demo organizations they need) in one transaction."""
    ctx = _Context(password_hash=await hash_password(DEMO_PASSWORD), random=random.Random(20261208))
    async with in_transaction():
        organizer_user = await User.get(email=ORGANIZER_EMAIL)
        organizer = (await Membership.get(user=organizer_user).prefetch_related("organization")).organization
        enterprises = await _enterprises(ctx)
        institutions = await _institutions(ctx, EXTRA_INSTITUTIONS, INSTITUTION_EMAILS)
        investors = [i for i in institutions if i.kind == OrganizationKind.INVESTOR]
        investors += await _institutions(ctx, EXTRA_INVESTORS[:max(0, INVESTOR_COUNT - len(investors))], [])
        docking = await _docking_event(ctx, organizer, enterprises, institutions[:15])
        roadshow = await _roadshow(ctx, organizer, enterprises, investors[:INVESTOR_COUNT])
        await audit(None, "demo.events", after={"events": [docking.pk, roadshow.pk]})
    return [docking, roadshow]
