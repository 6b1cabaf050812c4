"""A person registers an enterprise, logs in, sees the Chinese dashboard and switches to English."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.conftest import next_uscc

PASSWORD = "correct-horse-battery"


def test_register_enterprise_log_in_and_switch_to_english(live_server, page, screenshot):
    page.goto(f"{live_server}/")
    expect(page.locator("h1")).to_have_text("银企对接 · 融资路演")
    screenshot(page, "home")

    nav = page.get_by_role("navigation", name="主导航")
    nav.get_by_role("link", name="注册", exact=True).click()
    expect(page.get_by_label("许可证或执照上的名称")).to_be_hidden()  # enterprise chosen: USCC shown instead
    page.get_by_label("单位名称").fill("浏览器测试科技有限公司")
    page.get_by_label("统一社会信用代码").fill(next_uscc().lower())
    page.get_by_label("联系人姓名").fill("测试员")
    page.get_by_label("邮箱（登录名）").fill("browser@example.cn")
    page.get_by_label("密码").fill(PASSWORD)
    screenshot(page, "register")
    page.get_by_role("button", name="注册").click()

    expect(page).to_have_url(re.compile(r"/dashboard\?welcome=1$"))
    expect(page.locator("h1")).to_have_text("浏览器测试科技有限公司")
    expect(page.get_by_role("heading", name="企业画像")).to_be_visible()

    page.get_by_role("button", name="退出").click()
    nav.get_by_role("link", name="登录", exact=True).click()
    page.get_by_label("邮箱").fill("browser@example.cn")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))
    expect(page).to_have_title(re.compile("^企业工作台"))
    screenshot(page, "dashboard-zh")

    page.get_by_label("语言").select_option("en")  # app.js submits on change
    expect(page.get_by_role("heading", name="Company profile")).to_be_visible()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    screenshot(page, "dashboard-en")


def test_registration_error_is_shown_beside_the_field(live_server, page, screenshot):
    page.goto(f"{live_server}/register")
    page.get_by_label("单位名称").fill("校验码错误公司")
    page.get_by_label("统一社会信用代码").fill("91350100M000100Y44")
    page.get_by_label("联系人姓名").fill("测试员")
    page.get_by_label("邮箱（登录名）").fill("wrong@example.cn")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()

    error = page.locator("#e-uscc")
    expect(error).to_have_text("校验码错误：第 18 位应为“3”，填写的是“4”，请核对")  # Chinese only: the English gloss is cut (issue 15)
    expect(page.get_by_label("单位名称")).to_have_value("校验码错误公司")
    screenshot(page, "uscc-error")


def test_home_and_login_work_on_a_phone(live_server, phone, screenshot):
    phone.goto(f"{live_server}/")
    expect(phone.locator("h1")).to_have_text("银企对接 · 融资路演")
    width = phone.evaluate("document.documentElement.scrollWidth")
    assert width <= 390  # nothing overflows sideways
    screenshot(phone, "home-phone")

    phone.locator(".nav-toggle-label").click()
    phone.get_by_role("navigation", name="主导航").get_by_role("link", name="登录", exact=True).click()
    expect(phone.get_by_role("button", name="登录")).to_be_visible()
    screenshot(phone, "login-phone")
