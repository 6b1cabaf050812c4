"""What products and policies share: criteria and amount rules checked by the matching engine,
and the plain-Chinese explanation of who qualifies.

Criteria and amount rules are stored in the JSON of docs/formats.md (amounts in 元), so the
stored rows can be handed to the engine and to `python -m matchmaker eligibility` unchanged.
"""

from __future__ import annotations

from matchmaker import jsondepth

import json
from typing import Any

from matchmaker.matching.criteria import parse_criteria, validate_criteria
from matchmaker.matching.expressions import compile_expr, render_expr
from matchmaker.matching.fields import FieldRegistry, FieldType
from matchmaker.matching.formats import FormatError, amount_rule_from_json
from matchmaker.matching.phrases import ZH, Phrasebook, field_label, say, unit_of
from matchmaker.matching.render import OPERATOR_WORDS, OPERATOR_WORDS_EN, format_value, render_tree
from matchmaker.services.registry.columns import wan_text

POLICY_INSTRUMENTS = ("贴息", "风险补偿资金池", "政府性融资担保", "保费补贴")


def criteria_problems(tree: Any, fields: FieldRegistry, *, key: str = "criteria") -> dict[str, str]:
    """Problems of a criteria tree, keyed `<key>:<node id>` so the editor shows each beside its row."""
    if tree is None:
        return {}
    return {f"{key}:{node_id}": message for node_id, message in validate_criteria(tree, fields).items()}


def amount_problems(rule: dict[str, Any] | None, fields: FieldRegistry) -> dict[str, str]:
    """Problems of an amount rule (docs/formats.md), keyed by form field."""
    if not rule:
        return {}
    try:
        parsed = amount_rule_from_json(rule, "amount")
    except FormatError as error:
        return {"amount": f"额度规则有误：{error}"}
    problems: dict[str, str] = {}
    if parsed.max is not None and parsed.min is not None and parsed.min > parsed.max:
        problems["amount_min"] = "起贷额度不能高于最高额度"
    if parsed.share_field is not None:
        field = fields.get(parsed.share_field)
        if field is None or field.type is not FieldType.MONEY:
            problems["share_field"] = "按比例计算的依据须为金额字段（如最近估值、担保物评估价值）"
        if not parsed.share_percent or not 0 < parsed.share_percent <= 100:
            problems["share_percent"] = "比例应在 0 到 100 之间"
    if parsed.expr is not None:
        compiled, message = compile_expr(parsed.expr, fields)
        if message:
            problems["amount_expr"] = message
        elif compiled is not None and compiled.type != "money":
            problems["amount_expr"] = "额度公式的结果应为金额（如 最近估值 × 50% − 现有负债）"
        if sum([bool(parsed.tiers), parsed.share_field is not None]) > 0:
            problems["amount"] = "额度规则只能是固定上限、分档、按比例或公式之一"
    for index, tier in enumerate(rule.get("tiers", [])):
        if tier.get("when") is not None:
            problems.update(criteria_problems(tier["when"], fields, key=f"tier{index}"))
    return problems


def describe_criteria(tree: Any, fields: FieldRegistry) -> str:
    """Who qualifies, as indented plain-Chinese lines ("无条件限制" when there are no criteria);
    a `Said`, so a page shows it in its reader's language (`| said`)."""
    parsed = parse_criteria(tree) if tree is not None else None
    return say(lambda book: render_tree(parsed, fields, book=book))


def describe_amount(rule: dict[str, Any] | None, fields: FieldRegistry) -> list[str]:
    """The amount rule as lines a person reads: "营收5000万元以上：最高 1000 万元" … (each a `Said`)."""
    return [say(lambda book, i=i: _amount_lines(rule, fields, book)[i])
            for i in range(len(_amount_lines(rule, fields, ZH)))]


def _amount_lines(rule: dict[str, Any] | None, fields: FieldRegistry, book: Phrasebook) -> list[str]:
    en = book.english
    wan = " ×10k yuan" if en else " 万元"
    if not rule:
        return ["Amount set by the institution" if en else "额度由机构核定"]
    lines = []
    for tier in rule.get("tiers", []):
        condition = tier.get("label") or (render_tree(parse_criteria(tier["when"]), fields, book=book).strip("· ").strip()
                                          if tier.get("when") else ("other cases" if en else "其他情形"))
        lines.append(f"{condition}: up to {wan_text(tier['max'])}{wan}" if en
                     else f"{condition}：最高 {wan_text(tier['max'])}{wan}")
    cap = ""
    if rule.get("max") is not None:
        cap = f", up to {wan_text(rule['max'])}{wan}" if en else f"，最高 {wan_text(rule['max'])}{wan}"
    if rule.get("share"):
        field = fields.get(rule["share"]["field"])
        label = field_label(field, book) if field else rule["share"]["field"]
        percent = f"{rule['share']['percent']:g}%"
        lines.append(f"{percent} of {label}{cap}" if en else f"按{label}的 {percent} 核定{cap}")
    elif rule.get("expr") is not None:
        parsed = amount_rule_from_json(rule, "amount")
        assert parsed.expr is not None
        formula = render_expr(parsed.expr, fields, book=book)
        lines.append(f"By the formula {formula}{cap}" if en else f"按公式 {formula} 核定{cap}")
    elif rule.get("max") is not None and not rule.get("tiers"):
        lines.append(f"Up to {wan_text(rule['max'])}{wan}" if en else f"最高 {wan_text(rule['max'])}{wan}")
    if rule.get("min") is not None:
        lines.append(f"Minimum loan {wan_text(rule['min'])}{wan}" if en else f"起贷额度 {wan_text(rule['min'])}{wan}")
    return lines


_EDITOR_GROUPS = {"enterprise": "企业信息", "derived": "推算指标", "need": "融资需求", "custom": "地方特色指标",
                  "list": "名单（按评估日期有效）"}
_EDITOR_GROUPS_EN = {"enterprise": "Enterprise", "derived": "Derived indicators", "need": "Financing need",
                     "custom": "Local indicators", "list": "Lists (valid on the evaluation date)"}


def editor_fields(fields: FieldRegistry, book: Phrasebook = ZH) -> list[dict[str, Any]]:
    """The field list the criteria editor offers, in `book`'s language: key, label, type, unit,
    choices (values as stored), group."""
    groups = _EDITOR_GROUPS_EN if book.english else _EDITOR_GROUPS
    return [{"key": f.key, "label": field_label(f, book), "type": f.type.value, "unit": unit_of(f.unit, book),
             "choices": list(f.choices), "group": groups.get(f.source, groups["enterprise"]),
             "definition": f.definition} for f in fields]


def editor_operators(book: Phrasebook = ZH) -> dict[str, str]:
    return dict(OPERATOR_WORDS_EN if book.english else OPERATOR_WORDS)


def load_json_field(text: str, key: str) -> tuple[Any, dict[str, str]]:
    """A JSON form field (the editor's hidden criteria): (value, problems)."""
    if not text.strip():
        return None, {}
    try:
        return jsondepth.loads(text), {}
    except json.JSONDecodeError as error:
        return None, {key: f"条件格式有误（第 {error.lineno} 行第 {error.colno} 列）"}


__all__ = ["POLICY_INSTRUMENTS", "amount_problems", "criteria_problems", "describe_amount", "describe_criteria",
           "editor_fields", "editor_operators", "format_value", "load_json_field"]
