"""The matching pages in English (issue 15): every verdict reason, near miss, caveat, amount line
and criteria preview reads English; what stays Chinese is data (names, a policy's own sentence)."""

from __future__ import annotations

import re

from matchmaker.demo.city import DEMO_PASSWORD, load_demo
from matchmaker.models import FinancingNeed, Organization, PlatformRule, Policy, Product
from tests.web.accounts.test_one_language import _chinese_labels, _data, _in_english

REASON = re.compile(r'<span class="text">(.*?)</span>')


def _criterion_texts(tree) -> set[str]:
    """The sentences authors wrote into a criteria tree (node text, process steps): data."""
    found: set[str] = set()
    if isinstance(tree, dict):
        found |= {tree[key] for key in ("text", "label") if isinstance(tree.get(key), str) and tree[key]}
        for value in tree.values():
            found |= _criterion_texts(value)
    elif isinstance(tree, list):
        for item in tree:
            found |= _criterion_texts(item)
    return found


def _without(text: str, data: list[str]) -> str:
    for value in data:
        text = text.replace(value, " ")
    return text


async def _authored() -> list[str]:
    texts = set(await _data())
    for model in (Product, Policy):
        for row in await model.all():
            texts |= _criterion_texts(row.criteria) | _criterion_texts(getattr(row, "amount_rule", None))
    texts |= set(await Organization.all().values_list("name", flat=True))
    texts |= set(await PlatformRule.all().values_list("text", flat=True))
    for name, support in await Policy.all().values_list("name", "support"):
        texts |= {name, support}
    return sorted(texts, key=len, reverse=True)


async def test_an_enterprises_matches_read_english_in_english_and_chinese_in_chinese(client, other_client, settings):
    await load_demo(settings.var_dir)
    enterprise = await Organization.get(memberships__user__email="e10@demo.matchmaker.cn")
    need = await FinancingNeed.filter(enterprise=enterprise).order_by("id").first()
    await _in_english(client, "e10@demo.matchmaker.cn")
    data = await _authored()

    page = await client.get(f"/enterprise/needs/{need.id}/matches")

    assert page.status_code == 200
    assert "required" in page.text
    assert _chinese_labels(page.text, data) == []
    reasons = [_without(r, data) for r in REASON.findall(page.text)]
    assert len(reasons) > 10 and [r for r in reasons if "万元" in r or "要求" in r or "未填写" in r] == []

    await other_client.login("e10@demo.matchmaker.cn", DEMO_PASSWORD)
    await other_client.submit("/language", {"language": "zh", "next": "/"})  # the user's setting, back to Chinese
    chinese = await other_client.get(f"/enterprise/needs/{need.id}/matches")
    assert "要求" in chinese.text and not [r for r in REASON.findall(chinese.text) if "required" in r]


async def test_a_products_criteria_and_the_editor_preview_in_english(client, settings):
    await load_demo(settings.var_dir)
    await _in_english(client, "bank1@demo.matchmaker.cn")
    data = await _authored()
    product = await Product.filter(criteria__not_isnull=True).order_by("id").first()

    page = await client.get(f"/products/{product.id}")

    assert page.status_code == 200
    assert _chinese_labels(page.text, data) == []
    preview = await client.post("/products/criteria-preview", headers={"x-csrftoken": await client.csrf()}, json={
        "criteria": {"id": "root", "all": [{"id": "a", "field": "revenue", "op": "ge", "value": 20_000_000},
                                           {"id": "b", "field": "tax_rating", "op": "in", "value": ["A", "B"]}]}})
    assert preview.status_code == 200, preview.text
    assert preview.json()["text"] == ("All of the following:\n  · Revenue at least 2000 ×10k yuan\n"
                                      "  · Tax credit rating is one of A, B")
