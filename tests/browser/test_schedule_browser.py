"""An organizer runs the scheduler on a small event, watches the progress bar reach 100 %, sees
the grid, saves the draft and publishes it."""

from __future__ import annotations

import asyncio
import itertools
import re
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from tests.conftest import PASSWORD, next_uscc
from tests.services.scheduling.factories import seeded_event

ORGANIZER_EMAIL = "scheduler@example.cn"
numbers = itertools.count(1)


async def _seed(database_url: str, var_dir: str) -> int:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        async def make(kind: str = "enterprise", *, name: str | None = None, email: str | None = None,
                       is_organizer: bool = False):
            draft = RegistrationDraft(
                kind=kind, organization_name=name or "星河市科技局", uscc=next_uscc() if kind == "enterprise" else "",
                licence_name="" if kind == "enterprise" else f"{name or '科技局'}许可证", admin_name="联系人",
                email=email or (ORGANIZER_EMAIL if is_organizer else f"participant{next(numbers)}@example.cn"), password=PASSWORD)
            return await register_organization(draft, password_min_length=10, is_organizer=is_organizer,
                                               allowed_kinds=frozenset({kind}))

        return (await seeded_event(make)).event.id
    finally:
        await Tortoise.close_connections()


def seed(database_url: str, var_dir: str) -> int:
    """Seed from another thread: sync Playwright keeps an event loop running in this one."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _seed(database_url, var_dir)).result()


def test_organizer_runs_the_solver_watches_progress_and_publishes(live_server, page, screenshot, database_url,
                                                                  tmp_path):
    event_id = seed(database_url, str(tmp_path / "var"))
    page.goto(f"{live_server}/login")
    page.get_by_label("邮箱").fill(ORGANIZER_EMAIL)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    page.goto(f"{live_server}/organizer/events/{event_id}")
    page.get_by_role("link", name="排程", exact=True).click()
    expect(page.locator("h1")).to_have_text("排程")
    page.get_by_label("求解时间（秒）").fill("3")
    screenshot(page, "overview")

    page.get_by_role("button", name="开始求解").click()
    expect(page).to_have_url(re.compile(r"/schedule/runs/\d+$"))
    expect(page.locator("#run-percent")).to_have_text("100 %", timeout=15_000)
    expect(page.locator("#run-bar")).to_have_attribute("value", "100")
    expect(page.locator("#run-objective")).to_have_text("140")
    expect(page.locator("#run-chart polyline")).to_have_count(2)
    screenshot(page, "progress-done")

    page.get_by_role("button", name="保存为草稿").click()
    expect(page.locator("h1")).to_contain_text("草稿 #1")
    expect(page.locator("#grid")).to_contain_text("星河科技1号")
    expect(page.locator("#publish-count")).to_have_text("6")
    screenshot(page, "draft-grid")

    page.get_by_label(re.compile("我已核对")).check()
    page.get_by_role("button", name="发布此版本").click()
    expect(page.locator("#published-notice")).to_contain_text("已发布为 v1，6 个参与方的日程有变化")
    expect(page.locator("h1")).to_contain_text("发布版 v1")
    screenshot(page, "published")
