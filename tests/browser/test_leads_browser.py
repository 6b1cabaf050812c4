"""A bank member records intent from the agenda on a phone right after a meeting; the enterprise confirms
it on its leads page; the organizer sees the confirmed lead in its overview. Every lead page is
photographed at desktop and phone width."""

from __future__ import annotations

import asyncio
import itertools
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import (
    Event,
    EventStatus,
    FinancingNeed,
    Meeting,
    MeetingRequest,
    MeetingState,
    Membership,
    Priority,
    Registration,
    RegistrationStatus,
    RequestState,
    ScheduleVersion,
    VersionState,
)
from matchmaker.models.outcomes import Confirmation, LeadRecord
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from matchmaker.services.clock import utc_now
from matchmaker.services.events.requests import answer
from tests.conftest import PASSWORD, next_uscc

ORGANIZER = "leads-organizer@example.cn"
BANK = "leads-bank@example.cn"
ENTERPRISE = "leads-enterprise@example.cn"
numbers = itertools.count(1)


async def _seed(database_url: str, var_dir: str) -> tuple[int, int]:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        async def make(kind: str, name: str, email: str, is_organizer: bool = False):
            draft = RegistrationDraft(kind=kind, organization_name=name, uscc=next_uscc() if kind == "enterprise"
                                      else "", licence_name="" if kind == "enterprise" else f"{name}许可证",
                                      admin_name="王经理", email=email, password=PASSWORD)
            user = await register_organization(draft, password_min_length=10, is_organizer=is_organizer,
                                               allowed_kinds=frozenset({kind}))
            return user, (await Membership.get(user=user).prefetch_related("organization")).organization

        _o, organizer = await make("government", "星河市科技局", ORGANIZER, is_organizer=True)
        bank_user, bank = await make("bank", "星河银行", BANK)
        _e, enterprise = await make("enterprise", "星河纳米科技", ENTERPRISE)
        event = await Event.create(organizer=organizer, title="星河银企对接会", status=EventStatus.OPEN)
        need = await FinancingNeed.create(enterprise=enterprise, title="扩产流动资金", kind="credit_loan",
                                          amount=5_000_000, term_months=12)
        for organization, needs in ((enterprise, [need.pk]), (bank, [])):
            await Registration.create(event=event, organization=organization, status=RegistrationStatus.APPROVED,
                                      need_ids=needs, tables=1 if organization is bank else 0)
        request = await MeetingRequest.create(event=event, enterprise=enterprise, institution=bank, need=need,
                                              from_enterprise=True, priority=Priority.WANT,
                                              state=RequestState.PENDING)
        await answer(request, bank, accept=True, by=bank_user)
        version = await ScheduleVersion.create(event=event, number=1, published_number=1,
                                               state=VersionState.PUBLISHED, published_at=utc_now())
        start = utc_now() - timedelta(minutes=30)
        meeting = await Meeting.create(version=version, event=event, enterprise=enterprise, institution=bank,
                                       request=request, slot="s1", starts_at=start,
                                       ends_at=start + timedelta(minutes=20), table=1, state=MeetingState.HELD)
        return event.pk, meeting.pk
    finally:
        await Tortoise.close_connections()


async def _records(database_url: str, var_dir: str) -> list[tuple[str, int, str]]:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        return [(str(r.stage), r.amount, str(r.confirmation)) for r in await LeadRecord.all().order_by("id")]
    finally:
        await Tortoise.close_connections()


def _run(coroutine):
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def login(page, base_url: str, address: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(address)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base_url}/dashboard")


def test_intent_from_the_agenda_on_a_phone_confirmed_by_the_enterprise_seen_by_the_organizer(
        live_server, browser, page, phone, screenshot, database_url, tmp_path):
    var_dir = str(tmp_path / "var")
    event_id, meeting_id = _run(_seed(database_url, var_dir))

    # The bank member, on a phone, right after the meeting.
    login(phone, live_server, BANK)
    phone.goto(f"{live_server}/events/{event_id}/agenda")
    phone.get_by_role("link", name="记录意向").click()
    expect(phone.locator("h1")).to_have_text("记录洽谈进展")
    screenshot(phone, "meeting-phone")
    phone.get_by_label("金额（万元）").fill("-3")
    phone.get_by_role("button", name="保存进展").click()
    expect(phone.locator("#e-amount")).to_have_text("金额不能为负数")
    phone.get_by_label("金额（万元）").fill("300")
    phone.get_by_role("button", name="保存进展").click()
    expect(phone.locator(".notice")).to_contain_text("进展已记录")
    expect(phone.locator(".lead-history")).to_contain_text("有意向")
    screenshot(phone, "lead-phone")
    phone.goto(f"{live_server}/institution/leads")
    expect(phone.locator(".lead-table")).to_contain_text("星河纳米科技")
    screenshot(phone, "pipeline-phone")
    phone.goto(f"{live_server}/dashboard")
    expect(phone.locator(".pipeline-counts")).to_contain_text("共 1 条线索")
    screenshot(phone, "dashboard-phone")
    phone.goto(f"{live_server}/institution/leads/upload")
    screenshot(phone, "upload-phone")

    # The bank's pages at desktop width too.
    login(page, live_server, BANK)
    for path, name in (("/institution/leads", "pipeline"), (f"/institution/leads/meetings/{meeting_id}", "meeting"),
                       ("/institution/leads/upload", "upload"), ("/dashboard", "dashboard")):
        page.goto(f"{live_server}{path}")
        screenshot(page, name)
    page.context.clear_cookies()

    # The enterprise confirms.
    login(page, live_server, ENTERPRISE)
    page.goto(f"{live_server}/enterprise/leads")
    expect(page.locator(".lead-card")).to_contain_text("星河银行")
    screenshot(page, "enterprise")
    page.locator(".answer-form").get_by_role("button", name="确认").click()
    expect(page.locator(".notice")).to_contain_text("已答复")
    expect(page.locator(".lead-history")).to_contain_text("已确认")
    page.get_by_label("4").check()
    page.get_by_label("有", exact=True).check()
    page.get_by_label("意见").fill("沟通顺畅")
    page.get_by_role("button", name="提交反馈").click()
    expect(page.locator(".notice")).to_contain_text("感谢您的反馈")
    phone.context.clear_cookies()
    login(phone, live_server, ENTERPRISE)
    phone.goto(f"{live_server}/enterprise/leads")
    screenshot(phone, "enterprise-phone")
    page.context.clear_cookies()

    # The organizer sees it.
    login(page, live_server, ORGANIZER)
    page.goto(f"{live_server}/organizer/leads")
    expect(page.locator(".lead-table").last).to_contain_text("星河银行")
    expect(page.locator(".lead-table").last).to_contain_text("有意向")
    screenshot(page, "organizer")
    phone.context.clear_cookies()
    login(phone, live_server, ORGANIZER)
    phone.goto(f"{live_server}/organizer/leads")
    screenshot(phone, "organizer-phone")

    assert _run(_records(database_url, var_dir)) == [("intent", 3_000_000, Confirmation.CONFIRMED.value)]
