"""The criteria editor builds an arithmetic criterion (公式条件) without any JSON."""

from __future__ import annotations

import re

from playwright.sync_api import expect

from tests.browser.test_registry_browser import register


def test_institution_builds_a_formula_criterion(live_server, page, phone, screenshot):
    register(page, live_server, kind="bank", name="公式测试银行", email="formula@example.cn")
    page.goto(f"{live_server}/institution/products/new")
    page.get_by_label("产品名称").fill("贷后负债控制贷")
    page.get_by_label("产品类型").select_option("信用贷款")
    page.get_by_label("最高额度（万元）", exact=True).fill("500")
    editor = page.locator("#f-criteria + .criteria-editor")
    root = editor.locator(".crit-group").first

    root.locator(":scope > .crit-add").get_by_role("button", name="＋ 公式条件").click()
    formula = root.locator(".crit-formula").first
    expect(editor.locator(".preview")).to_have_text("同时满足以下全部条件：\n  · 现有负债 ÷ 营业收入不超过 50%")
    expect(formula.locator(".crit-unit").last).to_have_text("%")

    # the dividend becomes an operation: 现有负债 + 需求金额
    dividend = formula.locator(".expr-root > .expr-body > .expr-args > .expr-term").first
    dividend.get_by_label("项的类型").select_option("op")
    dividend.get_by_label("运算").select_option("add")
    terms = dividend.locator(":scope > .expr-body > .expr-args > .expr-term")
    terms.nth(0).get_by_label("字段").select_option("existing_debt")
    terms.nth(1).get_by_label("字段").select_option("need.amount")
    formula.get_by_label("数值").fill("60")
    expect(editor.locator(".preview")).to_have_text(
        "同时满足以下全部条件：\n  · (现有负债 + 需求金额) ÷ 营业收入不超过 60%")
    screenshot(page, "formula")

    # a money field beside a percentage is refused beside the row
    terms.nth(1).get_by_label("字段").select_option("rd_ratio")
    expect(formula.locator(".crit-error")).to_have_text("现有负债 + 研发投入占比：金额、比例不能相加")
    screenshot(page, "formula-error")
    terms.nth(1).get_by_label("字段").select_option("need.amount")
    expect(formula.locator(".crit-error")).to_be_hidden()

    # the amount by a formula: 50% × 最近估值 − 现有负债, built the same way
    page.get_by_role("radio", name="按公式计算").check()
    amount = page.locator(".amount-expr")
    expect(page.locator(".amount-expr-preview")).to_have_text("额度 = 50% × 最近估值 − 现有负债")
    amount.locator(".expr-root > .expr-body > .expr-op").select_option("min")
    expect(page.locator(".amount-expr-preview")).to_have_text("额度 = 较小值(50% × 最近估值, 现有负债)")
    amount.locator(".expr-root > .expr-body > .expr-op").select_option("sub")
    screenshot(page, "amount-formula")

    page.get_by_role("button", name="保存产品").click()
    expect(page).to_have_url(re.compile(r"/institution/products\?notice=created"))
    page.get_by_role("button", name="发布").click()
    page.get_by_role("link", name="查看公开页").click()
    expect(page.locator("pre.preview")).to_contain_text("(现有负债 + 需求金额) ÷ 营业收入不超过 60%")
    expect(page.get_by_text("按公式 50% × 最近估值 − 现有负债 核定，最高 500 万元")).to_be_visible()
    screenshot(page, "product-detail")

    phone.goto(f"{live_server}/login")
    phone.get_by_label("邮箱").fill("formula@example.cn")
    phone.get_by_label("密码").fill("correct-horse-battery")
    phone.get_by_role("button", name="登录").click()
    phone.goto(f"{live_server}/institution/products/new")
    phone.locator("#f-criteria + .criteria-editor .crit-add").first.get_by_role("button", name="＋ 公式条件").click()
    expect(phone.locator(".crit-formula")).to_be_visible()
    expect(phone.locator("#f-criteria + .criteria-editor .preview")).to_contain_text("现有负债 ÷ 营业收入不超过 50%")
    assert phone.evaluate("document.documentElement.scrollWidth") <= 390
    screenshot(phone, "formula-phone")


HAN = re.compile(r"[\u4e00-\u9fff]")


def test_the_editor_speaks_english_on_an_english_page(live_server, page, phone, screenshot):
    """On an English page the editor's own words, its field and operator pickers and the preview
    are English; the criteria JSON it writes is the same as on a Chinese page."""
    register(page, live_server, kind="bank", name="英文编辑器银行", email="editor-en@example.cn")
    page.goto(f"{live_server}/dashboard")
    page.locator("select[name=language]").select_option("en")
    page.wait_for_load_state()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    page.goto(f"{live_server}/institution/products/new")
    # the form around it too: the registry's columns and the amount rule
    expect(page.get_by_label("Product name")).to_be_visible()
    expect(page.get_by_label("Longest term (months)")).to_be_visible()
    expect(page.get_by_role("radio", name="Set by the institution")).to_be_visible()
    editor = page.locator("#f-criteria + .criteria-editor")
    root = editor.locator(".crit-group").first
    expect(root.locator(".crit-mode")).to_contain_text("All of these conditions")

    root.locator(":scope > .crit-add").get_by_role("button", name="+ Condition", exact=True).click()
    row = root.locator(".crit-row").first
    row.get_by_label("Field").select_option("revenue")
    expect(row.get_by_label("Field").locator("option:checked")).to_have_text("Revenue (×10k yuan)")
    row.get_by_label("Comparison").select_option("ge")
    expect(row.get_by_label("Comparison").locator("option:checked")).to_have_text("≥ at least (inclusive)")
    row.get_by_label("Value").fill("500")
    expect(editor.locator(".preview")).to_contain_text("Revenue")
    expect(editor.locator(".preview")).to_contain_text("500")
    root.locator(":scope > .crit-add").get_by_role("button", name="+ Formula condition").click()
    expect(root.locator(".crit-formula .crit-formula-label")).to_have_text("Formula condition")
    screenshot(page, "editor-en")

    texts = editor.evaluate("""node => [...node.querySelectorAll('option, button, .preview, .crit-unit, p')]
        .map(e => e.textContent).concat([...node.querySelectorAll('[aria-label], [placeholder]')]
        .map(e => (e.getAttribute('aria-label') || '') + (e.getAttribute('placeholder') || '')))""")
    assert [t for t in texts if HAN.search(t)] == []
    # the JSON posted is the language-blind criteria: field keys, operators, 元
    written = page.locator("#f-criteria").input_value()
    assert '"field": "revenue"' in written.replace('":"', '": "') and "5000000" in written

    phone.context.add_cookies(page.context.cookies())  # the same user, whose language is English
    phone.goto(f"{live_server}/institution/products/new")
    expect(phone.locator(".crit-mode").first).to_contain_text("All of these conditions")
    screenshot(phone, "editor-en-phone")
