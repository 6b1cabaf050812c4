"""The registries in a real browser: the profile form, the criteria editor, the import report."""

from __future__ import annotations

import re

from playwright.sync_api import Page, expect

from tests.conftest import next_uscc

PASSWORD = "correct-horse-battery"


def register(page: Page, base_url: str, *, kind: str, name: str, email: str) -> None:
    page.goto(f"{base_url}/register")
    page.locator(f"input[name=kind][value={kind}]").check()
    page.get_by_label("单位名称").fill(name)
    if kind == "enterprise":
        page.get_by_label("统一社会信用代码").fill(next_uscc())
    else:
        page.get_by_label("许可证或执照上的名称").fill(name)
    page.get_by_label("联系人姓名").fill("测试员")
    page.get_by_label("邮箱（登录名）").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="注册").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def test_enterprise_fills_in_its_profile(live_server, page, phone, screenshot):
    register(page, live_server, kind="enterprise", name="画像测试科技有限公司", email="profile@example.cn")
    page.goto(f"{live_server}/profile")
    page.get_by_label("所在城市").fill("星河市")
    page.get_by_label("国民经济行业（GB/T 4754 小类代码）").fill("C3973 集成电路制造")
    page.get_by_role("checkbox", name="集成电路").check()
    page.get_by_label("上年度营业收入（万元）").fill("100万左右")
    page.get_by_role("button", name="保存企业画像").click()
    expect(page.locator("#e-revenue")).to_contain_text("应为数字")
    screenshot(page, "profile-error")

    page.get_by_label("上年度营业收入（万元）").fill("3200")
    page.get_by_role("button", name="保存企业画像").click()
    expect(page.get_by_role("status")).to_have_text("已保存，历史版本已记录。")
    expect(page.get_by_label("上年度营业收入（万元）")).to_have_value("3200")
    expect(page.get_by_role("checkbox", name="集成电路")).to_be_checked()
    screenshot(page, "profile")

    phone.goto(f"{live_server}/login")
    phone.get_by_label("邮箱").fill("profile@example.cn")
    phone.get_by_label("密码").fill(PASSWORD)
    phone.get_by_role("button", name="登录").click()
    phone.goto(f"{live_server}/profile")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "profile-phone")
