"""Each role's main journey on the demo, in Chromium, on a laptop and on a 390 × 844 phone (issue 15):

- enterprise: need → matches → meeting request → (after publication) agenda
- bank: product → fitting needs → claim → requests
- investor: roadshow pitches → pick → follow-up meeting
- organizer: approve a registration → schedule → publish → outbox

Every step: no error page, no placeholder text, the phone page fits its width; in English mode
the menu and headings carry no Chinese. Screenshots of every step land in tests/browser/artifacts/.
"""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta

from playwright.sync_api import Page, expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import Event, EventKind, EventStatus
from tests.browser.conftest import ARTIFACTS
from tests.browser.test_registry_browser import _load_demo

PLACEHOLDERS = ("即将开放", "TODO", "None", "undefined", "NaN", "{{", "Traceback", "lorem")
CJK = re.compile(r"[\u3400-\u9fff]")


async def _open_requests_for_two_days(database_url: str) -> None:
    """Keep the journey independent of the demo's deadlines (requests close 5 days before its event)."""
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url)))
    try:
        later = datetime.now(UTC) + timedelta(days=2)
        await Event.filter(kind=EventKind.DOCKING, status=EventStatus.OPEN).update(
            request_deadline=later, answer_deadline=later)
    finally:
        await Tortoise.close_connections()


class Journey:
    """Two signed-in pages per role (laptop and phone) and the checks every step makes."""

    def __init__(self, browser, base_url: str, email: str, role: str) -> None:
        self.base_url, self.role = base_url, role
        # one sign-in per role: the phone context starts from the laptop's session cookie
        self.laptop = browser.new_context(locale="zh-CN", viewport={"width": 1280, "height": 800}).new_page()
        self.laptop.goto(f"{self.base_url}/login")
        self.laptop.get_by_label("邮箱").fill(email)
        self.laptop.get_by_label("密码").fill("matchmaker-demo")
        self.laptop.get_by_role("button", name="登录").click()
        expect(self.laptop).to_have_url(re.compile(r"/dashboard$"))
        self.phone = browser.new_context(locale="zh-CN", viewport={"width": 390, "height": 844}, is_mobile=True,
                                         has_touch=True, storage_state=self.laptop.context.storage_state()).new_page()
        self.step_number = 0

    def goto(self, path: str) -> Page:
        response = self.laptop.goto(f"{self.base_url}{path}")
        assert response is not None and response.status < 400, (path, response and response.status)
        return self.laptop

    def step(self, name: str, *, phone_too: bool = True) -> None:
        """Check the laptop page as it is now, then the same address on the phone; save both."""
        self.step_number += 1
        label = f"{self.role}-{self.step_number:02d}-{name}"
        _check(self.laptop, label)
        self.laptop.screenshot(path=str(ARTIFACTS / f"journey-{label}.png"), full_page=True)
        if phone_too:
            response = self.phone.goto(self.laptop.url)
            assert response is not None and response.status < 400, (self.laptop.url, response and response.status)
            _check(self.phone, label)
            self.phone.screenshot(path=str(ARTIFACTS / f"journey-{label}-phone.png"), full_page=True)
            width = self.phone.evaluate("document.documentElement.scrollWidth")
            wide = self.phone.evaluate("""() => [...document.querySelectorAll('main *')].filter(e =>
                e.getBoundingClientRect().right > 391 && !e.closest('.table-wrap')).slice(0, 3).map(e =>
                e.tagName + '.' + e.className + ' ' + (e.textContent || '').slice(0, 40))""")
            assert width <= 390, (label, width, wide)

    def english(self, paths: list[str], *, phone_too: tuple[str, ...] = (), data: tuple[str, ...] = ()) -> None:
        """The same pages in English: the menu, headings and buttons carry no Chinese (and the
        pages in `phone_too` are also shot on the phone, which shares the user's language)."""
        page = self.laptop
        page.goto(f"{self.base_url}/dashboard")
        page.locator("select[name=language]").select_option("en")
        page.wait_for_load_state()
        expect(page.locator("html")).to_have_attribute("lang", "en")
        for path in paths:
            page.goto(f"{self.base_url}{path}")
            _check(page, f"{self.role}-en{path}", english=True)
            chrome = page.locator(".site-nav > a, .site-nav form:not(.language-form) button, "
                                  "main h1, main h2, main button, main .button, main th")
            chinese = [t for t in chrome.all_inner_texts() if CJK.search(t) and not _is_data(t) and t not in data]
            assert chinese == [], (path, chinese)
            name = f"journey-{self.role}-en{path.replace('/', '_')}"
            if page.locator("details.why").count():  # show one verdict's reasons in the shot
                page.locator("details.why").first.evaluate("e => e.open = true")
            page.screenshot(path=str(ARTIFACTS / f"{name}.png"), full_page=True)
            if path in phone_too:
                self.phone.goto(f"{self.base_url}{path}")
                if self.phone.locator("details.why").count():  # show one verdict's reasons in the shot
                    self.phone.locator("details.why").first.evaluate("e => e.open = true")
                assert self.phone.evaluate("document.documentElement.scrollWidth") <= 390, path
                self.phone.screenshot(path=str(ARTIFACTS / f"{name}-phone.png"), full_page=True)

    def close(self) -> None:
        self.laptop.context.close()
        self.phone.context.close()


def _is_data(text: str) -> bool:
    """Headings that are names from the demo (an event title, an organization, a product)."""
    return any(mark in text for mark in ("星河", "演示", "有限公司", "银行", "基金", "路演：", "科创", "贷"))


def _check(page: Page, label: str, *, english: bool = False) -> None:
    body = page.locator("body").inner_text()
    assert "返回首页" not in body and "Back to the home page" not in body, (label, "error page")
    # A Chinese page never says None; an English one may ("None yet"), so there only the rest.
    found = [word for word in PLACEHOLDERS if word in body and not (english and word == "None")]
    assert found == [], (label, found)


def test_each_roles_main_journey_on_the_demo(live_server, database_url, tmp_path, browser):
    ARTIFACTS.mkdir(exist_ok=True)
    _load_demo(database_url, tmp_path)
    with ThreadPoolExecutor(1) as pool:
        pool.submit(asyncio.run, _open_requests_for_two_days(database_url)).result()

    # Enterprise: its dashboard, a need, the products that fit it, a meeting request at the event.
    enterprise = Journey(browser, live_server, "e10@demo.matchmaker.cn", "enterprise")
    enterprise.step("dashboard")
    expect(enterprise.laptop.locator("#next-actions")).to_contain_text("个符合条件的产品")
    page = enterprise.goto("/needs")
    enterprise.step("needs")
    page.locator("tbody tr a").first.click()
    enterprise.step("need")
    page.get_by_role("link", name="查看符合条件的产品").click()
    expect(page).to_have_url(re.compile(r"/enterprise/needs/\d+/matches$"))
    enterprise.step("matches")
    matches_path = page.url.removeprefix(live_server)
    need_title = page.locator("main h1").inner_text()  # the need's own title: data in English too
    page = enterprise.goto("/events/1/requests")
    page.locator("#f-to").select_option(label="江海农商银行星河分行（演示）")  # one it has not asked yet
    page.get_by_role("button", name="发出约见申请").click()
    expect(page.get_by_text("约见申请已发出。")).to_be_visible()
    enterprise.step("request-sent")

    # Bank: a product, the needs that fit it, a claim, then its meeting requests.
    bank = Journey(browser, live_server, "bank1@demo.matchmaker.cn", "bank")
    bank.step("dashboard")
    page = bank.goto("/institution/products")
    bank.step("products")
    page = bank.goto("/institution/matches")
    page.locator("main a[href^='/institution/products/'][href$='/matches']").first.click()
    expect(page).to_have_url(re.compile(r"/institution/products/\d+/matches$"))
    bank.step("fitting-needs")
    claim = page.get_by_role("button", name="抢单").first
    claim.click()
    expect(page.get_by_text("已抢单，企业将收到通知。")).to_be_visible()
    bank.step("claimed")
    page = bank.goto("/events/1/requests")
    bank.step("requests")

    # Investor: the roadshow's pitches, a pick, a follow-up meeting after the pitch.
    investor = Journey(browser, live_server, "fund@demo.matchmaker.cn", "investor")
    page = investor.goto("/events/2/pitches")
    investor.step("pitches")
    page.get_by_role("button", name=re.compile("^(参加|排队候补)$")).first.click()
    expect(page.get_by_text(re.compile("已确认参加|候补中")).first).to_be_visible()
    investor.step("picked")
    page.get_by_role("button", name="路演后约见").first.click()
    expect(page.locator(".notice, .error").first).to_be_visible()
    investor.step("follow-up")

    # Organizer: approve a registration, schedule, publish, watch the outbox.
    newcomer = Journey(browser, live_server, "e13@demo.matchmaker.cn", "newcomer")
    page = newcomer.goto("/events/2/register")
    newcomer.step("register-form")
    page.locator("input[name=need_ids]").first.check()
    page.get_by_role("button", name="提交报名").click()
    expect(page.get_by_text("报名已提交，请等待组织方审核。")).to_be_visible()
    newcomer.close()

    organizer = Journey(browser, live_server, "organizer@demo.matchmaker.cn", "organizer")
    organizer.step("dashboard")
    expect(organizer.laptop.locator("#event-states")).to_contain_text("1 个报名待审核")
    page = organizer.goto("/organizer/events/2?state=pending")
    organizer.step("pending-registrations")
    page.locator("input[name=registration_ids]").first.check()
    page.get_by_role("button", name="通过所选").click()
    expect(page).to_have_url(re.compile(r"/organizer/events/2#registrations$"))
    page = organizer.goto("/organizer/events/2?state=pending")
    expect(page.get_by_text("还没有报名")).to_be_visible()  # nothing left to review
    organizer.step("approved")
    page = organizer.goto("/organizer/events/1/schedule")
    organizer.step("schedule")
    page.get_by_label("求解时间（秒）").fill("2")
    page.get_by_role("button", name="开始求解").click()
    expect(page.locator("#run-result")).to_be_visible(timeout=60_000)
    expect(page.locator("#run-verdict")).to_contain_text("已安排的洽谈价值")
    organizer.step("run-done")
    page.get_by_role("button", name="保存为草稿").click()
    expect(page).to_have_url(re.compile(r"/schedule/versions/\d+$"))
    organizer.step("draft")
    page.get_by_label(re.compile("我已核对")).check()
    page.get_by_role("button", name="发布此版本").click()
    expect(page.get_by_text(re.compile("已发布")).first).to_be_visible()
    organizer.step("published", phone_too=False)  # the phone would show the same page after the POST
    page = organizer.goto("/organizer/outbox")
    expect(page.locator("tbody tr").first).to_be_visible()
    organizer.step("outbox")

    # The enterprise's agenda now exists; its dashboard says which day and how many meetings.
    page = enterprise.goto("/dashboard")
    expect(page.locator("#next-actions")).to_contain_text("的洽谈")
    enterprise.step("dashboard-after-publication")
    page = enterprise.goto("/events/1/agenda")
    expect(page.locator("tr.agenda-meeting").first).to_be_visible()
    enterprise.step("agenda")

    enterprise.english(["/dashboard", "/needs", matches_path, "/events/1/agenda", "/events/1/requests", "/inbox"],
                       phone_too=(matches_path,), data=(need_title,))
    # the reasons on the matches page are English too (the engine's phrasebook), not only the chrome
    reasons = enterprise.laptop
    reasons.goto(f"{live_server}{matches_path}")
    assert [t for t in reasons.locator(".reason .text").all_text_contents() if "要求" in t or "万元" in t] == []
    bank.english(["/dashboard", "/institution/products", "/products/1", "/events/1/requests"],
                 phone_too=("/products/1",))
    investor.english(["/events/2/pitches"])
    organizer.english(["/dashboard", "/organizer/events/1", "/organizer/events/1/schedule", "/organizer/outbox"])
    for journey in (enterprise, bank, investor, organizer):
        journey.close()
