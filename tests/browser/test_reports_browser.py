"""The organizer opens a programme's statistics page: the ECharts charts draw (canvas, no console
error), the tables are there, and both files download; desktop and phone screenshots."""

from __future__ import annotations

import asyncio
import io
from concurrent.futures import ThreadPoolExecutor

import docx
import openpyxl
from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from tests.conftest import PASSWORD
from tests.factories import organization_of
from tests.services.reports.factories import load_fixture

ORGANIZER_EMAIL = "reports@example.cn"


async def _seed(database_url: str, var_dir: str) -> int:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        user = await register_organization(
            RegistrationDraft(kind="government", organization_name="星河市科技局", uscc="", licence_name="科技局",
                              admin_name="周明远", email=ORGANIZER_EMAIL, password=PASSWORD),
            password_min_length=10, is_organizer=True, allowed_kinds=frozenset({"government"}))
        return (await load_fixture(await organization_of(user))).programme.pk
    finally:
        await Tortoise.close_connections()


def seed(database_url: str, var_dir: str) -> int:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _seed(database_url, var_dir)).result()


def _login(page, live_server: str) -> None:
    page.goto(f"{live_server}/login")
    page.get_by_label("邮箱").fill(ORGANIZER_EMAIL)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_organizer_sees_charts_and_downloads_both_files(live_server, page, phone, screenshot, database_url,
                                                        tmp_path):
    programme_id = seed(database_url, str(tmp_path / "var"))
    errors: list[str] = []
    page.on("console", lambda message: errors.append(message.text) if message.type == "error" else None)
    page.on("pageerror", lambda error: errors.append(str(error)))
    _login(page, live_server)

    page.goto(f"{live_server}/reports/programmes/{programme_id}?period=2026-Q4")
    for chart in ("#chart-funnel", "#chart-trend", "#chart-institutions"):
        expect(page.locator(f"{chart} canvas")).to_have_count(1)
    expect(page.locator('#headline-table tr[data-key="disbursed_amount"]')).to_contain_text("550.00")
    expect(page.locator("#funnel-table")).to_contain_text("10")
    screenshot(page, "desktop")
    # Each file is built by a background job: its progress page, then its download link.
    page.get_by_role("button", name="下载 Excel").click()
    with page.expect_download() as workbook_download:
        page.get_by_role("link", name="下载文件").click()
    screenshot(page, "job-done")
    page.goto(f"{live_server}/reports/programmes/{programme_id}?period=2026-Q4")
    page.get_by_role("button", name="下载通报 Word").click()
    with page.expect_download() as report_download:
        page.get_by_role("link", name="下载文件").click()
    page.goto(f"{live_server}/reports/programmes/{programme_id}?period=2026-Q4")
    book = openpyxl.load_workbook(io.BytesIO(workbook_download.value.path().read_bytes()))
    report = docx.Document(report_download.value.path())
    page.emulate_media(media="print")
    screenshot(page, "print")

    assert errors == []
    assert workbook_download.value.suggested_filename.endswith(".xlsx") and "汇总" in book.sheetnames
    assert any("一、总体情况" in p.text for p in report.paragraphs)

    _login(phone, live_server)
    phone.goto(f"{live_server}/reports/programmes/{programme_id}?period=2026-Q4")
    expect(phone.locator("#chart-funnel canvas")).to_have_count(1)
    width = phone.evaluate("document.documentElement.scrollWidth")
    screenshot(phone, "phone")
    phone.goto(f"{live_server}/reports/programmes/{programme_id}/assessment?period=2026-Q4")
    expect(phone.locator("#ranking")).to_contain_text("甲银行")
    screenshot(phone, "assessment-phone")
    assert width <= 400
