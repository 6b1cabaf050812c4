"""Plain-Chinese (or English) rendering of criteria, values and per-criterion results.

Chinese legal usage (《民法典》第一千二百五十九条: 以上、以下、以内、届满 include the number;
不满、超过、以外 exclude it) decides how an operator reads: `ge` is 不低于 / 以上(含), `gt` is
超过, `le` is 不超过 / 以下(含), `lt` is 不满 / 低于. The criteria editor shows OPERATOR_WORDS
beside each operator so the author sees which one a policy sentence means.

Every function writes Chinese unless given another `book` (matching/phrases.py); the English
book keeps the same inclusive / exclusive meaning (≥ "at least", > "more than").
"""

from __future__ import annotations

from datetime import date
from typing import Any

from matchmaker.matching.criteria import AllOf, AnyOf, Comparison, Computed, Node, NotOf, ProcessStep, coerce_value
from matchmaker.matching.expressions import MONEY, RATIO, CompiledExpr, compile_expr, render_expr
from matchmaker.matching.fields import Field, FieldRegistry, FieldType
from matchmaker.matching.phrases import KINDS_EN, ZH, Phrasebook, field_label, unit_of, written

#: operator -> the Chinese word(s) it stands for (inclusive words carry "(含)")
OPERATOR_WORDS: dict[str, str] = {
    "ge": "不低于/以上(含)",
    "gt": "超过",
    "le": "不超过/以下(含)",
    "lt": "不满/低于",
    "eq": "等于/为",
    "ne": "不等于/不为",
    "in": "属于其中之一",
    "nin": "不属于其中任何一个",
    "contains": "包含",
    "true": "是",
    "false": "否",
}

#: the same operators in English, for the criteria editor's pickers
OPERATOR_WORDS_EN: dict[str, str] = {
    "ge": "at least (inclusive)",
    "gt": "more than",
    "le": "at most (inclusive)",
    "lt": "less than",
    "eq": "equals",
    "ne": "does not equal",
    "in": "is one of",
    "nin": "is none of",
    "contains": "contains",
    "true": "yes",
    "false": "no",
}

SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}
#: the relation shown between value and threshold when a comparison failed
FAILED_RELATION = {"ge": "<", "gt": "≤", "le": ">", "lt": "≥", "eq": "≠", "ne": "="}
_PHRASE = {"ge": "不低于", "gt": "超过", "le": "不超过", "lt": "低于", "eq": "为", "ne": "不为"}
_DATE_PHRASE = {"ge": "不早于", "gt": "晚于", "le": "不晚于", "lt": "早于", "eq": "为", "ne": "不为"}
#: the same words in English: ≥ is "at least" (inclusive like 以上), > "more than" (like 超过),
#: < "less than" (like 不满)
_PHRASE_EN = {"ge": "at least", "gt": "more than", "le": "at most", "lt": "less than", "eq": "is", "ne": "is not"}
_DATE_PHRASE_EN = {"ge": "on or after", "gt": "after", "le": "on or before", "lt": "before", "eq": "is", "ne": "is not"}

PASS_MARK, FAIL_MARK = " ✓", " ✗"
MISSING = "未填写"
MISSING_EN = "not filled in"


def _missing(book: Phrasebook) -> str:
    return MISSING_EN if book.english else MISSING


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(field: Field, value: Any, decimals: int = 2, *, book: Phrasebook = ZH) -> str:
    """`value` of `field` as shown to users: money in 万元, percent with %, dates ISO."""
    if book.english:
        return _format_value_en(field, value, decimals, book)
    if value is None:
        return MISSING
    kind = field.type
    if kind is FieldType.MONEY:
        return f"{_number(value / 10000, decimals + 2)} 万元"
    if kind is FieldType.PERCENT:
        return f"{_number(value, decimals)}%"
    if kind is FieldType.NUMBER:
        return _number(value, decimals) + (f" {field.unit}" if field.unit else "")
    if kind is FieldType.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind is FieldType.BOOL:
        return "是" if value else "否"
    if kind is FieldType.SET:
        return "、".join(sorted(value)) if value else "无"
    return str(value)


_SINGULAR_EN = {"years": "year", "items": "item", "times": "time", "months": "month", "people": "person",
                "points": "point"}


def _format_value_en(field: Field, value: Any, decimals: int, book: Phrasebook) -> str:
    if value is None:
        return MISSING_EN
    kind = field.type
    if kind is FieldType.MONEY:
        return f"{_number(value / 10000, decimals + 2)} ×10k yuan"
    if kind is FieldType.PERCENT:
        return f"{_number(value, decimals)}%"
    if kind is FieldType.NUMBER:
        shown = _number(value, decimals)
        unit = unit_of(field.unit, book)
        if shown == "1":  # 1 year, 1 item, 1 person
            unit = _SINGULAR_EN.get(unit, unit)
        return shown + (f" {unit}" if field.unit else "")
    if kind is FieldType.DATE:
        return value.isoformat() if isinstance(value, date) else str(value)
    if kind is FieldType.BOOL:
        return "yes" if value else "no"
    if kind is FieldType.SET:
        return ", ".join(sorted(book.term(v) for v in value)) if value else "none"
    if field.key == "need.kind":
        return KINDS_EN.get(str(value), str(value))
    return book.term(str(value))


def format_pair(field: Field, value: Any, threshold: Any, *, book: Phrasebook = ZH) -> tuple[str, str]:
    """Value and threshold formatted with enough decimals that unequal numbers look unequal."""
    decimals = 2
    shown = format_value(field, value, decimals, book=book), format_value(field, threshold, decimals, book=book)
    numeric = isinstance(value, (int, float)) and isinstance(threshold, (int, float))
    while numeric and value != threshold and shown[0] == shown[1] and decimals < 8:
        decimals += 2
        shown = format_value(field, value, decimals, book=book), format_value(field, threshold, decimals, book=book)
    return shown


def _list(field: Field, values: tuple[Any, ...], book: Phrasebook = ZH) -> str:
    joiner = ", " if book.english else "、"
    if field.type is FieldType.SET:  # the items of a set are plain names
        return joiner.join(book.term(str(v)) for v in values)
    return joiner.join(format_value(field, v, book=book) for v in values)


def requirement(field: Field, op: str, threshold: Any, *, book: Phrasebook = ZH) -> str:
    """The requirement side of a reason, e.g. "≥ 3%", "为 A、B 之一", "包含 高新技术企业"."""
    if book.english:
        return _requirement_en(field, op, threshold, book)
    if op in SYMBOLS:
        return f"{SYMBOLS[op]} {format_value(field, threshold)}"
    if op == "in":
        verb = "包含" if field.type is FieldType.SET else "为"
        return f"{verb} {_list(field, threshold)} 之一"
    if op == "nin":
        verb = "不包含" if field.type is FieldType.SET else "不为"
        return f"{verb} {_list(field, threshold)}"
    if op == "contains":
        return f"包含 {threshold}" if field.type is FieldType.SET else f"含「{threshold}」"
    return "是" if op == "true" else "否"


def _requirement_en(field: Field, op: str, threshold: Any, book: Phrasebook) -> str:
    if op in SYMBOLS:
        return f"{SYMBOLS[op]} {format_value(field, threshold, book=book)}"
    is_set = field.type is FieldType.SET
    if op == "in":
        return f"{'includes' if is_set else 'is'} one of {_list(field, threshold, book)}"
    if op == "nin":
        return f"{'includes' if is_set else 'is'} none of {_list(field, threshold, book)}"
    if op == "contains":
        return f"includes {book.term(str(threshold))}" if is_set else f"contains “{threshold}”"
    return "yes" if op == "true" else "no"


def phrase(field: Field, op: str, threshold: Any, *, book: Phrasebook = ZH) -> str:
    """A comparison as a plain Chinese sentence, e.g. "研发投入占比不低于 3%"."""
    if book.english:
        label = field_label(field, book)
        if op in SYMBOLS:
            words = _DATE_PHRASE_EN if field.type is FieldType.DATE else _PHRASE_EN
            return f"{label} {words[op]} {format_value(field, threshold, book=book)}"
        if op in ("true", "false"):
            return f"{label}: {'yes' if op == 'true' else 'no'}"
        return f"{label} {requirement(field, op, threshold, book=book)}"
    if op in SYMBOLS:
        words = _DATE_PHRASE if field.type is FieldType.DATE else _PHRASE
        return f"{field.label}{words[op]} {format_value(field, threshold)}"
    if op in ("true", "false"):
        return f"{field.label}：{'是' if op == 'true' else '否'}"
    return f"{field.label}{requirement(field, op, threshold)}"


def _result_field(expr: CompiledExpr, book: Phrasebook = ZH) -> Field:
    """A stand-in field that formats the expression's result (money in 万元, ratio in %)."""
    kind = {MONEY: FieldType.MONEY, RATIO: FieldType.PERCENT}.get(expr.type, FieldType.NUMBER)
    return Field("expr", render_expr(expr.expr, expr.fields, book=book), kind, lambda e, n, d: None)


def computed_phrase(expr: CompiledExpr, op: str, threshold: float, *, book: Phrasebook = ZH) -> str:
    """An arithmetic comparison in plain Chinese, e.g. "(现有负债 + 需求金额) ÷ 营业收入不超过 50%"."""
    field = _result_field(expr, book)
    if book.english:
        return f"{field.label} {_PHRASE_EN[op]} {format_value(field, threshold, book=book)}"
    return f"{field.label}{_PHRASE[op]} {format_value(field, threshold)}"


def computed_reason(expr: CompiledExpr, op: str, threshold: float, value: float | None, status: str,
                    detail: str, *, book: Phrasebook = ZH) -> str:
    """The reason line of an evaluated arithmetic comparison:
    "(现有负债 + 需求金额) ÷ 营业收入 = 47.2% ≤ 50% ✓"; `status` ok | missing | zero."""
    field = _result_field(expr, book)
    wanted = f"{SYMBOLS[op]} {format_value(field, threshold, book=book)}"
    english = book.english
    detail = written(detail, book)
    if status == "missing":
        if english:
            return f"{field.label}: {detail} {MISSING_EN}, required {wanted}{FAIL_MARK}"
        return f"{field.label}：{detail} {MISSING}，要求 {wanted}{FAIL_MARK}"
    if status == "zero":
        if english:
            return f"{field.label}: {detail} is 0, cannot be computed, required {wanted}, not judged"
        return f"{field.label}：{detail}为 0，无法计算，要求 {wanted}，未判断"
    passed = _holds(op, value, threshold)
    shown, limit = format_pair(field, value, threshold, book=book)
    if passed:
        return f"{field.label} = {shown} {SYMBOLS[op]} {limit}{PASS_MARK}"
    if english:
        return f"{field.label} = {shown} {FAILED_RELATION[op]} {limit}, required {SYMBOLS[op]} {limit}{FAIL_MARK}"
    return f"{field.label} = {shown} {FAILED_RELATION[op]} {limit}，要求 {SYMBOLS[op]} {limit}{FAIL_MARK}"


def _holds(op: str, value: Any, threshold: Any) -> bool:
    return {"ge": value >= threshold, "gt": value > threshold, "le": value <= threshold, "lt": value < threshold,
            "eq": value == threshold, "ne": value != threshold}[op]


def render_criterion(node: Node, fields: FieldRegistry, *, book: Phrasebook = ZH) -> str:
    """One line of plain Chinese for `node` (nested groups in parentheses)."""
    english = book.english
    if isinstance(node, ProcessStep):
        return f"{node.text} (reviewed by the institution)" if english else f"{node.text}（由机构审核）"
    if isinstance(node, Computed):
        compiled, problem = compile_expr(node.expr, fields)
        if compiled is None or isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            if english:
                return f"{render_expr(node.expr, fields, book=book)} {node.op} {node.value} (invalid value)"
            return f"{render_expr(node.expr, fields)} {node.op} {node.value}（{problem or '取值有误'}）"
        return computed_phrase(compiled, node.op, float(node.value), book=book)
    if isinstance(node, Comparison):
        field = fields.get(node.field)
        if field is None:
            return f"{node.field} {node.op} {node.value} (unknown field)" if english else \
                f"{node.field} {node.op} {node.value}（未知字段）"
        try:
            threshold = coerce_value(field, node.op, node.value)
        except ValueError:
            return f"{field_label(field, book)} {node.op} {node.value} (invalid value)" if english else \
                f"{field.label} {node.op} {node.value}（取值有误）"
        return phrase(field, node.op, threshold, book=book)
    if isinstance(node, NotOf):
        return f"Must not: {_nested(node.child, fields, book)}" if english else f"不得：{_nested(node.child, fields, book)}"
    if english:
        joiner, lead = ("; ", "All of: ") if isinstance(node, AllOf) else ("; or ", "Any of: ")
    else:
        joiner, lead = ("；", "同时满足：") if isinstance(node, AllOf) else ("；或 ", "满足其一：")
    return lead + joiner.join(_nested(child, fields, book) for child in node.children)


def _nested(node: Node, fields: FieldRegistry, book: Phrasebook = ZH) -> str:
    text = render_criterion(node, fields, book=book)
    if not isinstance(node, (AllOf, AnyOf, NotOf)):
        return text
    return f"({text})" if book.english else f"（{text}）"


def render_tree(node: Node | None, fields: FieldRegistry, indent: int = 0, *, book: Phrasebook = ZH) -> str:
    """The whole tree as indented lines, for the criteria editor's preview and product pages."""
    english = book.english
    if node is None:
        return "No conditions" if english else "无条件限制"
    pad = "  " * indent
    if isinstance(node, (AllOf, AnyOf)):
        if english:
            head = "All of the following:" if isinstance(node, AllOf) else "Any of the following:"
        else:
            head = "同时满足以下全部条件：" if isinstance(node, AllOf) else "满足以下任一条件："
        lines = [pad + "· " * bool(indent) + head]
        lines += [render_tree(child, fields, indent + 1, book=book) for child in node.children]
        return "\n".join(lines)
    if isinstance(node, NotOf):
        head = "None of the following:" if english else "不得满足："
        return "\n".join([pad + "· " * bool(indent) + head, render_tree(node.child, fields, indent + 1, book=book)])
    return pad + "· " + render_criterion(node, fields, book=book)


def comparison_reason(field: Field, op: str, threshold: Any, value: Any, passed: bool, *,
                      book: Phrasebook = ZH) -> str:
    """The reason line for one evaluated comparison: the value beside the threshold.

    E.g. "研发投入占比 2.8% < 要求 ≥ 3% ✗", "成立年限 1.5 年 ≥ 要求 ≥ 1 年 ✓"; in English
    "R&D spending share 2.8% < required ≥ 3% ✗".
    """
    if book.english:
        return _comparison_reason_en(field, op, threshold, value, passed, book)
    mark = PASS_MARK if passed else FAIL_MARK
    if value is None:
        return f"{field.label} {MISSING}，要求 {requirement(field, op, threshold)}{mark}"
    if op in SYMBOLS:
        shown, wanted = format_pair(field, value, threshold)
        relation = SYMBOLS[op] if passed else FAILED_RELATION[op]
        return f"{field.label} {shown} {relation} 要求 {SYMBOLS[op]} {wanted}{mark}"
    if op in ("true", "false"):
        return f"{field.label}：{format_value(field, value)}，要求：{requirement(field, op, threshold)}{mark}"
    if field.type is FieldType.TEXT and op == "contains":
        return f"{field.label}「{value}」，要求{requirement(field, op, threshold)}{mark}"
    return f"{field.label} {format_value(field, value)}，要求{requirement(field, op, threshold)}{mark}"


def _comparison_reason_en(field: Field, op: str, threshold: Any, value: Any, passed: bool, book: Phrasebook) -> str:
    mark = PASS_MARK if passed else FAIL_MARK
    label = field_label(field, book)
    wanted = requirement(field, op, threshold, book=book)
    if value is None:
        return f"{label} {MISSING_EN}, required {wanted}{mark}"
    if op in SYMBOLS:
        shown, limit = format_pair(field, value, threshold, book=book)
        relation = SYMBOLS[op] if passed else FAILED_RELATION[op]
        return f"{label} {shown} {relation} required {SYMBOLS[op]} {limit}{mark}"
    if op in ("true", "false"):
        return f"{label}: {format_value(field, value, book=book)}, required: {wanted}{mark}"
    if field.type is FieldType.TEXT and op == "contains":
        return f"{label} “{value}”, required: {wanted}{mark}"
    return f"{label} {format_value(field, value, book=book)}, required: {wanted}{mark}"
