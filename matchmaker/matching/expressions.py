"""Arithmetic in criteria: fields combined with + − × ÷, min and max, and numbers.

An expression is JSON structure, never a string to evaluate:

    3                                   a number
    {"percent": 50}                     50% (the number 0.5, shown as 50%)
    {"field": "revenue"}                a numeric field of the registry
    {"op": "add", "args": [e1, e2, …]}  add / mul / min / max take two or more arguments,
    {"op": "div", "args": [e1, e2]}     sub / div exactly two

Types: a money field is money (元), a number field a plain number, a percent field the ratio
it states (3% is 0.03). money ± money is money, a number beside money in + − min max is 元;
money × ratio or × a number is money; X ÷ X (same type) is a ratio; money ÷ number is money.
money × money, money ± ratio and the like are refused. A ratio result is compared in
percentage points ("value": 50 is 50%), money in 元, numbers as they are.

Evaluation: a missing field value makes the expression 未填写 (the comparison fails, as for a
plain field); a divisor that is 0 makes it 无法计算 (the comparison is not judged: a caveat,
never a crash). `evaluate_scalar` (per pair) and `evaluate_columns` (vectorised) apply the same
float64 operations in the same order, so both paths agree to the last bit.
"""

from __future__ import annotations

import math
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Union

import numpy as np

from matchmaker.matching.fields import Field, FieldRegistry, FieldType
from matchmaker.matching.phrases import ZH, Phrasebook, field_label, say

EXPR_OPS = ("add", "sub", "mul", "div", "min", "max")
BINARY_OPS = frozenset({"sub", "div"})
SYMBOL = {"add": "+", "sub": "−", "mul": "×", "div": "÷"}
FUNCTION_WORD = {"min": "较小值", "max": "较大值"}
FUNCTION_WORD_EN = {"min": "min", "max": "max"}
_PRECEDENCE = {"add": 1, "sub": 1, "mul": 2, "div": 2}

MONEY, NUMBER, RATIO = "money", "number", "ratio"
TYPE_WORDS = {MONEY: "金额", NUMBER: "数值", RATIO: "比例"}
_FIELD_TYPES = {FieldType.MONEY: MONEY, FieldType.NUMBER: NUMBER, FieldType.PERCENT: RATIO}

#: how deep an expression may nest (editor-built ones are shallow; this bounds the recursion)
MAX_DEPTH = 8

OK, MISSING, ZERO = "ok", "missing", "zero"


@dataclass(frozen=True)
class Num:
    value: float
    percent: bool = False  # written {"percent": v}: the number v / 100, shown as v%

    @property
    def number(self) -> float:
        return self.value / 100 if self.percent else self.value


@dataclass(frozen=True)
class Ref:
    field: str


@dataclass(frozen=True)
class Op:
    op: str
    args: tuple[Expr, ...]


Expr = Union[Num, Ref, Op]


def parse_expr(raw: Any, path: str, problems: dict[str, str], depth: int = 0) -> Expr | None:
    """The expression described by `raw`; problems (Chinese) are collected under `path`."""
    if depth > MAX_DEPTH:
        problems[path] = f"公式嵌套不能超过 {MAX_DEPTH} 层"
        return None
    if isinstance(raw, bool):
        problems[path] = "公式中的值应为数字、字段或运算"
        return None
    if isinstance(raw, (int, float)):
        if not math.isfinite(raw):
            problems[path] = "数字应为有限值"
            return None
        return Num(float(raw))
    if not isinstance(raw, Mapping):
        problems[path] = "公式中的值应为数字、字段 {\"field\": …} 或运算 {\"op\": …, \"args\": […]}"
        return None
    keys = set(raw)
    if keys == {"percent"}:
        value = raw["percent"]
        if isinstance(value, bool) or not isinstance(value, (int, float)) or not math.isfinite(value):
            problems[path] = "百分数 percent 应为数字"
            return None
        return Num(float(value), percent=True)
    if keys == {"field"}:
        if not isinstance(raw["field"], str) or not raw["field"]:
            problems[path] = "field 应为字段名"
            return None
        return Ref(raw["field"])
    if keys == {"op", "args"}:
        op, args = raw["op"], raw["args"]
        if op not in EXPR_OPS:
            problems[path] = f"公式运算 op 应为 {' '.join(EXPR_OPS)} 之一, 而不是 {op!r}"
            return None
        if not isinstance(args, list):
            problems[path] = "args 应为列表"
            return None
        if op in BINARY_OPS and len(args) != 2:
            problems[path] = f"{op} 须有两个参数"
            return None
        if len(args) < 2:
            problems[path] = f"{op} 至少需要两个参数"
            return None
        parsed = [parse_expr(arg, f"{path}.args[{i}]", problems, depth + 1) for i, arg in enumerate(args)]
        if any(p is None for p in parsed):
            return None
        return Op(op, tuple(parsed))  # type: ignore[arg-type]
    problems[path] = "公式的每一项应为数字、{\"percent\": …}、{\"field\": …} 或 {\"op\": …, \"args\": […]}"
    return None


def expr_to_json(expr: Expr) -> Any:
    """The JSON form of `expr` (inverse of parse_expr)."""
    if isinstance(expr, Num):
        if expr.percent:
            return {"percent": _plain(expr.value)}
        return _plain(expr.value)
    if isinstance(expr, Ref):
        return {"field": expr.field}
    return {"op": expr.op, "args": [expr_to_json(a) for a in expr.args]}


def _plain(value: float) -> int | float:
    return int(value) if value.is_integer() else value


def field_keys(expr: Expr) -> tuple[str, ...]:
    """The field keys `expr` reads, in order of first appearance."""
    if isinstance(expr, Ref):
        return (expr.field,)
    if isinstance(expr, Op):
        return tuple(dict.fromkeys(k for a in expr.args for k in field_keys(a)))
    return ()


@dataclass(frozen=True)
class CompiledExpr:
    """An expression with its fields resolved and its result type (money | number | ratio)."""

    expr: Expr
    type: str
    fields: Mapping[str, Field]
    key: tuple[Any, ...]
    uses_need: bool


def compile_expr(expr: Expr, fields: FieldRegistry) -> tuple[CompiledExpr | None, str | None]:
    """(compiled, None) or (None, why it cannot be evaluated, in Chinese)."""
    resolved: dict[str, Field] = {}
    for key in field_keys(expr):
        field = fields.get(key)
        if field is None:
            return None, f"未知字段 {key}"
        if field.type not in _FIELD_TYPES:
            return None, f"{field.label}不是数值字段, 不能用于计算 (可用金额、数值、百分比字段)"
        resolved[key] = field
    try:
        kind = _type_of(expr, resolved)
    except ValueError as error:
        return None, str(error)
    if kind is None:
        return None, "公式中至少要有一个字段"
    key = ("expr", _key(expr))
    return CompiledExpr(expr, kind, resolved, key, any(f.needs_need for f in resolved.values())), None


def _key(expr: Expr) -> Any:
    if isinstance(expr, Num):
        return expr.number
    if isinstance(expr, Ref):
        return expr.field
    return (expr.op, *(_key(a) for a in expr.args))


def _type_of(expr: Expr, fields: Mapping[str, Field]) -> str | None:
    """The result type; None for a bare number (it takes the type of what it is combined with)."""
    if isinstance(expr, Num):
        return RATIO if expr.percent else None
    if isinstance(expr, Ref):
        return _FIELD_TYPES[fields[expr.field].type]
    types = [_type_of(a, fields) for a in expr.args]
    if expr.op in ("add", "sub", "min", "max"):
        typed = set(t for t in types if t is not None)
        if len(typed) > 1:
            words = "、".join(TYPE_WORDS[t] for t in sorted(typed))
            raise ValueError(f"{render_expr(expr, fields)}：{words}不能{_verb(expr.op)}")
        return typed.pop() if typed else None
    if expr.op == "mul":
        result: str | None = None
        for t in types:
            if t is None or t == RATIO:
                continue
            if result is None or (result == NUMBER and t == NUMBER):
                result = t
            elif {result, t} == {MONEY, NUMBER}:
                result = MONEY
            else:
                raise ValueError(f"{render_expr(expr, fields)}：金额与金额不能相乘")
        if result is None:
            return RATIO if RATIO in types else None
        return result
    top, bottom = types
    if bottom is None or bottom == RATIO:
        return top if top is not None else (None if bottom is None else RATIO)
    if top == bottom:
        return RATIO
    if top == MONEY and bottom == NUMBER:
        return MONEY
    raise ValueError(f"{render_expr(expr, fields)}：{TYPE_WORDS.get(top or NUMBER)}不能除以{TYPE_WORDS[bottom]}")


def _verb(op: str) -> str:
    return {"add": "相加", "sub": "相减", "min": "比较大小", "max": "比较大小"}[op]


def _as_number(field: Field, value: Any) -> float:
    return float(value) / 100 if field.type is FieldType.PERCENT else float(value)


# ---- evaluation -------------------------------------------------------------------------------

def evaluate_scalar(compiled: CompiledExpr, value_of: Callable[[Field], Any]) -> tuple[float | None, str, str]:
    """(value, status, zero divisor rendered) for one pair; status ok | missing | zero.

    A ratio's value is returned in percentage points (×100), as comparisons read it.
    """
    for field in compiled.fields.values():
        if value_of(field) is None:
            return None, MISSING, say(lambda book, field=field: field_label(field, book))
    zeros: list[str] = []

    def walk(expr: Expr) -> float:
        if isinstance(expr, Num):
            return expr.number
        if isinstance(expr, Ref):
            field = compiled.fields[expr.field]
            return _as_number(field, value_of(field))
        values = [walk(a) for a in expr.args]
        if expr.op == "div":
            top, bottom = values
            if bottom == 0:
                divisor = expr.args[1]
                zeros.append(say(lambda book: render_expr(divisor, compiled.fields, book=book)))
                return math.nan
            return top / bottom
        return _fold(expr.op, values)

    result = walk(compiled.expr)
    if zeros:
        return None, ZERO, zeros[0]
    if compiled.type == RATIO:
        result = result * 100
    return result, OK, ""


def _fold(op: str, values: list[Any]) -> Any:
    out = values[0]
    for value in values[1:]:
        if op == "add":
            out = out + value
        elif op == "sub":
            out = out - value
        elif op == "mul":
            out = out * value
        elif op == "min":
            out = np.minimum(out, value) if isinstance(out, np.ndarray) or isinstance(value, np.ndarray) \
                else min(out, value)
        else:
            out = np.maximum(out, value) if isinstance(out, np.ndarray) or isinstance(value, np.ndarray) \
                else max(out, value)
    return out


def evaluate_columns(compiled: CompiledExpr, column_of: Callable[[Field], tuple[np.ndarray, np.ndarray]],
                     size: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(values, missing, zero) for all rows: float64 values (ratios in percentage points),
    rows with a field missing, rows (with every field present) where a divisor is 0."""
    missing = np.zeros(size, bool)
    for field in compiled.fields.values():
        missing |= ~column_of(field)[1]
    zero = np.zeros(size, bool)

    def walk(expr: Expr) -> np.ndarray:
        if isinstance(expr, Num):
            return np.full(size, expr.number)
        if isinstance(expr, Ref):
            field = compiled.fields[expr.field]
            values = column_of(field)[0]
            return values / 100 if field.type is FieldType.PERCENT else values
        values = [walk(a) for a in expr.args]
        if expr.op == "div":
            top, bottom = values
            is_zero = bottom == 0
            zero[...] |= is_zero
            with np.errstate(divide="ignore", invalid="ignore"):
                return np.where(is_zero, np.nan, top / np.where(is_zero, 1.0, bottom))
        with np.errstate(all="ignore"):
            return _fold(expr.op, values)

    result = walk(compiled.expr)
    if compiled.type == RATIO:
        result = result * 100
    return result, missing, zero & ~missing


# ---- rendering --------------------------------------------------------------------------------

def render_expr(expr: Expr, fields: Mapping[str, Field] | FieldRegistry, parent: int = 0, right: bool = False,
                *, book: Phrasebook = ZH) -> str:
    """Plain Chinese infix: "(现有负债 + 需求金额) ÷ 营业收入", "较小值(最近估值 × 50%, 1000)"
    (English labels and min / max with the English book)."""
    if isinstance(expr, Num):
        return f"{_plain(expr.value)}%" if expr.percent else f"{_plain(expr.value)}"
    if isinstance(expr, Ref):
        field = fields.get(expr.field)
        return field_label(field, book) if field is not None else expr.field
    if expr.op in FUNCTION_WORD:
        word = (FUNCTION_WORD_EN if book.english else FUNCTION_WORD)[expr.op]
        return f"{word}({', '.join(render_expr(a, fields, book=book) for a in expr.args)})"
    level = _PRECEDENCE[expr.op]
    parts = [render_expr(a, fields, level, right=i > 0 and expr.op in BINARY_OPS, book=book)
             for i, a in enumerate(expr.args)]
    text = f" {SYMBOL[expr.op]} ".join(parts)
    if level < parent or (right and level == parent):
        return f"({text})"
    return text
