"""A roadshow end to end in Chromium: pitch application with a PDF, selection into a hall and
slot, investors' picks against the hall's capacity, a follow-up meeting after the pitch, export."""

from __future__ import annotations

import asyncio
import json
import re
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import FinancingKind, FinancingNeed, Membership
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from matchmaker.solver.problem import parse_problem
from tests.browser.test_events_browser import signed_in
from tests.conftest import next_uscc

PASSWORD = "correct-horse-battery"
PDF = b"%PDF-1.7\n%demo business plan\n" + b"0" * 2048


async def _seed(database_url: str) -> None:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url)))
    try:
        for kind, name, email, organizer in [("government", "星河市科学技术局", "organizer@example.cn", True),
                                             ("enterprise", "澜湾生物医药有限公司", "enterprise@example.cn", False),
                                             ("investor", "远望创业投资", "vc1@example.cn", False),
                                             ("investor", "星河产业引导基金", "vc2@example.cn", False)]:
            user = await register_organization(RegistrationDraft(
                kind=kind, organization_name=name, uscc=next_uscc() if kind == "enterprise" else "",
                licence_name="" if kind == "enterprise" else name, admin_name="联系人", email=email,
                password=PASSWORD), password_min_length=10, is_organizer=organizer, allowed_kinds=frozenset({kind}))
            if kind == "enterprise":
                organization = (await Membership.get(user=user).prefetch_related("organization")).organization
                await FinancingNeed.create(enterprise=organization, title="A 轮融资 3000 万", amount=30_000_000,
                                           term_months=36, kind=FinancingKind.EQUITY)
    finally:
        await Tortoise.close_connections()


def register(browser, base_url: str, event_path: str, email: str, *, enterprise: bool = False) -> None:
    page = signed_in(browser, base_url, email)
    page.goto(f"{base_url}{event_path}/register")
    if enterprise:
        page.get_by_label("A 轮融资 3000 万").check()
    else:
        page.locator("#rep_name_0").fill("投资经理")
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("报名已提交，请等待组织方审核。")).to_be_visible()
    page.context.close()


def test_roadshow_pitch_picks_follow_up_and_export(live_server, database_url, browser, screenshot):
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _seed(database_url)).result()

    organizer = signed_in(browser, live_server, "organizer@example.cn")
    organizer.goto(f"{live_server}/organizer/events/new")
    organizer.get_by_label("活动名称").fill("星河市硬科技融资路演")
    organizer.get_by_label("融资路演").check()
    organizer.get_by_label("活动日期").fill("2026-12-15")
    organizer.get_by_label("路演厅及座位数").fill("一号厅 1")
    organizer.get_by_role("button", name="保存").click()
    organizer.get_by_role("button", name="发布并开放报名").click()
    event_path = re.search(r"/organizer(/events/\d+)", organizer.url).group(1)
    register(browser, live_server, event_path, "enterprise@example.cn", enterprise=True)
    register(browser, live_server, event_path, "vc1@example.cn")
    register(browser, live_server, event_path, "vc2@example.cn")
    organizer.reload()
    for box in organizer.locator("input[name=registration_ids]").all():
        box.check()
    organizer.get_by_role("button", name="通过所选").click()
    expect(organizer.locator("#registrations .state-approved")).to_have_count(3)

    # The enterprise applies with its business plan.
    enterprise = signed_in(browser, live_server, "enterprise@example.cn")
    enterprise.goto(f"{live_server}{event_path}/pitches")
    enterprise.get_by_label("路演项目名称").fill("新型抗体药物产业化")
    enterprise.get_by_label("商业计划书（PDF，不超过 20 MB）").set_input_files(
        {"name": "商业计划书.pdf", "mimeType": "application/pdf", "buffer": PDF})
    enterprise.get_by_role("button", name="提交路演申请").click()
    expect(enterprise.get_by_text("路演申请已提交，请等待组织方遴选。")).to_be_visible()
    screenshot(enterprise, "applied")

    # The organizer selects it into the hall's first slot.
    organizer.goto(f"{live_server}/organizer{event_path}/pitches")
    organizer.get_by_role("button", name="入选并安排").click()
    expect(organizer.locator(".state-selected")).to_have_text("已入选")
    screenshot(organizer, "placed")

    # The hall has one seat: the first investor gets it, the second waits; the first asks to meet.
    first = signed_in(browser, live_server, "vc1@example.cn")
    first.goto(f"{live_server}{event_path}/pitches")
    first.get_by_role("button", name="参加").click()
    expect(first.locator(".state-confirmed")).to_have_text("已确认参加")
    first.get_by_label("约见意愿").select_option("must")
    first.get_by_role("button", name="路演后约见").click()
    expect(first.get_by_text("约见申请已发出。")).to_be_visible()
    second = signed_in(browser, live_server, "vc2@example.cn", phone=True)
    second.goto(f"{live_server}{event_path}/pitches")
    second.get_by_role("button", name="排队候补").click()
    expect(second.locator(".state-waitlisted")).to_have_text("候补中")
    assert second.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(second, "waitlisted-phone")

    # The enterprise accepts the follow-up; the export has the pitch and the after-pitch meeting.
    enterprise.goto(f"{live_server}{event_path}/requests")
    enterprise.get_by_label("我方意愿").select_option("must")
    enterprise.get_by_role("button", name="接受").click()
    expect(enterprise.locator(".requests.received .state-accepted")).to_have_text("已接受")
    organizer.goto(f"{live_server}/organizer{event_path}")
    with organizer.expect_download() as download:
        organizer.get_by_role("link", name="下载排程问题文件").click()
    problem = parse_problem(json.loads(download.value.path().read_text(encoding="utf-8")))
    assert [p.slot for p in problem.pitches] == ["d1-0900"]
    assert [(r.weight, r.after_pitch) for r in problem.requests] == [(20, True)]
