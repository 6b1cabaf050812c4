"""Destructive actions ask first and say what happens next, with or without JavaScript."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.browser.test_registry_browser import _load_demo


def _sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill("matchmaker-demo")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def test_withdraw_and_end_event_ask_before_they_act(live_server, database_url, tmp_path, browser, page, screenshot):
    _load_demo(database_url, tmp_path)

    _sign_in(page, live_server, "e01@demo.matchmaker.cn")
    page.goto(f"{live_server}/events/1/requests")
    withdraws = page.locator("details.confirm")
    before = withdraws.count()
    assert before > 0
    first = withdraws.first
    expect(first.get_by_role("button", name="确认撤回")).to_be_hidden()  # one click does not act
    first.locator("summary").click()
    expect(first.get_by_text(re.compile("撤回这(场已接受的洽谈|条约见申请)"))).to_be_visible()
    screenshot(page, "withdraw-confirm")
    first.get_by_role("button", name="确认撤回").click()
    expect(page.locator("details.confirm")).to_have_count(before - 1)

    # The same without JavaScript, on a phone: the organizer ends the event.
    context = browser.new_context(viewport={"width": 390, "height": 844}, java_script_enabled=False, locale="zh-CN")
    phone = context.new_page()
    _sign_in(phone, live_server, "organizer@demo.matchmaker.cn")
    phone.goto(f"{live_server}/organizer/events/1")
    end = phone.locator("details.confirm", has_text="结束活动")
    end.locator("summary").click()
    expect(end.get_by_text("此操作不可撤销")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "end-event-confirm-phone")
    end.get_by_role("button", name="确认结束活动").click()
    expect(phone.locator("details.confirm", has_text="结束活动")).to_have_count(0)
    expect(phone.get_by_text("已结束").first).to_be_visible()
    context.close()
