"""JSON formats of products, policies, platform rules, enterprises and needs (docs/formats.md).

Readers are strict: an unknown key, a wrong type or a bad date raises `FormatError` with the
JSON path of the problem ("enterprises[3].established") and a Chinese message, so the CLI and
importers can say exactly what to fix.
"""

from __future__ import annotations

import types
import typing
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date
from typing import Any

from matchmaker.matching.criteria import CriteriaError, Node, parse_criteria
from matchmaker.matching.expressions import parse_expr
from matchmaker.matching.fields import Field, FieldRegistry, FieldType, custom_field, default_fields, need_custom_field
from matchmaker.matching.model import (
    KINDS,
    SIZE_CLASSES,
    TAX_RATINGS,
    AmountRule,
    AmountTier,
    EnterpriseProfile,
    FinancingNeed,
    PlatformRule,
    Policy,
    Product,
    Region,
    TermRule,
)


class FormatError(ValueError):
    """Input that does not follow docs/formats.md; the message names the JSON path."""

    def __init__(self, path: str, message: str) -> None:
        super().__init__(f"{path}: {message}")
        self.path = path


def _object(raw: Any, path: str, allowed: set[str], required: set[str] = frozenset()) -> Mapping[str, Any]:
    if not isinstance(raw, Mapping):
        raise FormatError(path, "应为 JSON 对象")
    unknown = sorted(set(raw) - allowed)
    if unknown:
        raise FormatError(path, f"未知的键 {', '.join(unknown)}")
    missing = sorted(k for k in required if raw.get(k) in (None, ""))
    if missing:
        raise FormatError(path, f"缺少 {', '.join(missing)}")
    return raw


def _list(raw: Any, path: str) -> list[Any]:
    if not isinstance(raw, list):
        raise FormatError(path, "应为 JSON 列表")
    return raw


def _date(raw: Any, path: str) -> date:
    if not isinstance(raw, str):
        raise FormatError(path, "日期应写作 \"YYYY-MM-DD\"")
    try:
        return date.fromisoformat(raw)
    except ValueError:
        raise FormatError(path, f"日期应写作 YYYY-MM-DD, 而不是 {raw}") from None


def _value(raw: Any, annotation: Any, path: str) -> Any:
    """`raw` checked against a dataclass field annotation (int, float, bool, str, date, tuple[str, ...])."""
    if raw is None:
        return None
    options = typing.get_args(annotation) if isinstance(annotation, types.UnionType) else (annotation,)
    kind = next(o for o in options if o is not type(None))
    if kind is bool:
        if not isinstance(raw, bool):
            raise FormatError(path, "应为 true 或 false")
        return raw
    if kind is int:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise FormatError(path, "应为整数 (金额以元为单位)")
        return raw
    if kind is float:
        if isinstance(raw, bool) or not isinstance(raw, (int, float)):
            raise FormatError(path, "应为数字")
        return float(raw)
    if kind is str:
        if not isinstance(raw, str):
            raise FormatError(path, "应为文字")
        return raw
    if kind is date:
        return _date(raw, path)
    items = _list(raw, path)
    if not all(isinstance(item, str) for item in items):
        raise FormatError(path, "应为文字列表")
    return tuple(items)


def _criteria(raw: Any, path: str) -> Node | None:
    if raw is None:
        return None
    try:
        return parse_criteria(raw, path=path)
    except CriteriaError as error:
        key, message = next(iter(error.problems.items()))
        raise FormatError(f"{path} ({key})", message) from None


# ---- products, policies, rules ------------------------------------------------------------

def amount_rule_from_json(raw: Any, path: str) -> AmountRule | None:
    if raw is None:
        return None
    obj = _object(raw, path, {"max", "min", "tiers", "share", "expr"})
    tiers = []
    for i, tier in enumerate(_list(obj.get("tiers", []), f"{path}.tiers")):
        t = _object(tier, f"{path}.tiers[{i}]", {"max", "when", "label"}, {"max"})
        tiers.append(AmountTier(_value(t["max"], int, f"{path}.tiers[{i}].max"),
                                _criteria(t.get("when"), f"{path}.tiers[{i}].when"),
                                _value(t.get("label", ""), str, f"{path}.tiers[{i}].label")))
    share_field = share_percent = None
    if obj.get("share") is not None:
        share = _object(obj["share"], f"{path}.share", {"field", "percent"}, {"field", "percent"})
        share_field = _value(share["field"], str, f"{path}.share.field")
        share_percent = _value(share["percent"], float, f"{path}.share.percent")
    expr = None
    if obj.get("expr") is not None:
        problems: dict[str, str] = {}
        expr = parse_expr(obj["expr"], f"{path}.expr", problems)
        if problems:
            key, message = next(iter(problems.items()))
            raise FormatError(key, message)
    return AmountRule(_value(obj.get("max"), int | None, f"{path}.max"), tuple(tiers), share_field, share_percent,
                      _value(obj.get("min"), int | None, f"{path}.min"), expr)


def _term(raw: Any, path: str) -> TermRule | None:
    if raw is None:
        return None
    obj = _object(raw, path, {"min_months", "max_months"})
    return TermRule(_value(obj.get("min_months"), int | None, f"{path}.min_months"),
                    _value(obj.get("max_months"), int | None, f"{path}.max_months"))


def product_from_json(raw: Any, path: str = "product") -> Product:
    obj = _object(raw, path, {"id", "name", "provider", "kind", "criteria", "amount", "term", "regions",
                              "industry_chains", "policy_instruments", "rate"}, {"id", "name", "kind"})
    if obj["kind"] not in KINDS:
        raise FormatError(f"{path}.kind", f"产品类型应为 {' / '.join(KINDS)} 之一")
    return Product(
        id=_value(obj["id"], str, f"{path}.id"), name=_value(obj["name"], str, f"{path}.name"),
        provider=_value(obj.get("provider", ""), str, f"{path}.provider"), kind=obj["kind"],
        criteria=_criteria(obj.get("criteria"), f"{path}.criteria"),
        amount=amount_rule_from_json(obj.get("amount"), f"{path}.amount"), term=_term(obj.get("term"), f"{path}.term"),
        regions=_value(obj.get("regions", []), tuple[str, ...], f"{path}.regions"),
        industry_chains=_value(obj.get("industry_chains", []), tuple[str, ...], f"{path}.industry_chains"),
        policy_instruments=_value(obj.get("policy_instruments", []), tuple[str, ...], f"{path}.policy_instruments"),
        rate=_value(obj.get("rate"), str | None, f"{path}.rate"),
    )


def policy_from_json(raw: Any, path: str = "policy") -> Policy:
    obj = _object(raw, path, {"id", "name", "issuer", "criteria", "amount", "regions", "industry_chains", "support"},
                  {"id", "name"})
    return Policy(
        id=_value(obj["id"], str, f"{path}.id"), name=_value(obj["name"], str, f"{path}.name"),
        issuer=_value(obj.get("issuer", ""), str, f"{path}.issuer"),
        criteria=_criteria(obj.get("criteria"), f"{path}.criteria"),
        amount=amount_rule_from_json(obj.get("amount"), f"{path}.amount"),
        regions=_value(obj.get("regions", []), tuple[str, ...], f"{path}.regions"),
        industry_chains=_value(obj.get("industry_chains", []), tuple[str, ...], f"{path}.industry_chains"),
        support=_value(obj.get("support"), str | None, f"{path}.support"),
    )


def platform_rule_from_json(raw: Any, path: str = "platform_rule") -> PlatformRule:
    obj = _object(raw, path, {"id", "text", "criteria", "applies_to_policies"}, {"id", "text", "criteria"})
    criteria = _criteria(obj["criteria"], f"{path}.criteria")
    assert criteria is not None
    return PlatformRule(_value(obj["id"], str, f"{path}.id"), _value(obj["text"], str, f"{path}.text"), criteria,
                        _value(obj.get("applies_to_policies", True), bool, f"{path}.applies_to_policies"))


def custom_field_from_json(raw: Any, path: str = "custom_field") -> Field:
    obj = _object(raw, path, {"name", "type", "label", "unit", "choices", "target"}, {"name", "type"})
    try:
        kind = FieldType(obj["type"])
    except ValueError:
        raise FormatError(f"{path}.type", f"类型应为 {' / '.join(t.value for t in FieldType)} 之一") from None
    target = _value(obj.get("target", "profile"), str, f"{path}.target")
    if target not in ("profile", "need"):
        raise FormatError(f"{path}.target", "应为 profile（企业画像）或 need（融资需求）")
    # a field declared on needs is need.custom.<name>, read from the need's `custom`
    return (need_custom_field if target == "need" else custom_field)(_value(obj["name"], str, f"{path}.name"), kind,
                        label=_value(obj.get("label"), str | None, f"{path}.label"),
                        unit=_value(obj.get("unit", ""), str, f"{path}.unit"),
                        choices=_value(obj.get("choices", []), tuple[str, ...], f"{path}.choices"))


@dataclass(frozen=True)
class Catalogue:
    """A products file: offers, the organizer's platform rules and custom field declarations."""

    products: tuple[Product, ...]
    policies: tuple[Policy, ...] = ()
    platform_rules: tuple[PlatformRule, ...] = ()
    fields: FieldRegistry = default_fields()


def catalogue_from_json(raw: Any, path: str = "products") -> Catalogue:
    """A bare list of products, or {"products", "policies", "platform_rules", "custom_fields"}."""
    if isinstance(raw, list):
        raw = {"products": raw}
    obj = _object(raw, path, {"products", "policies", "platform_rules", "custom_fields"})
    products = [product_from_json(p, f"{path}.products[{i}]")
                for i, p in enumerate(_list(obj.get("products", []), f"{path}.products"))]
    policies = [policy_from_json(p, f"{path}.policies[{i}]")
                for i, p in enumerate(_list(obj.get("policies", []), f"{path}.policies"))]
    rules = [platform_rule_from_json(r, f"{path}.platform_rules[{i}]")
             for i, r in enumerate(_list(obj.get("platform_rules", []), f"{path}.platform_rules"))]
    custom = [custom_field_from_json(f, f"{path}.custom_fields[{i}]")
              for i, f in enumerate(_list(obj.get("custom_fields", []), f"{path}.custom_fields"))]
    ids = [o.id for o in [*products, *policies]]
    duplicates = sorted({i for i in ids if ids.count(i) > 1})
    if duplicates:
        raise FormatError(path, f"产品/政策编号重复: {', '.join(duplicates)}")
    return Catalogue(tuple(products), tuple(policies), tuple(rules), default_fields().with_custom(custom))


# ---- enterprises and needs ----------------------------------------------------------------

_CHOICES = {"size_class": SIZE_CLASSES, "tax_rating": TAX_RATINGS}


def _hints(cls: type) -> dict[str, Any]:
    return typing.get_type_hints(cls)


def need_from_json(raw: Any, path: str = "need") -> FinancingNeed:
    hints = _hints(FinancingNeed)
    obj = _object(raw, path, set(hints), {"id", "kind"})
    if obj["kind"] not in KINDS:
        raise FormatError(f"{path}.kind", f"需求类型应为 {' / '.join(KINDS)} 之一")
    values = {key: _value(value, hints[key], f"{path}.{key}") for key, value in obj.items() if key != "custom"}
    if "custom" in obj:  # the organizer's need fields, as the enterprise's custom fields
        custom = obj["custom"]
        values["custom"] = dict(_object(custom, f"{path}.custom", set(custom) if isinstance(custom, Mapping) else set()))
    return FinancingNeed(**values)


def enterprise_from_json(raw: Any, path: str = "enterprise") -> tuple[EnterpriseProfile, tuple[FinancingNeed, ...]]:
    """One enterprise profile and its needs (key "needs", optional)."""
    hints = _hints(EnterpriseProfile)
    allowed = (set(hints) - {"qualification_valid_until"}) | {"needs"}
    obj = _object(raw, path, allowed, {"uscc", "name"})
    values: dict[str, Any] = {}
    for key, value in obj.items():
        where = f"{path}.{key}"
        if key == "needs":
            continue
        if key == "region":
            region = _object(value, where, {"province", "city", "district"})
            values["region"] = Region(**{k: _value(v, str | None, f"{where}.{k}") for k, v in region.items()})
        elif key == "qualifications":
            values["qualifications"], values["qualification_valid_until"] = _qualifications(value, where)
        elif key == "custom":
            values["custom"] = dict(_object(value, where, set(value) if isinstance(value, Mapping) else set()))
        else:
            values[key] = _value(value, hints[key], where)
            if key in _CHOICES and value is not None and value not in _CHOICES[key]:
                raise FormatError(where, f"应为 {'、'.join(_CHOICES[key])} 之一")
    needs = tuple(need_from_json(n, f"{path}.needs[{i}]") for i, n in enumerate(_list(obj.get("needs", []), f"{path}.needs")))
    ids = [n.id for n in needs]
    if len(set(ids)) != len(ids):
        raise FormatError(f"{path}.needs", "需求编号重复")
    return EnterpriseProfile(**values), needs


def _qualifications(raw: Any, path: str) -> tuple[dict[str, date], dict[str, date]]:
    """{"高新技术企业": "2023-11-20"} or {"高新技术企业": {"obtained": …, "valid_until": …}}."""
    if not isinstance(raw, Mapping):
        raise FormatError(path, "应为 资质名 → 取得日期 的对象")
    obtained, valid_until = {}, {}
    for name, value in raw.items():
        where = f"{path}.{name}"
        if isinstance(value, Mapping):
            entry = _object(value, where, {"obtained", "valid_until"}, {"obtained"})
            obtained[name] = _date(entry["obtained"], f"{where}.obtained")
            if entry.get("valid_until") is not None:
                valid_until[name] = _date(entry["valid_until"], f"{where}.valid_until")
        else:
            obtained[name] = _date(value, where)
    return obtained, valid_until


def enterprises_from_json(raw: Any, path: str = "enterprises") -> list[tuple[EnterpriseProfile, tuple[FinancingNeed, ...]]]:
    rows = [enterprise_from_json(e, f"{path}[{i}]") for i, e in enumerate(_list(raw, path))]
    usccs = [e.uscc for e, _ in rows]
    duplicates = sorted({u for u in usccs if usccs.count(u) > 1})
    if duplicates:
        raise FormatError(path, f"统一社会信用代码重复: {', '.join(duplicates)}")
    return rows
