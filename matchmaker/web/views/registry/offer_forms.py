"""Reading the parts of the product and policy forms that are not plain columns: the criteria
the editor serialises into a hidden field, and the amount rule (fixed / tiers / share / formula)."""

from __future__ import annotations

import json
from typing import Any

from markupsafe import Markup
from starlette.datastructures import FormData
from starlette.requests import Request
from starlette.responses import JSONResponse, Response

from matchmaker.services.registry.regions import region_table
from matchmaker.errors import InvalidInput
from matchmaker.matching.fields import OPERATORS_BY_TYPE
from matchmaker.services.registry import columns as c
from matchmaker.services.registry.custom_fields import criteria_fields
from matchmaker.services.registry.offers import (
    criteria_problems,
    describe_criteria,
    editor_fields,
    editor_operators,
    load_json_field,
)
from matchmaker.web.auth import viewer_of
from matchmaker.web.forms import form_fields
from matchmaker.web.guards import json_body
from matchmaker.matching.phrases import book_for
from matchmaker.web.i18n import current_language, said

TIER_SLOTS = 4
_MONEY = c.Column("amount", "额度", c.MONEY)
_PERCENT = c.Column("share_percent", "比例（%）", c.PERCENT)


def _money(text: str, key: str, problems: dict[str, str]) -> int | None:
    try:
        return _MONEY.parse(text)
    except ValueError as error:
        problems[key] = f"额度（万元）：{error}"
        return None


def read_amount_rule(form: FormData, problems: dict[str, str]) -> dict[str, Any]:
    """The amount rule in the JSON of docs/formats.md (元), from the form's amount fields."""
    mode = str(form.get("amount_mode", "none"))
    rule: dict[str, Any] = {}
    maximum = _money(str(form.get("amount_max", "")), "amount_max", problems)
    minimum = _money(str(form.get("amount_min", "")), "amount_min", problems)
    if mode == "tiers":
        tiers = []
        for index in range(TIER_SLOTS):
            tier_max = _money(str(form.get(f"tier{index}_max", "")), f"tier{index}_max", problems)
            when, bad = load_json_field(str(form.get(f"tier{index}_when", "")), f"tier{index}_when")
            problems.update(bad)
            if tier_max is None:
                continue
            tier: dict[str, Any] = {"max": tier_max}
            if when is not None:
                tier["when"] = when
            if label := str(form.get(f"tier{index}_label", "")).strip():
                tier["label"] = label
            tiers.append(tier)
        if not tiers:
            problems["tier0_max"] = "分档额度至少填写一档的额度"
        rule["tiers"] = tiers
    elif mode == "share":
        try:
            percent = _PERCENT.parse(str(form.get("share_percent", "")))
        except ValueError as error:
            problems["share_percent"] = f"比例（%）：{error}"
            percent = None
        rule["share"] = {"field": str(form.get("share_field", "")), "percent": percent or 0}
        if maximum is not None:
            rule["max"] = maximum
    elif mode == "expr":
        expr, bad = load_json_field(str(form.get("amount_expr", "")), "amount_expr")
        problems.update(bad)
        if expr is None and not bad:
            problems["amount_expr"] = "请填写额度公式"
        rule["expr"] = expr
        if maximum is not None:
            rule["max"] = maximum
    elif mode == "fixed":
        if maximum is None and "amount_max" not in problems:
            problems["amount_max"] = "请填写最高额度（万元）"
        rule["max"] = maximum
    if minimum is not None and mode != "none":
        rule["min"] = minimum
    return {k: v for k, v in rule.items() if v is not None}


async def read_offer_form(request: Request, list_keys: tuple[str, ...]) -> tuple[dict[str, str], Any, dict[str, Any],
                                                                               dict[str, str]]:
    """What a product or policy form submitted: the values to show again (multi-choice lists
    joined with 、), the criteria tree, the amount rule, and the problems found reading them."""
    form = await request.form()
    values = await form_fields(request)
    for key in list_keys:
        chosen = form.getlist(key)
        values[key] = "、".join(chosen) if len(chosen) != 1 else chosen[0]
    criteria, problems = load_json_field(values.get("criteria", ""), "criteria")
    problems = dict(problems)
    amount_rule = read_amount_rule(form, problems)
    return values, criteria, amount_rule, problems


def amount_form_values(rule: dict[str, Any]) -> dict[str, str]:
    """The amount rule back as the form's text fields (万元)."""
    values = {"amount_mode": "none"}
    show = c.wan_text
    if rule.get("min") is not None:
        values["amount_min"] = show(rule["min"])
    if rule.get("max") is not None:
        values["amount_max"] = show(rule["max"])
    if rule.get("tiers"):
        values["amount_mode"] = "tiers"
        for index, tier in enumerate(rule["tiers"][:TIER_SLOTS]):
            values[f"tier{index}_max"] = show(tier["max"])
            values[f"tier{index}_label"] = tier.get("label", "")
            if tier.get("when") is not None:
                values[f"tier{index}_when"] = json.dumps(tier["when"], ensure_ascii=False)
    elif rule.get("expr") is not None:
        values.update(amount_mode="expr", amount_expr=json.dumps(rule["expr"], ensure_ascii=False))
    elif rule.get("share"):
        values.update(amount_mode="share", share_field=rule["share"]["field"],
                      share_percent=f"{rule['share']['percent']:g}")
    elif rule.get("max") is not None:
        values["amount_mode"] = "fixed"
    return values


def editor_problems(problems: dict[str, str], key: str) -> dict[str, str]:
    """The problems of one criteria editor, by node id (from keys `<key>:<node id>`)."""
    prefix = f"{key}:"
    return {k[len(prefix):]: v for k, v in problems.items() if k.startswith(prefix)}


async def editor_context() -> dict[str, Any]:
    fields = await criteria_fields()
    book = book_for(current_language.get())
    return {"editor_fields": editor_fields(fields, book), "editor_operators": editor_operators(book),
            "operators_by_type": {t.value: sorted(ops) for t, ops in OPERATORS_BY_TYPE.items()},
            "money_fields": [f for f in editor_fields(fields, book) if f["type"] == "money"],
            "tier_slots": range(TIER_SLOTS), "editor_problems": editor_problems,
            # the datalist suggests provinces and cities (about 400; all 3,352 paths would weigh
            # 170 KB on every form); the picker's selects reach every district from the tree
            "region_options": region_table().options(depth=2),
            "region_tree_json": Markup(region_table().tree_json)}


async def criteria_preview(request: Request) -> Response:
    """POST {"criteria": tree} -> {"text": plain Chinese} or {"problems": {node id: message}} (422)."""
    await viewer_of(request)
    try:
        body = await json_body(request)
    except InvalidInput as error:
        return JSONResponse({"problems": error.problems}, status_code=400)
    tree = body.get("criteria") if isinstance(body, dict) else None
    fields = await criteria_fields()
    problems = editor_problems(criteria_problems(tree, fields, key="c"), "c")
    if problems:
        return JSONResponse({"problems": problems}, status_code=422)
    return JSONResponse({"text": said(describe_criteria(tree, fields))})
