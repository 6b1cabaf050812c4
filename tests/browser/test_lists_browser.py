"""Lists (名单) in a real browser: the organizer creates a list (a date-order error beside the
field first), imports its members, finds a member, and picks `list.<key>` in the criteria editor."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys

from openpyxl import Workbook
from playwright.sync_api import Page, expect

from matchmaker.config import PROJECT_ROOT
from tests.conftest import next_uscc

PASSWORD = "correct-horse-battery"


def _sign_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill("lists@example.cn")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def test_organizer_creates_a_list_imports_members_and_picks_it_in_criteria(live_server, database_url, tmp_path,
                                                                           page, phone, screenshot):
    subprocess.run([sys.executable, "-m", "matchmaker", "create-organizer", "--email", "lists@example.cn",
                    "--name", "名单管理员", "--organization", "星河市科学技术局", "--password", PASSWORD],
                   cwd=PROJECT_ROOT, env={**os.environ, "MATCHMAKER_DATABASE_URL": database_url,
                                          "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path / "var")}, check=True)
    _sign_in(page, live_server)
    page.get_by_role("link", name="名单", exact=True).click()
    page.get_by_role("link", name="新建名单").click()
    page.get_by_label("名单代码（如 red2026、金种子）").fill("red2026")
    page.get_by_label("名单名称").fill("2026年度星河市科技型企业守信红名单")
    page.get_by_label("类别").select_option("red")
    page.get_by_label("发布单位").fill("星河市科学技术局")
    page.get_by_label("依据文件（文号或标题）").fill("星科发〔2026〕12号")
    page.get_by_label("有效期起").fill("2026-12-31")
    page.get_by_label("有效期止").fill("2026-01-01")
    page.get_by_label("对接排期与匹配排序优先").check()
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#e-valid_until")).to_contain_text("不能早于有效期起")
    screenshot(page, "form-error")
    page.get_by_label("有效期起").fill("2026-01-01")
    page.get_by_label("有效期止").fill("2026-12-31")
    page.get_by_role("button", name="保存").click()
    expect(page.get_by_role("status")).to_have_text("已保存。")

    codes = [next_uscc() for _ in range(3)]
    book = Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "备注", "列入日期"])
    for number, code in enumerate(codes, start=1):
        book.active.append([code, f"红名单示范企业{number}有限公司", "第一批", "2026-03-01"])
    buffer = io.BytesIO()
    book.save(buffer)
    page.get_by_label("文件（.xlsx）").set_input_files(
        files=[{"name": "红名单.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}])
    page.get_by_role("button", name="导入", exact=True).click()
    expect(page.get_by_role("status")).to_contain_text("新增 3 家")
    expect(page.locator("tbody tr")).to_have_count(3)
    screenshot(page, "detail")
    page.get_by_label("按代码或名称查找").fill("示范企业2")
    page.get_by_role("button", name="查找").click()
    expect(page.locator("tbody tr")).to_have_count(1)
    expect(page.locator("tbody")).to_contain_text(codes[1])

    page.goto(f"{live_server}/organizer/lists")
    expect(page.locator("tbody")).to_contain_text("list.red2026")
    screenshot(page, "index")

    page.goto(f"{live_server}/organizer/policies/new")
    editor = page.locator("#f-criteria + .criteria-editor")
    root = editor.locator(".crit-group").first
    root.locator(":scope > .crit-add").get_by_role("button", name="＋ 条件", exact=True).click()
    row = root.locator(".crit-row").first
    picker = row.get_by_label("字段")
    expect(picker.locator("optgroup[label='名单（按评估日期有效）'] option")).to_have_text(
        ["在名单“2026年度星河市科技型企业守信红名单”上（按评估日期有效）"])
    picker.select_option("list.red2026")
    row.get_by_label("比较方式").select_option("true")
    expect(editor).to_contain_text("守信红名单")
    screenshot(page, "criteria-picker")

    _sign_in(phone, live_server)
    phone.goto(f"{live_server}/organizer/lists")
    phone.get_by_role("link", name="2026年度星河市科技型企业守信红名单").click()
    expect(phone.locator("tbody tr")).to_have_count(3)
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "detail-phone")
    phone.goto(f"{live_server}/organizer/lists/new")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "form-phone")
