"""A docking event end to end in Chromium: the organizer sets it up, an enterprise registers and
asks two banks, one bank accepts and the other declines, the organizer approves and exports."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import FinancingKind, FinancingNeed, Membership, Product, PublicationStatus
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from matchmaker.solver.problem import parse_problem
from tests.conftest import next_uscc

PASSWORD = "correct-horse-battery"


async def _seed(database_url: str) -> None:
    """Accounts, a financing need and two banks' products, made through the real services and ORM."""
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url)))
    try:
        people = [("government", "星河市科学技术局", "organizer@example.cn", True),
                  ("enterprise", "星河纳米新材料科技有限公司", "enterprise@example.cn", False),
                  ("bank", "星河银行科技支行", "bank1@example.cn", False),
                  ("bank", "江海农商银行星河分行", "bank2@example.cn", False)]
        for kind, name, email, organizer in people:
            user = await register_organization(RegistrationDraft(
                kind=kind, organization_name=name, uscc=next_uscc() if kind == "enterprise" else "",
                licence_name="" if kind == "enterprise" else name, admin_name="联系人", email=email,
                password=PASSWORD), password_min_length=10, is_organizer=organizer, allowed_kinds=frozenset({kind}))
            organization = (await Membership.get(user=user).prefetch_related("organization")).organization
            if kind == "enterprise":
                await FinancingNeed.create(enterprise=organization, title="研发贷款 500 万", amount=5_000_000,
                                           term_months=12, kind=FinancingKind.CREDIT_LOAN)
            if kind == "bank":
                await Product.create(organization=organization, name=f"{name[:4]}科创贷", kind=FinancingKind.CREDIT_LOAN,
                                     status=PublicationStatus.PUBLISHED)
    finally:
        await Tortoise.close_connections()


def seed(database_url: str) -> None:
    # Sync Playwright keeps an event loop in this thread: seed from another one.
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _seed(database_url)).result()


def signed_in(browser, base_url: str, email: str, *, phone: bool = False):
    options = ({"viewport": {"width": 390, "height": 844}, "is_mobile": True, "has_touch": True,
                "device_scale_factor": 2} if phone else {"viewport": {"width": 1280, "height": 860}})
    page = browser.new_context(locale="zh-CN", accept_downloads=True, **options).new_page()
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    return page


def register_bank(browser, base_url: str, event_path: str, email: str, person: str) -> None:
    bank = signed_in(browser, base_url, email)
    bank.goto(f"{base_url}{event_path}/register")
    bank.locator("#rep_name_0").fill(person)
    bank.locator("#rep_title_0").fill("客户经理")
    bank.get_by_role("button", name="提交报名").click()
    expect(bank.get_by_text("报名已提交，请等待组织方审核。")).to_be_visible()
    bank.context.close()


def test_docking_event_from_set_up_to_exported_problem(live_server, database_url, browser, screenshot):
    seed(database_url)

    # The organizer creates a docking event and opens it.
    organizer = signed_in(browser, live_server, "organizer@example.cn")
    organizer.get_by_role("navigation", name="主导航").get_by_role("link", name="活动管理").click()
    organizer.get_by_role("link", name="新建活动").click()
    organizer.get_by_label("活动名称").fill("星河市科技金融银企对接会")
    organizer.get_by_label("地点").fill("星河国际会议中心")
    organizer.get_by_label("活动日期").fill("2026-12-08")
    organizer.get_by_label("茶歇").fill("10:20-10:30")
    screenshot(organizer, "event-form")
    organizer.get_by_role("button", name="保存").click()
    expect(organizer.locator("h1")).to_have_text("星河市科技金融银企对接会")
    organizer.get_by_role("button", name="发布并开放报名").click()
    expect(organizer.locator(".badge").first).to_have_text("报名中")
    event_path = re.search(r"/organizer(/events/\d+)", organizer.url).group(1)

    # The enterprise registers with its need; both banks register a representative.
    enterprise = signed_in(browser, live_server, "enterprise@example.cn")
    enterprise.get_by_role("navigation", name="主导航").get_by_role("link", name="活动").click()
    enterprise.get_by_role("link", name="星河市科技金融银企对接会").click()
    enterprise.get_by_role("link", name="我要报名").click()
    enterprise.get_by_label("研发贷款 500 万").check()
    screenshot(enterprise, "register")
    enterprise.get_by_role("button", name="提交报名").click()
    expect(enterprise.get_by_text("待审核")).to_be_visible()
    register_bank(browser, live_server, event_path, "bank1@example.cn", "钱立新")
    register_bank(browser, live_server, event_path, "bank2@example.cn", "孔令仪")

    # The organizer approves all three at once.
    organizer.reload()
    for box in organizer.locator("input[name=registration_ids]").all():
        box.check()
    organizer.get_by_role("button", name="通过所选").click()
    expect(organizer.locator("#registrations .state-approved")).to_have_count(3)
    screenshot(organizer, "approved")

    # The enterprise asks both banks from the suggestions, the first as a must.
    enterprise.goto(f"{live_server}{event_path}/requests")
    first = enterprise.locator(".suggestions li", has_text="星河银行科技支行")
    first.get_by_label("约见意愿").select_option("must")
    first.get_by_role("button", name="约见").click()
    expect(enterprise.get_by_text("约见申请已发出。")).to_be_visible()
    enterprise.locator(".suggestions li", has_text="江海农商银行星河分行").get_by_role("button", name="约见").click()
    expect(enterprise.locator(".requests.sent li")).to_have_count(2)
    screenshot(enterprise, "requests-sent")

    # One bank accepts as a must too, the other declines with a reason.
    bank1 = signed_in(browser, live_server, "bank1@example.cn")
    bank1.goto(f"{live_server}{event_path}/requests")
    bank1.get_by_label("我方意愿").select_option("must")
    bank1.get_by_role("button", name="接受").click()
    expect(bank1.locator(".requests.received .state-accepted")).to_have_text("已接受")
    bank2 = signed_in(browser, live_server, "bank2@example.cn")
    bank2.goto(f"{live_server}{event_path}/requests")
    bank2.get_by_label("婉拒原因").fill("本期额度已满")
    bank2.get_by_role("button", name="婉拒").click()
    expect(bank2.locator(".requests.received .state-declined")).to_have_text("已婉拒")

    # The enterprise sees both answers in its inbox, on a phone.
    on_phone = signed_in(browser, live_server, "enterprise@example.cn", phone=True)
    on_phone.goto(f"{live_server}/inbox")
    expect(on_phone.get_by_text("婉拒了您的约见（本期额度已满）")).to_be_visible()
    assert on_phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(on_phone, "inbox-phone")
    on_phone.goto(f"{live_server}{event_path}/requests")
    assert on_phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(on_phone, "requests-phone")

    # The organizer downloads the problem file; the solver's parser accepts it.
    # 8 morning slots around the 10:20 break and 9 in the afternoon, 20 minutes each.
    organizer.goto(f"{live_server}/organizer{event_path}")
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name="下载排程问题文件").click()
    problem = parse_problem(json.loads(download.value.path().read_text(encoding="utf-8")))
    assert [(r.weight, r.after_pitch) for r in problem.requests] == [(20, False)]  # mutual must
    assert len(problem.slots) == 17 and (len(problem.enterprises), len(problem.institutions)) == (1, 2)
    screenshot(organizer, "event-overview")
