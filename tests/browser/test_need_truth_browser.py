"""The need page tells the whole truth (issue 14 §3): a product that grants less than the need
asks is a near miss saying what fits; another kind of loan is shown after the asked kind, saying so."""

from __future__ import annotations

import asyncio
import re
from concurrent.futures import ThreadPoolExecutor

from playwright.sync_api import expect
from tortoise import Tortoise

from matchmaker.config import load_settings
from matchmaker.db import tortoise_config
from tests.browser.test_matching_browser import _log_in, _login_for
from tests.factories import make_enterprise, make_institution, make_need, make_product


async def _seed(database_url: str, var_dir: str) -> int:
    await Tortoise.init(config=tortoise_config(load_settings(database_url=database_url, paths_var_dir=var_dir)))
    try:
        bank = await make_institution("星河银行科技支行")
        guarantor = await make_institution("星河市融资担保有限公司")
        await make_product(bank, None, name="小额信用贷", amount_rule={"max": 3_000_000})
        await make_product(bank, None, name="科创信用贷", amount_rule={"max": 10_000_000})
        await make_product(guarantor, None, name="政担科创贷", kind="guaranteed_loan", amount_rule={"max": 10_000_000},
                           industry_chains=["集成电路"])
        enterprise = await make_enterprise("星河纳米新材料科技有限公司")
        await _login_for(enterprise, "truth@example.cn")
        need = await make_need(enterprise, title="新产线流动资金", kind="credit_loan", amount=8_000_000, term_months=12)
        return need.pk
    finally:
        await Tortoise.close_connections()


def test_the_need_page_says_what_fits_and_when_the_kind_differs(live_server, database_url, tmp_path, page, phone,
                                                                 screenshot):
    with ThreadPoolExecutor(1) as pool:
        need_id = pool.submit(asyncio.run, _seed(database_url, str(tmp_path / "seed-var"))).result()
    _log_in(page, live_server, "truth@example.cn")
    page.goto(f"{live_server}/enterprise/needs/{need_id}/matches")

    expect(page.locator("h1")).to_have_text("新产线流动资金")
    headings = page.locator("article h3, article h2").filter(has_text=re.compile("科创信用贷|政担科创贷"))
    expect(headings).to_have_text([re.compile("科创信用贷"), re.compile("政担科创贷")])  # the asked kind first
    expect(page.get_by_text("需求 800 万元 > 本产品对贵企业最高 300 万元（产品最高额度），可申请 300 万元 ✗").first).to_be_visible()
    page.get_by_text("为什么？查看全部条件").nth(1).click()
    expect(page.get_by_text("产品类型为担保贷款，与需求类型（信用贷款）不同，同属贷款类")).to_be_visible()
    screenshot(page, "need-truth")

    _log_in(phone, live_server, "truth@example.cn")
    phone.goto(f"{live_server}/enterprise/needs/{need_id}/matches")
    expect(phone.get_by_text("可申请 300 万元", exact=False).first).to_be_visible()
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "need-truth-phone")
