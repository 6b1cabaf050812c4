"""The outbox in a real browser: a message in doubt (its worker died while the server had it) is
listed with its reason and the organizer marks it delivered, on a laptop and on a phone."""

from __future__ import annotations

import os
import re
import subprocess
import sys

from playwright.sync_api import Page, expect

from matchmaker.config import PROJECT_ROOT

PASSWORD = "correct-horse-battery"

#: Three messages of the organizer's outbox, the first left in doubt the way a killed worker leaves it.
_SEED = """
import asyncio
from datetime import UTC, datetime, timedelta
from tortoise import Tortoise
from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import Membership
from matchmaker.services.mailing import outbox
from tests.mail.factories import outgoing_mail

async def main():
    await Tortoise.init(config=tortoise_config(load_settings()))
    organization_id = (await Membership.get(user__email="outbox@example.cn")).organization_id
    await outbox.enqueue_all([outgoing_mail(n, organization_id=organization_id) for n in (1, 2, 3)],
                             domain="example.gov.cn")
    first, *rest = await outbox.claim_due("dead-worker", limit=10, lease_seconds=60)
    await outbox.hand_over(first)
    await outbox.release(rest)
    await outbox.requeue_expired_leases(now=datetime.now(UTC) + timedelta(seconds=61))
    await Tortoise.close_connections()

asyncio.run(main())
"""


def _sign_in(page: Page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill("outbox@example.cn")
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard"))


def test_the_organizer_sees_a_message_in_doubt_and_marks_it_delivered(live_server, database_url, tmp_path,
                                                                     page, phone, screenshot):
    env = {**os.environ, "MATCHMAKER_DATABASE_URL": database_url, "MATCHMAKER_PATHS_VAR_DIR": str(tmp_path / "var"),
           "MATCHMAKER_MAIL_WORKER_ENABLED": "false"}
    subprocess.run([sys.executable, "-m", "matchmaker", "create-organizer", "--email", "outbox@example.cn",
                    "--name", "发件箱管理员", "--organization", "星河市科学技术局", "--password", PASSWORD],
                   cwd=PROJECT_ROOT, env=env, check=True)
    subprocess.run([sys.executable, "-c", _SEED], cwd=PROJECT_ROOT, env=env, check=True)

    for screen, name in ((page, "desktop"), (phone, "phone")):
        _sign_in(screen, live_server)
        screen.goto(f"{live_server}/organizer/outbox")
        failures = screen.locator("#failures")
        expect(screen.locator("#count-in_doubt .number")).to_have_text("1")
        expect(failures).to_contain_text("无法确认对方邮件服务器是否已收到")
        expect(screen.locator("#in-doubt-help")).to_contain_text("不会自动重发")
        screenshot(screen, f"in-doubt-{name}")

    page.locator("#failures").get_by_role("button", name="标记为已送达").click()
    expect(page.locator("main")).to_contain_text("已发送")
    page.goto(f"{live_server}/organizer/outbox")
    expect(page.locator("#count-in_doubt .number")).to_have_text("0")
    expect(page.locator("#failures")).to_contain_text("没有发送失败的邮件。")
