"""The three matching pages in a real browser with seeded data: the enterprise's recommendations,
the institution's fitting needs with a claim, the organizer's overview; and the need page on a phone."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass

import pytest
from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from matchmaker.models import ConsentAudience, ConsentGrant, ConsentScope, Membership, Role, User
from matchmaker.services.accounts.passwords import hash_password
from tests.factories import (
    REVENUE_AT_LEAST_20M,
    make_enterprise,
    make_institution,
    make_need,
    make_organizer,
    make_platform_rule,
    make_policy,
    make_product,
)

PASSWORD = "correct-horse-battery"
RD_AND_AGE = {"id": "root", "all": [
    {"id": "rd", "text": "研发投入占比不低于3%", "field": "rd_ratio", "op": "ge", "value": 3},
    {"id": "age", "text": "成立满2年", "field": "years_established", "op": "ge", "value": 2},
    {"id": "tech", "text": "高企或Ⅰ类知识产权", "any": [
        {"id": "hnte", "field": "qualifications", "op": "contains", "value": "高新技术企业"},
        {"id": "ip1", "field": "ip_class1", "op": "ge", "value": 1}]},
    {"id": "list", "basis": "process", "text": "纳入合作银行白名单 (名单制)"},
]}


@dataclass(frozen=True)
class Seeded:
    need_id: int
    product_id: int


async def _login_for(organization, email: str) -> None:
    user = await User.create(email=email, name="演示用户", password_hash=await hash_password(PASSWORD))
    await Membership.create(user=user, organization=organization, role=Role.ADMIN)


async def _seed(database_url: str, var_dir: str) -> Seeded:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        organizer = await make_organizer()
        await _login_for(organizer, "organizer@example.cn")
        await make_platform_rule(organizer)
        await make_policy(organizer, None, name="科技信贷贴息", support="按 LPR 的 50% 贴息")
        await make_policy(organizer, REVENUE_AT_LEAST_20M, name="规上企业首贷奖励", support="一次性奖励 10 万元")
        bank = await make_institution("星河银行科技支行")
        await _login_for(bank, "bank@example.cn")
        guarantor = await make_institution("星河市融资担保有限公司")
        product = await make_product(bank, RD_AND_AGE, name="星河科创贷", industry_chains=["集成电路"],
                                     rate_text="LPR+30BP 起", policy_instruments=["风险补偿资金池", "贴息"])
        await make_product(bank, REVENUE_AT_LEAST_20M, name="规上企业流动资金贷", amount_rule={"max": 10_000_000})
        await make_product(guarantor, {"id": "root", "all": [
            {"id": "rd", "text": "研发投入占比不低于10%", "field": "rd_ratio", "op": "ge", "value": 10}]},
            name="研发强度担保贷", kind="guaranteed_loan")
        nano = await make_enterprise("星河纳米新材料科技有限公司", rd_ratio=8.2, revenue=16_000_000, invention_patents=3,
                                     qualifications={"高新技术企业": {"obtained": "2025-03-01"}}, phd_count=2,
                                     rd_staff_ratio=32.5)
        await _login_for(nano, "nano@example.cn")
        need = await make_need(nano, title="新产线流动资金", amount=3_000_000, term_months=12,
                               purpose_category="扩产")
        chip = await make_enterprise("芯途集成电路设计有限公司", rd_ratio=12.0, revenue=60_000_000, invention_patents=5,
                                     contact_phone="13900005678")
        await ConsentGrant.create(enterprise=chip, scope=ConsentScope.CONTACT, audience=ConsentAudience.NAMED,
                                  institution=bank)
        await make_need(chip, title="流片费用", amount=5_000_000, term_months=24)
        bio = await make_enterprise("澜湾生物医药有限公司", industry_chains=["生物医药"], rd_ratio=1.0)
        await make_need(bio, title="临床试验股权融资", kind="equity", amount=30_000_000, term_months=60)
        return Seeded(need.pk, product.pk)
    finally:
        await Tortoise.close_connections()


@pytest.fixture
def seeded(live_server, database_url, tmp_path) -> Seeded:
    # a thread of its own: Playwright's sync API keeps an event loop running in this one
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, _seed(database_url, str(tmp_path / "seed-var"))).result()


def _log_in(page, base_url: str, email: str) -> None:
    page.goto(f"{base_url}/login")
    page.get_by_label("邮箱").fill(email)
    page.get_by_label("密码").fill(PASSWORD)
    page.get_by_role("button", name="登录").click()
    expect(page).to_have_url(re.compile(r"/dashboard$"))


def test_enterprise_sees_products_near_misses_policies_and_why(live_server, seeded, page, screenshot):
    _log_in(page, live_server, "nano@example.cn")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="产品匹配").click()
    page.get_by_role("link", name=re.compile("符合条件的产品")).first.click()

    expect(page.locator("h1")).to_have_text("新产线流动资金")
    product = page.locator(f"#product-{seeded.product_id}")
    expect(product.get_by_role("heading", name="星河科创贷")).to_be_visible()
    product.get_by_text("为什么？查看全部条件").click()
    expect(product.get_by_text("研发投入占比 8.2% ≥ 要求 ≥ 3% ✓")).to_be_visible()
    expect(page.get_by_text("营业收入 1600 万元 < 要求 ≥ 2000 万元 ✗").first).to_be_visible()  # a near miss
    expect(page.get_by_role("heading", name="科技信贷贴息")).to_be_visible()
    screenshot(page, "need-matches")

    page.get_by_role("navigation", name="主导航").get_by_role("link", name="科创积分").click()
    expect(page.locator("h1")).to_contain_text("科创积分")
    screenshot(page, "innovation")


def test_institution_claims_a_fitting_need_and_the_organizer_sees_it(live_server, seeded, page, screenshot):
    _log_in(page, live_server, "bank@example.cn")
    page.goto(f"{live_server}/institution/products/{seeded.product_id}/matches")
    expect(page.get_by_role("heading", name="芯途集成电路设计有限公司")).to_be_visible()
    expect(page.get_by_text("13900005678")).to_be_visible()  # consent given to this bank
    expect(page.get_by_text("13800001234")).to_have_count(0)  # the other enterprise gave none
    page.locator(f"#need-{seeded.need_id}").get_by_role("button", name="抢单").click()
    expect(page.get_by_text("已抢单，企业将收到通知。")).to_be_visible()
    screenshot(page, "product-matches")

    page.get_by_role("button", name="退出").click()
    _log_in(page, live_server, "organizer@example.cn")
    page.get_by_role("navigation", name="主导航").get_by_role("link", name="匹配总览").click()
    expect(page.get_by_role("heading", name="临床试验股权融资")).to_be_visible()  # a gap
    expect(page.locator("#claims").get_by_text("待回复")).to_be_visible()
    screenshot(page, "organizer-overview")


def test_need_page_works_on_a_phone(live_server, seeded, phone, screenshot):
    _log_in(phone, live_server, "nano@example.cn")
    phone.goto(f"{live_server}/enterprise/needs/{seeded.need_id}/matches")
    phone.locator(f"#product-{seeded.product_id}").get_by_text("为什么？查看全部条件").click()

    assert phone.evaluate("document.documentElement.scrollWidth") <= 390  # nothing overflows sideways
    screenshot(phone, "need-matches-phone")
