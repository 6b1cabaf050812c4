"""The check-in desk in Chromium with a fake camera showing an agenda's signed QR: the desk
scans it and shows the person; offline it checks two more in from its roster, and once back
online the database holds each check-in exactly once. Screenshots of the desk and the venue
page, desktop and phone."""

from __future__ import annotations

import asyncio
import re
import itertools
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest
import segno
from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import CheckIn
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from matchmaker.services.eventday.checkin import checkin_token
from tests.browser.conftest import CHROMIUM, CHROMIUM_ARGS
from tests.conftest import PASSWORD, next_uscc
from tests.services.eventday.checkin_seed import desk_event

ORGANIZER_EMAIL = "desk-organizer@example.cn"
WIDTH, HEIGHT = 640, 480
numbers = itertools.count(1)


def write_y4m(path: Path, text: str, frames: int = 30) -> None:
    """A .y4m video (4:2:0) whose every frame is the QR code of `text`, black on white, centred:
    what Chromium's fake camera plays in a loop."""
    matrix = [list(row) for row in segno.make(text, error="m").matrix]
    scale = min(WIDTH, HEIGHT) // (len(matrix) + 8)
    size = len(matrix) * scale
    left, top = (WIDTH - size) // 2, (HEIGHT - size) // 2
    luma = bytearray([235]) * (WIDTH * HEIGHT)
    for y, row in enumerate(matrix):
        for x, dark in enumerate(row):
            if dark:
                for dy in range(scale):
                    start = (top + y * scale + dy) * WIDTH + left + x * scale
                    luma[start:start + scale] = bytes([16]) * scale
    chroma = bytes([128]) * (WIDTH * HEIGHT // 4)
    frame = b"FRAME\n" + bytes(luma) + chroma + chroma
    path.write_bytes(f"YUV4MPEG2 W{WIDTH} H{HEIGHT} F10:1 Ip A1:1 C420jpeg\n".encode() + frame * frames)


@pytest.fixture(scope="module")
def camera_file(tmp_path_factory) -> Path:
    """Where the fake camera reads its video; the test writes the agenda's QR there before the
    desk opens the camera (Chromium opens the file when capture starts)."""
    return tmp_path_factory.mktemp("camera") / "agenda-qr.y4m"


@pytest.fixture(scope="module")
def browser(camera_file):
    """This module's Chromium has a fake camera (and grants it without a prompt)."""
    from playwright.sync_api import sync_playwright

    write_y4m(camera_file, "placeholder")
    with sync_playwright() as playwright:
        instance = playwright.chromium.launch(executable_path=CHROMIUM, args=[
            *CHROMIUM_ARGS, "--use-fake-device-for-media-stream", "--use-fake-ui-for-media-stream",
            f"--use-file-for-fake-video-capture={camera_file}"])
        yield instance
        instance.close()


async def _seed(database_url: str, var_dir: str) -> dict:
    settings = load_settings(database_url=database_url, paths_var_dir=var_dir)
    await Tortoise.init(config=tortoise_config(settings))
    try:
        async def make(kind: str = "enterprise", *, name: str | None = None, email: str | None = None,
                       is_organizer: bool = False):
            address = ORGANIZER_EMAIL if is_organizer else f"desk-{kind}{next(numbers)}@example.cn"
            draft = RegistrationDraft(
                kind=kind, organization_name=name or "星河市科技局", uscc=next_uscc() if kind == "enterprise" else "",
                licence_name="" if kind == "enterprise" else f"{name or '科技局'}许可证", admin_name="王经理",
                email=address, password=PASSWORD)
            return await register_organization(draft, password_min_length=10, is_organizer=is_organizer,
                                               allowed_kinds=frozenset({kind}))

        seeded = await desk_event(make)
        return {"event": seeded.event.pk, "alpha": seeded.alpha.pk, "beta": seeded.beta.pk, "bank": seeded.bank.pk,
                "token": checkin_token(settings.security_secret_key, event_id=seeded.event.pk,
                                       organization_id=seeded.alpha.pk)}
    finally:
        await Tortoise.close_connections()


async def _checkins(database_url: str, var_dir: str, event_id: int) -> list[tuple[int, str, str]]:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        return sorted(await CheckIn.filter(event_id=event_id).values_list("organization_id", "person", "method"))
    finally:
        await Tortoise.close_connections()


def in_thread(coroutine):
    """Sync Playwright keeps an event loop running in this thread: the database work runs in another."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def login(page, base_url: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(ORGANIZER_EMAIL)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()


def test_the_desk_scans_a_pass_then_works_offline_and_each_checkin_lands_once(
        live_server, page, phone, screenshot, database_url, tmp_path, camera_file):
    var_dir = str(tmp_path / "var")
    seeded = in_thread(_seed(database_url, var_dir))
    write_y4m(camera_file, seeded["token"])
    login(page, live_server)
    desk = f"{live_server}/organizer/events/{seeded['event']}/checkin"
    page.goto(desk)
    expect(page.locator("#desk-roster")).to_have_text("已载入参会单位 4")
    page.get_by_label("本签到台名称").fill("签到台 2")
    page.get_by_label("本签到台名称").dispatch_event("change")

    page.get_by_role("button", name="打开摄像头").click()
    result = page.locator("#checkin-result")
    expect(result.locator(".desk-message")).to_have_text(re.compile(r"^签到成功 \d\d:\d\d（张三，签到台 2）$"),
                                                         timeout=20_000)
    expect(result.locator(".desk-org")).to_have_text("星河科技甲")
    expect(result.locator(".desk-meetings")).to_contain_text("09:00–09:20 A02 星河银行")
    screenshot(page, "desk-scanned")

    page.context.set_offline(True)
    expect(page.locator("#desk-online")).to_contain_text("离线")
    for query, button in (("李四", "签到 李四"), ("星河银行", "签到 代表（经理）")):
        page.get_by_label("姓名、单位名称、统一社会信用代码或手机号").fill(query)
        page.get_by_role("button", name="搜索", exact=True).click()
        page.get_by_role("button", name=button).click()
    expect(page.locator("#desk-queue-count")).to_have_text("2")
    expect(page.locator("#desk-queue")).to_contain_text("星河科技乙")
    screenshot(page, "desk-offline")
    # The camera still sees the first pass; held there, it is not read again.
    expect(result.locator(".desk-message")).to_have_attribute("data-kind", "queued")

    page.context.set_offline(False)
    expect(page.locator("#desk-queue-count")).to_have_text("0", timeout=20_000)
    expect(page.locator("#desk-online")).to_have_text("在线")
    page.reload()  # the same queue must not be sent again after a reload
    expect(page.locator("#desk-roster")).to_have_text("已载入参会单位 4")
    expect(page.locator("#desk-queue-count")).to_have_text("0")

    assert in_thread(_checkins(database_url, var_dir, seeded["event"])) == sorted([
        (seeded["alpha"], "张三", "qr"), (seeded["beta"], "李四", "search"), (seeded["bank"], "代表", "search")])

    # A walk-in: a new enterprise with its USCC, registered and checked in at the desk.
    page.locator(".desk-walkin summary").click()
    page.get_by_label("新企业名称").fill("新来科技")
    page.get_by_label("统一社会信用代码", exact=True).fill("123")
    page.get_by_label("到场人姓名").fill("赵六")
    page.get_by_role("button", name="报名并签到").click()
    expect(page.locator('#desk-walkin-form p.error[data-for="uscc"]')).to_contain_text("应为 18 位")
    page.get_by_label("统一社会信用代码", exact=True).fill(next_uscc())
    page.get_by_role("button", name="报名并签到").click()
    expect(result.locator(".desk-org")).to_have_text("新来科技")
    expect(result).to_contain_text("现场报名")
    screenshot(page, "desk-walk-in")
    assert len(in_thread(_checkins(database_url, var_dir, seeded["event"]))) == 4

    page.goto(f"{live_server}/organizer/events/{seeded['event']}/venue")
    expect(page.locator("h1")).to_have_text("会场桌号")
    screenshot(page, "venue")
    login(phone, live_server)
    phone.goto(f"{live_server}/organizer/events/{seeded['event']}/venue")
    screenshot(phone, "venue-phone")
    phone.goto(desk)
    expect(phone.locator("#desk-roster")).to_have_text("已载入参会单位 5")  # the walk-in joined the roster
    phone.get_by_label("姓名、单位名称、统一社会信用代码或手机号").fill("星河")
    phone.get_by_role("button", name="搜索", exact=True).click()
    expect(phone.locator("#desk-search-results li")).to_have_count(4)
    screenshot(phone, "desk-phone")
