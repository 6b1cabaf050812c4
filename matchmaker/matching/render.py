"""Plain-Chinese rendering of criteria, values and per-criterion results.

Chinese legal usage (《民法典》第一千二百五十九条: 以上、以下、以内、届满 include the number;
不满、超过、以外 exclude it) decides how an operator reads: `ge` is 不低于 / 以上(含), `gt` is
超过, `le` is 不超过 / 以下(含), `lt` is 不满 / 低于. The criteria editor shows OPERATOR_WORDS
beside each operator so the author sees which one a policy sentence means.
"""

from __future__ import annotations

from datetime import date
from typing import Any

from matchmaker.matching.criteria import AllOf, AnyOf, Comparison, Computed, Node, NotOf, ProcessStep, coerce_value
from matchmaker.matching.expressions import MONEY, RATIO, CompiledExpr, compile_expr, render_expr
from matchmaker.matching.fields import Field, FieldRegistry, FieldType

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

SYMBOLS = {"ge": "≥", "gt": ">", "le": "≤", "lt": "<", "eq": "=", "ne": "≠"}
#: the relation shown between value and threshold when a comparison failed
FAILED_RELATION = {"ge": "<", "gt": "≤", "le": ">", "lt": "≥", "eq": "≠", "ne": "="}
_PHRASE = {"ge": "不低于", "gt": "超过", "le": "不超过", "lt": "低于", "eq": "为", "ne": "不为"}
_DATE_PHRASE = {"ge": "不早于", "gt": "晚于", "le": "不晚于", "lt": "早于", "eq": "为", "ne": "不为"}

PASS_MARK, FAIL_MARK = " ✓", " ✗"
MISSING = "未填写"


def _number(value: float, decimals: int) -> str:
    text = f"{value:.{decimals}f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def format_value(field: Field, value: Any, decimals: int = 2) -> str:
    """`value` of `field` as shown to users: money in 万元, percent with %, dates ISO."""
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


def format_pair(field: Field, value: Any, threshold: Any) -> tuple[str, str]:
    """Value and threshold formatted with enough decimals that unequal numbers look unequal."""
    decimals = 2
    shown = format_value(field, value, decimals), format_value(field, threshold, decimals)
    numeric = isinstance(value, (int, float)) and isinstance(threshold, (int, float))
    while numeric and value != threshold and shown[0] == shown[1] and decimals < 8:
        decimals += 2
        shown = format_value(field, value, decimals), format_value(field, threshold, decimals)
    return shown


def _list(field: Field, values: tuple[Any, ...]) -> str:
    if field.type is FieldType.SET:  # the items of a set are plain names
        return "、".join(str(v) for v in values)
    return "、".join(format_value(field, v) for v in values)


def requirement(field: Field, op: str, threshold: Any) -> str:
    """The requirement side of a reason, e.g. "≥ 3%", "为 A、B 之一", "包含 高新技术企业"."""
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


def phrase(field: Field, op: str, threshold: Any) -> str:
    """A comparison as a plain Chinese sentence, e.g. "研发投入占比不低于 3%"."""
    if op in SYMBOLS:
        words = _DATE_PHRASE if field.type is FieldType.DATE else _PHRASE
        return f"{field.label}{words[op]} {format_value(field, threshold)}"
    if op in ("true", "false"):
        return f"{field.label}：{'是' if op == 'true' else '否'}"
    return f"{field.label}{requirement(field, op, threshold)}"


def _result_field(expr: CompiledExpr) -> Field:
    """A stand-in field that formats the expression's result (money in 万元, ratio in %)."""
    kind = {MONEY: FieldType.MONEY, RATIO: FieldType.PERCENT}.get(expr.type, FieldType.NUMBER)
    return Field("expr", render_expr(expr.expr, expr.fields), kind, lambda e, n, d: None)


def computed_phrase(expr: CompiledExpr, op: str, threshold: float) -> str:
    """An arithmetic comparison in plain Chinese, e.g. "(现有负债 + 需求金额) ÷ 营业收入不超过 50%"."""
    field = _result_field(expr)
    return f"{field.label}{_PHRASE[op]} {format_value(field, threshold)}"


def computed_reason(expr: CompiledExpr, op: str, threshold: float, value: float | None, status: str,
                    detail: str) -> str:
    """The reason line of an evaluated arithmetic comparison:
    "(现有负债 + 需求金额) ÷ 营业收入 = 47.2% ≤ 50% ✓"; `status` ok | missing | zero."""
    field = _result_field(expr)
    wanted = f"{SYMBOLS[op]} {format_value(field, threshold)}"
    if status == "missing":
        return f"{field.label}：{detail} {MISSING}，要求 {wanted}{FAIL_MARK}"
    if status == "zero":
        return f"{field.label}：{detail}为 0，无法计算，要求 {wanted}，未判断"
    passed = _holds(op, value, threshold)
    shown, limit = format_pair(field, value, threshold)
    if passed:
        return f"{field.label} = {shown} {SYMBOLS[op]} {limit}{PASS_MARK}"
    return f"{field.label} = {shown} {FAILED_RELATION[op]} {limit}，要求 {SYMBOLS[op]} {limit}{FAIL_MARK}"


def _holds(op: str, value: Any, threshold: Any) -> bool:
    return {"ge": value >= threshold, "gt": value > threshold, "le": value <= threshold, "lt": value < threshold,
            "eq": value == threshold, "ne": value != threshold}[op]


def render_criterion(node: Node, fields: FieldRegistry) -> str:
    """One line of plain Chinese for `node` (nested groups in parentheses)."""
    if isinstance(node, ProcessStep):
        return f"{node.text}（由机构审核）"
    if isinstance(node, Computed):
        compiled, problem = compile_expr(node.expr, fields)
        if compiled is None or isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
            return f"{render_expr(node.expr, fields)} {node.op} {node.value}（{problem or '取值有误'}）"
        return computed_phrase(compiled, node.op, float(node.value))
    if isinstance(node, Comparison):
        field = fields.get(node.field)
        if field is None:
            return f"{node.field} {node.op} {node.value}（未知字段）"
        try:
            threshold = coerce_value(field, node.op, node.value)
        except ValueError:
            return f"{field.label} {node.op} {node.value}（取值有误）"
        return phrase(field, node.op, threshold)
    if isinstance(node, NotOf):
        return f"不得：{_nested(node.child, fields)}"
    joiner, lead = ("；", "同时满足：") if isinstance(node, AllOf) else ("；或 ", "满足其一：")
    return lead + joiner.join(_nested(child, fields) for child in node.children)


def _nested(node: Node, fields: FieldRegistry) -> str:
    text = render_criterion(node, fields)
    return f"（{text}）" if isinstance(node, (AllOf, AnyOf, NotOf)) else text


def render_tree(node: Node | None, fields: FieldRegistry, indent: int = 0) -> str:
    """The whole tree as indented lines, for the criteria editor's preview and product pages."""
    if node is None:
        return "无条件限制"
    pad = "  " * indent
    if isinstance(node, (AllOf, AnyOf)):
        head = "同时满足以下全部条件：" if isinstance(node, AllOf) else "满足以下任一条件："
        lines = [pad + "· " * bool(indent) + head]
        lines += [render_tree(child, fields, indent + 1) for child in node.children]
        return "\n".join(lines)
    if isinstance(node, NotOf):
        return "\n".join([pad + "· " * bool(indent) + "不得满足：", render_tree(node.child, fields, indent + 1)])
    return pad + "· " + render_criterion(node, fields)


def comparison_reason(field: Field, op: str, threshold: Any, value: Any, passed: bool) -> str:
    """The reason line for one evaluated comparison: the value beside the threshold.

    E.g. "研发投入占比 2.8% < 要求 ≥ 3% ✗", "成立年限 1.5 年 ≥ 要求 ≥ 1 年 ✓".
    """
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
