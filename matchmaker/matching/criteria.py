"""The criteria language: node types, parsing from JSON, validation against the field registry.

A criteria tree (DESIGN §4) is made of nodes that all carry an `id`, the policy `text` they
come from and a `basis` (stated | inferred | process):

    {"id": "c1", "text": "研发投入占比不低于3%", "basis": "stated",
     "field": "rd_ratio", "op": "ge", "value": 3}
    {"id": "root", "all": [ ...nodes ]}      {"id": "p", "any": [ ...nodes ]}
    {"id": "n", "not": {node}}               {"id": "x", "basis": "process", "text": "名单制"}
    {"id": "d", "expr": {"op": "div", "args": [{"field": "existing_debt"}, {"field": "revenue"}]},
     "op": "le", "value": 50}                 arithmetic on fields (matching/expressions.py)

A node with basis `process` is never evaluated (bank-internal approval, 名单制): it comes back as
a caveat. Thresholds are in the field's storage unit: 元 for money, percentage points for
percent, "YYYY-MM-DD" for dates.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any, Union

from matchmaker.matching.expressions import Expr, compile_expr, expr_to_json, parse_expr
from matchmaker.matching.fields import NUMERIC_TYPES, OPERATORS_BY_TYPE, Field, FieldRegistry, FieldType

OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge", "in", "nin", "contains", "true", "false")
BASES = ("stated", "inferred", "process")
VALUELESS_OPERATORS = frozenset({"true", "false"})
#: operators an arithmetic comparison may use
EXPR_OPERATORS = ("eq", "ne", "lt", "le", "gt", "ge")
LIST_OPERATORS = frozenset({"in", "nin"})
RESERVED_ID_PREFIXES = ("platform.", "product.")

#: The failed-criteria bitmask of the vectorised path has 64 bits per pair (top-level units
#: plus platform rules, region and amount).
MAX_UNITS = 64


@dataclass(frozen=True)
class Comparison:
    id: str
    field: str
    op: str
    value: Any = None
    text: str = ""
    basis: str = "stated"


@dataclass(frozen=True)
class Computed:
    """A comparison of an arithmetic expression on fields with a number (expressions.py)."""

    id: str
    expr: Expr
    op: str
    value: Any = None
    text: str = ""
    basis: str = "stated"


@dataclass(frozen=True)
class AllOf:
    id: str
    children: tuple[Node, ...]
    text: str = ""
    basis: str = "stated"


@dataclass(frozen=True)
class AnyOf:
    id: str
    children: tuple[Node, ...]
    text: str = ""
    basis: str = "stated"


@dataclass(frozen=True)
class NotOf:
    id: str
    child: Node
    text: str = ""
    basis: str = "stated"


@dataclass(frozen=True)
class ProcessStep:
    """A criterion checked by people (名单制, bank approval): never evaluated, shown as a caveat."""

    id: str
    text: str
    basis: str = "process"


Node = Union[Comparison, Computed, AllOf, AnyOf, NotOf, ProcessStep]


class CriteriaError(ValueError):
    """A criteria tree that cannot be parsed; `problems` maps a node path or id to a message."""

    def __init__(self, problems: Mapping[str, str]) -> None:
        super().__init__("；".join(f"{k}: {v}" for k, v in problems.items()))
        self.problems = dict(problems)


def parse_criteria(raw: Any, *, path: str = "criteria") -> Node:
    """The tree described by the JSON value `raw`; raises CriteriaError listing every problem."""
    problems: dict[str, str] = {}
    node = _parse(raw, path, problems, set())
    if problems:
        raise CriteriaError(problems)
    assert node is not None
    return node


def _parse(raw: Any, path: str, problems: dict[str, str], seen: set[str]) -> Node | None:
    if not isinstance(raw, Mapping):
        problems[path] = "条件应为 JSON 对象"
        return None
    node_id = raw.get("id")
    key = node_id if isinstance(node_id, str) and node_id else path
    if not isinstance(node_id, str) or not node_id:
        problems[path] = "缺少条件编号 id"
    elif node_id in seen:
        problems[key] = f"条件编号 {node_id} 重复"
    elif node_id.startswith(RESERVED_ID_PREFIXES):
        problems[key] = f"条件编号不能以 {' 或 '.join(RESERVED_ID_PREFIXES)} 开头 (保留给平台规则和产品规则)"
    seen.add(str(node_id))
    text = raw.get("text", "")
    basis = raw.get("basis", "stated")
    if not isinstance(text, str):
        problems[key] = "text 应为文字"
        text = ""
    if basis not in BASES:
        problems[key] = f"依据 basis 应为 {' / '.join(BASES)} 之一, 而不是 {basis!r}"
        basis = "stated"
    node_id = str(node_id)
    if basis == "process":
        if not text:
            problems[key] = "流程类条件 (process) 须写明条件原文 text"
        return ProcessStep(node_id, text)
    shapes = [k for k in ("all", "any", "not", "field", "expr") if k in raw]
    if len(shapes) != 1:
        problems[key] = "条件须且只能有 all / any / not / field / expr 之一"
        return None
    shape = shapes[0]
    if shape == "expr":
        op = raw.get("op")
        if op not in EXPR_OPERATORS:
            problems[key] = f"公式条件的运算符 op 应为 {' '.join(EXPR_OPERATORS)} 之一, 而不是 {op!r}"
            return None
        expr = parse_expr(raw["expr"], f"{key}.expr", problems)
        return None if expr is None else Computed(node_id, expr, op, raw.get("value"), text, basis)
    if shape in ("all", "any"):
        items = raw[shape]
        if not isinstance(items, list) or not items:
            problems[key] = f"{shape} 应为非空列表"
            return None
        children = tuple(_parse(item, f"{path}.{shape}[{i}]", problems, seen) for i, item in enumerate(items))
        if any(c is None for c in children):
            return None
        cls = AllOf if shape == "all" else AnyOf
        return cls(node_id, children, text, basis)  # type: ignore[arg-type]
    if shape == "not":
        child = _parse(raw["not"], f"{path}.not", problems, seen)
        return None if child is None else NotOf(node_id, child, text, basis)
    field_key, op = raw.get("field"), raw.get("op")
    if not isinstance(field_key, str) or not field_key:
        problems[key] = "field 应为字段名"
        return None
    if op not in OPERATORS:
        problems[key] = f"运算符 op 应为 {' '.join(OPERATORS)} 之一, 而不是 {op!r}"
        return None
    return Comparison(node_id, field_key, op, raw.get("value"), text, basis)


def criteria_to_json(node: Node) -> dict[str, Any]:
    """The JSON form of `node` (inverse of parse_criteria)."""
    out: dict[str, Any] = {"id": node.id}
    if node.text:
        out["text"] = node.text
    out["basis"] = node.basis
    if isinstance(node, Comparison):
        out.update(field=node.field, op=node.op)
        if node.op not in VALUELESS_OPERATORS:
            out["value"] = node.value
    elif isinstance(node, Computed):
        out.update(expr=expr_to_json(node.expr), op=node.op, value=node.value)
    elif isinstance(node, (AllOf, AnyOf)):
        out["all" if isinstance(node, AllOf) else "any"] = [criteria_to_json(c) for c in node.children]
    elif isinstance(node, NotOf):
        out["not"] = criteria_to_json(node.child)
    return out


def iter_nodes(node: Node) -> Iterator[Node]:
    """Every node of the tree, parents before children."""
    yield node
    if isinstance(node, (AllOf, AnyOf)):
        for child in node.children:
            yield from iter_nodes(child)
    elif isinstance(node, NotOf):
        yield from iter_nodes(node.child)


def top_level_units(node: Node | None) -> tuple[Node, ...]:
    """The conjuncts of the tree: `all` nodes on the path from the root are flattened away.

    These are the criteria reported in `failed_criteria`: each must hold on its own, so each
    failed one is one thing to improve (an `any` that fails counts once, however many of its
    alternatives failed).
    """
    if node is None:
        return ()
    if isinstance(node, AllOf):
        return tuple(unit for child in node.children for unit in top_level_units(child))
    return (node,)


def coerce_value(field: Field, op: str, value: Any) -> Any:
    """The threshold of a comparison in the form evaluators compare against.

    Numbers become float, dates `date`, lists become tuples (in/nin), other values stay. Raises
    ValueError with a Chinese message when the value does not fit the field's type.
    """
    if op in VALUELESS_OPERATORS:
        return None
    if op in LIST_OPERATORS:
        if not isinstance(value, list) or not value:
            raise ValueError("in / nin 的值应为非空列表")
        return tuple(_coerce_scalar(field, item) for item in value)
    if field.type is FieldType.SET or (op == "contains" and field.type is FieldType.TEXT):
        if not isinstance(value, str) or not value:
            raise ValueError("contains 的值应为一个非空文字")
        return value
    return _coerce_scalar(field, value)


def _coerce_scalar(field: Field, value: Any) -> Any:
    kind = field.type
    if kind is FieldType.DATE:
        if not isinstance(value, str):
            raise ValueError(f"{field.label}的值应为日期 YYYY-MM-DD")
        try:
            return date.fromisoformat(value)
        except ValueError:
            raise ValueError(f"{field.label}的值应为日期 YYYY-MM-DD, 而不是 {value}") from None
    if kind in NUMERIC_TYPES:
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            raise ValueError(f"{field.label}的值应为数字")
        if kind is FieldType.MONEY and value < 0:
            raise ValueError(f"{field.label}的金额不能为负 (单位: 元)")
        return float(value)
    if kind is FieldType.BOOL:
        if not isinstance(value, bool):
            raise ValueError(f"{field.label}的值应为 true 或 false")
        return value
    if not isinstance(value, str):
        raise ValueError(f"{field.label}的值应为文字")
    if kind is FieldType.ENUM and field.choices and value not in field.choices:
        raise ValueError(f"{field.label}的值应为 {'、'.join(field.choices)} 之一, 而不是 {value}")
    return value


def check_comparison(node: Comparison, fields: FieldRegistry) -> str | None:
    """Why `node` cannot be evaluated against `fields` (Chinese), or None if it can."""
    field = fields.get(node.field)
    if field is None:
        return f"未知字段 {node.field}"
    if node.op not in OPERATORS_BY_TYPE[field.type]:
        allowed = " ".join(sorted(OPERATORS_BY_TYPE[field.type]))
        return f"运算符 {node.op} 不适用于{field.label} ({field.type.value} 类型; 可用: {allowed})"
    try:
        coerce_value(field, node.op, node.value)
    except ValueError as error:
        return str(error)
    return None


def check_computed(node: Computed, fields: FieldRegistry) -> str | None:
    """Why the arithmetic comparison `node` cannot be evaluated (Chinese), or None."""
    _, message = compile_expr(node.expr, fields)
    if message:
        return message
    if isinstance(node.value, bool) or not isinstance(node.value, (int, float)):
        return "公式条件的比较值应为数字 (金额以元计, 比例以百分点计, 如 50 表示 50%)"
    return None


def validate_criteria(tree: Any, fields: FieldRegistry) -> dict[str, str]:
    """Problems that stop `tree` (JSON or parsed) from evaluating: criterion id -> Chinese message.

    Checks shape, unique ids, known fields, operators that fit the field type, values of the
    right type, and that the tree has at most MAX_UNITS - 8 top-level criteria. An empty dict
    means the tree can be saved.
    """
    if tree is None:
        return {}
    if isinstance(tree, Mapping):
        try:
            tree = parse_criteria(tree)
        except CriteriaError as error:
            return error.problems
    problems: dict[str, str] = {}
    for node in iter_nodes(tree):
        if isinstance(node, Comparison):
            message = check_comparison(node, fields)
            if message:
                problems[node.id] = message
        elif isinstance(node, Computed):
            message = check_computed(node, fields)
            if message:
                problems[node.id] = message
        elif isinstance(node, NotOf) and any(isinstance(n, ProcessStep) for n in iter_nodes(node.child)):
            problems[node.id] = "「不满足」条件中不能包含流程类条件 (流程类条件不自动判断)"
    if len(top_level_units(tree)) > MAX_UNITS - 8:
        problems[tree.id] = f"并列条件最多 {MAX_UNITS - 8} 条"
    return problems
