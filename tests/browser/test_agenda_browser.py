"""The organizer publishes a small event; a participant opens its agenda and the printable pass;
the agenda mails land as .eml files in var/mail (the app's own outbox worker sends them)."""

from __future__ import annotations

import asyncio
import email
import itertools
import re
import time
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from tests.browser.conftest import ARTIFACTS
from tests.conftest import PASSWORD, next_uscc
from tests.services.scheduling.factories import seeded_event

ORGANIZER_EMAIL = "agenda-organizer@example.cn"
ENTERPRISE_EMAIL = "agenda-enterprise1@example.cn"  # the first enterprise, 星河科技1号
numbers = itertools.count(1)


async def _seed(database_url: str, var_dir: str) -> int:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        async def make(kind: str = "enterprise", *, name: str | None = None, email: str | None = None,
                       is_organizer: bool = False):
            address = ORGANIZER_EMAIL if is_organizer else f"agenda-{kind}{next(numbers)}@example.cn"
            draft = RegistrationDraft(
                kind=kind, organization_name=name or "星河市科技局", uscc=next_uscc() if kind == "enterprise" else "",
                licence_name="" if kind == "enterprise" else f"{name or '科技局'}许可证", admin_name="王经理",
                email=address, password=PASSWORD)
            return await register_organization(draft, password_min_length=10, is_organizer=is_organizer,
                                               allowed_kinds=frozenset({kind}))

        return (await seeded_event(make)).event.id
    finally:
        await Tortoise.close_connections()


def seed(database_url: str, var_dir: str) -> int:
    """Seed from another thread: sync Playwright keeps an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _seed(database_url, var_dir)).result()


def login(page, base_url: str, address: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(address)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def wait_for_eml(directory: Path, count: int, timeout: float = 20) -> list[Path]:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        files = sorted(directory.glob("*.eml")) if directory.exists() else []
        if len(files) >= count:
            return files
        time.sleep(0.2)
    raise AssertionError(f"expected {count} .eml files in {directory}, found {len(files)}")


def test_a_participant_reads_and_prints_its_published_agenda(live_server, browser, page, screenshot,
                                                             database_url, tmp_path):
    event_id = seed(database_url, str(tmp_path / "var"))
    login(page, live_server, ORGANIZER_EMAIL)
    page.goto(f"{live_server}/organizer/events/{event_id}/schedule")
    page.get_by_label("求解时间（秒）").fill("3")
    page.get_by_role("button", name="开始求解").click()
    expect(page.locator("#run-percent")).to_have_text("100 %", timeout=15_000)
    page.get_by_role("button", name="保存为草稿").click()
    page.get_by_label(re.compile("我已核对")).check()
    page.get_by_role("button", name="发布此版本").click()
    expect(page.locator("#published-notice")).to_contain_text("已发布为 v1，6 个参与方的日程有变化")

    participant = browser.new_context(viewport={"width": 1280, "height": 860}, locale="zh-CN").new_page()
    try:
        login(participant, live_server, ENTERPRISE_EMAIL)
        participant.goto(f"{live_server}/events/{event_id}/agenda")
        expect(participant.locator("h1")).to_have_text("我的洽谈日程")
        rows = participant.locator(".agenda-table tbody tr[id^='meeting-']")
        expect(rows).to_have_count(2)  # the bank and the guarantor
        expect(participant.locator(".agenda-table")).to_contain_text("星河银行")
        expect(participant.locator(".agenda-table")).to_contain_text("流动资金贷款 500 万")
        screenshot(participant, "agenda")

        participant.get_by_role("link", name="打印日程与签到码").click()
        expect(participant.locator(".checkin-qr img")).to_be_visible()
        screenshot(participant, "print-screen")
        participant.emulate_media(media="print")
        expect(participant.locator(".site-header")).to_be_hidden()
        screenshot(participant, "print")
        ARTIFACTS.mkdir(exist_ok=True)
        participant.pdf(path=str(ARTIFACTS / "test_a_participant_reads_and_prints_its_published_agenda-print.pdf"),
                        format="A4")
    finally:
        participant.context.close()

    mails = wait_for_eml(tmp_path / "var" / "mail", 6)  # one member in each of the six participants
    messages = [email.message_from_bytes(path.read_bytes()) for path in mails]
    recipients = sorted(message["To"] for message in messages)
    assert len(recipients) == 6 and any(ENTERPRISE_EMAIL in to for to in recipients)
    mine = next(message for message in messages if ENTERPRISE_EMAIL in message["To"])
    parts = {part.get_content_type() for part in mine.walk()}
    assert "text/calendar" in parts
