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


def test_institution_builds_a_two_level_criteria_group_and_publishes(live_server, page, phone, screenshot):
    register(page, live_server, kind="bank", name="编辑器测试银行", email="editor@example.cn")
    page.goto(f"{live_server}/institution/products/new")
    page.get_by_label("产品名称").fill("科创积分贷")
    page.get_by_label("产品类型").select_option("信用贷款")
    page.get_by_label("最高额度（万元）", exact=True).fill("1000")
    editor = page.locator("#f-criteria + .criteria-editor")
    root = editor.locator(".crit-group").first

    root.locator(":scope > .crit-add").get_by_role("button", name="＋ 条件", exact=True).click()
    first = root.locator(".crit-row").first
    first.get_by_label("字段").select_option("rd_ratio")
    first.get_by_label("比较方式").select_option("ge")
    first.get_by_label("数值").fill("3")
    root.locator(":scope > .crit-add").get_by_role("button", name="＋ 条件组").click()
    nested = root.locator(".crit-group")
    nested.get_by_label("条件组").select_option("any")
    nested.locator(".crit-row").first.get_by_label("字段").select_option("invention_patents")
    nested.locator(".crit-row").first.get_by_label("比较方式").select_option("gt")
    nested.locator(".crit-row").first.get_by_label("数值").fill("5")
    nested.get_by_role("button", name="＋ 条件", exact=True).click()
    second = nested.locator(".crit-row").nth(1)
    second.get_by_label("字段").select_option("qualifications")
    second.get_by_label("比较方式").select_option("contains")
    second.get_by_label("数值").fill("高新技术企业")

    expect(editor.locator(".preview")).to_have_text(
        "同时满足以下全部条件：\n  · 研发投入占比不低于 3%\n  · 满足以下任一条件：\n"
        "    · 发明专利超过 5 件\n    · 有效资质包含 高新技术企业")
    expect(first.get_by_label("比较方式").locator("option:checked")).to_have_text("≥ 不低于/以上(含)")
    screenshot(page, "criteria-editor")

    first.get_by_label("数值").fill("很多")  # a bad value is flagged beside its row
    expect(first.locator(".crit-error")).to_have_text("研发投入占比的值应为数字")
    screenshot(page, "criteria-editor-error")
    first.get_by_label("数值").fill("3")
    page.get_by_role("button", name="保存产品").click()
    expect(page).to_have_url(re.compile(r"/institution/products\?notice=created"))
    page.get_by_role("button", name="发布").click()
    page.get_by_role("link", name="查看公开页").click()
    expect(page.locator("pre.preview")).to_contain_text("有效资质包含 高新技术企业")
    screenshot(page, "product-detail")

    phone.goto(f"{live_server}/products")
    expect(phone.get_by_role("link", name="科创积分贷")).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "library-phone")


def test_organizer_imports_a_workbook_with_one_bad_row(live_server, database_url, tmp_path, page, screenshot):
    import io
    import os
    import subprocess
    import sys

    from openpyxl import Workbook

    from matchmaker.config import PROJECT_ROOT

    subprocess.run([sys.executable, "-m", "matchmaker", "create-organizer", "--email", "chief@example.cn",
                    "--name", "周局", "--organization", "星河市科学技术局", "--password", PASSWORD],
                   cwd=PROJECT_ROOT, env={**os.environ, "MATCHMAKER_DATABASE_URL": database_url,
                                          "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path / "var")}, check=True)
    book = Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "职工人数"])
    book.active.append([next_uscc(), "好数据科技有限公司", 1200, 50])
    book.active.append([next_uscc(), "坏数据科技有限公司", "100万左右", 30])
    buffer = io.BytesIO()
    book.save(buffer)
    page.goto(f"{live_server}/login")
    page.get_by_label("邮箱").fill("chief@example.cn")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()

    page.goto(f"{live_server}/organizer/import")
    page.get_by_label("数据类别").select_option("enterprises")
    page.get_by_label("文件（.xlsx 或 .json）").set_input_files(
        files=[{"name": "企业.xlsx", "mimeType": "application/octet-stream", "buffer": buffer.getvalue()}])
    page.get_by_role("button", name="导入").click()

    report = page.locator(".import-report")
    expect(report).to_contain_text("导入失败，未写入任何数据")
    expect(report.locator("tbody tr")).to_have_count(1)
    expect(report.locator("tbody tr td").nth(0)).to_have_text("第 3 行")
    expect(report.locator("tbody tr td").nth(1)).to_have_text("上年度营业收入（万元）")
    screenshot(page, "import-report")
    page.goto(f"{live_server}/enterprises")
    expect(page.get_by_text("暂无企业")).to_be_visible()  # nothing written, not even the good row


def _load_demo(database_url: str, tmp_path) -> None:
    import os
    import subprocess
    import sys

    from matchmaker.config import PROJECT_ROOT

    subprocess.run([sys.executable, "-m", "matchmaker", "demo"], cwd=PROJECT_ROOT, check=True, capture_output=True,
                   env={**os.environ, "MATCHMAKER_DATABASE_URL": database_url,
                        "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path / "var")})


def _sign_in(page: Page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill("matchmaker-demo")
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def test_demo_pages_for_each_audience(live_server, database_url, tmp_path, page, phone, screenshot):
    _load_demo(database_url, tmp_path)

    _sign_in(page, live_server, "e01@demo.matchmaker.cn")
    page.goto(f"{live_server}/needs")
    expect(page.locator("tbody tr")).not_to_have_count(0)
    screenshot(page, "needs")
    page.goto(f"{live_server}/needs/new")
    page.get_by_role("button", name="保存").click()
    expect(page.locator("#e-title")).to_have_text("需求名称：必填")
    screenshot(page, "need-form-error")
    page.get_by_role("button", name="退出").click()

    _sign_in(page, live_server, "bank1@demo.matchmaker.cn")
    page.goto(f"{live_server}/institution/products")
    screenshot(page, "institution-products")
    page.goto(f"{live_server}/enterprises")
    page.get_by_role("link", name="星河纳米新材料科技有限公司").click()
    expect(page.get_by_text("企业未授权查看").first).to_be_visible()
    screenshot(page, "enterprise-detail")
    page.goto(f"{live_server}/products?kind=credit_loan")
    screenshot(page, "library")
    page.get_by_role("button", name="退出").click()

    _sign_in(page, live_server, "organizer@demo.matchmaker.cn")
    page.goto(f"{live_server}/organizer/policies")
    expect(page.locator("tbody tr")).to_have_count(10)
    screenshot(page, "policies")
    page.goto(f"{live_server}/organizer/registry")
    screenshot(page, "registry")

    _sign_in(phone, live_server, "e02@demo.matchmaker.cn")
    phone.goto(f"{live_server}/needs")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "needs-phone")
