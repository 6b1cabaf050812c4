"""Event day in the browser: a representative marks a meeting held on a phone, and the live
board open on the organizer's screen shows it without a reload; then the refill page."""

from __future__ import annotations

import asyncio
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timedelta

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import CheckIn, Event, EventStatus, Meeting, MeetingRequest, Membership, Priority, RequestState
from matchmaker.services.accounts.organizations import RegistrationDraft, register_organization
from matchmaker.services.events.slots import SHANGHAI
from matchmaker.services.scheduling import versions as scheduling
from matchmaker.services.scheduling.solver_runs import wait_for_run
from tests.conftest import PASSWORD, next_uscc
from tests.services.events.factories import approve, make_need

ORGANIZER = "day-organizer@example.cn"
ENTERPRISE = "day-enterprise@example.cn"


async def _organization(kind: str, name: str, email: str, organizer: bool = False):
    user = await register_organization(RegistrationDraft(
        kind=kind, organization_name=name, uscc=next_uscc() if kind == "enterprise" else "",
        licence_name="" if kind == "enterprise" else f"{name}许可证", admin_name="联系人", email=email,
        password=PASSWORD), password_min_length=10, is_organizer=organizer, allowed_kinds=frozenset({kind}))
    return user, (await Membership.get(user=user).prefetch_related("organization")).organization


async def _seed(database_url: str, var_dir: str) -> tuple[int, int]:
    """An event running now: 30-minute slots from just before now, one meeting in the current slot."""
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        organizer_user, organizer = await _organization("government", "星河市科技局", ORGANIZER, organizer=True)
        _, enterprise = await _organization("enterprise", "星河芯片科技", ENTERPRISE)
        _, bank = await _organization("bank", "星河银行", "day-bank@example.cn")
        _, late = await _organization("enterprise", "迟到科技", "day-late@example.cn")
        now = datetime.now(SHANGHAI)
        start = now.replace(minute=now.minute - now.minute % 10, second=0, microsecond=0) - timedelta(minutes=10)
        end = start + timedelta(minutes=90)
        event = await Event.create(organizer=organizer, title="星河市银企对接会（现场）", venue="星河国际会议中心",
                                   status=EventStatus.OPEN, slot_minutes=30,
                                   sessions=[{"day": start.date().isoformat(), "part": "am",
                                              "start": f"{start:%H:%M}", "end": f"{end:%H:%M}"}])
        for organization in (enterprise, late):
            await approve(event, organization)
            await MeetingRequest.create(event=event, enterprise=organization, institution=bank,
                                        need=await make_need(organization), from_enterprise=True,
                                        priority=Priority.MUST, answer_priority=Priority.WANT,
                                        state=RequestState.ACCEPTED)
        await approve(event, bank, tables=2)
        run = await wait_for_run(await scheduling.start_run(event, by=organizer_user, time_limit=5))
        version = await scheduling.save_draft(run, by=organizer_user)
        await scheduling.publish_version(version, by=organizer_user, replaces=None)
        for organization in (enterprise, bank):
            await CheckIn.create(event=event, organization=organization, day=now.date(), checked_in_at=now)
        meeting = await Meeting.get(version=version, enterprise=enterprise)
        return event.pk, meeting.pk
    finally:
        await Tortoise.close_connections()


def seed(database_url: str, var_dir: str) -> tuple[int, int]:
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _seed(database_url, var_dir)).result()


def _login(page, base: str, email: str) -> None:
    page.goto(f"{base}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(f"{base}/dashboard")


def test_a_meeting_marked_held_on_a_phone_shows_on_the_live_board_without_reload(
        live_server, page, phone, screenshot, database_url, tmp_path):
    event_id, meeting_id = seed(database_url, str(tmp_path / "var"))
    _login(page, live_server, ORGANIZER)
    page.goto(f"{live_server}/organizer/events/{event_id}/live")
    cell = page.locator(f"#meeting-{meeting_id}")
    expect(cell).to_have_attribute("data-state", "meeting")
    expect(page.locator("#count-enterprise")).to_have_text("1/2")
    page.evaluate("window.notReloaded = true")
    screenshot(page, "board-before")

    _login(phone, live_server, ENTERPRISE)
    phone.goto(f"{live_server}/events/{event_id}/agenda")
    phone.locator(f"#attendance-{meeting_id}").get_by_role("button", name="已洽谈").click()
    expect(phone.locator(f"#attendance-{meeting_id} .badge")).to_have_text("已洽谈")
    screenshot(phone, "agenda-marked")

    expect(page.locator(f"#meeting-{meeting_id}")).to_have_attribute("data-state", "held", timeout=10_000)
    assert page.evaluate("window.notReloaded") is True
    screenshot(page, "board-after")
    phone_board = phone.context.browser.new_context(viewport={"width": 390, "height": 844}, is_mobile=True,
                                                    locale="zh-CN").new_page()
    try:
        _login(phone_board, live_server, ORGANIZER)
        phone_board.goto(f"{live_server}/organizer/events/{event_id}/live")
        expect(phone_board.locator(f"#meeting-{meeting_id}")).to_have_attribute("data-state", "held")
        screenshot(phone_board, "board-phone")

        page.goto(f"{live_server}/organizer/events/{event_id}/refill")
        expect(page.locator("h1")).to_have_text("现场补位")
        screenshot(page, "refill-plan")
        phone_board.goto(f"{live_server}/organizer/events/{event_id}/refill")
        screenshot(phone_board, "refill-phone")
        page.get_by_role("button", name="生成补位方案").click()
        expect(page.locator("#proposal")).to_be_visible(timeout=20_000)
        screenshot(page, "refill-proposal")
        phone_board.goto(page.url)
        screenshot(phone_board, "refill-proposal-phone")
    finally:
        phone_board.context.close()  # its event stream must end before the server stops
