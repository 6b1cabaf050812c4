"""Reading the platform's own export (`matchmaker.registry/1`) into the engine's dataclasses.

`python -m matchmaker export products|policies|enterprises|needs FILE.json` writes documents
`{"format": "matchmaker.registry/1", "kind": …, "items": [...]}` keyed by the registry columns
(docs/formats.md, "Registries: import and export files"). `python -m matchmaker eligibility`
reads them through this module, so an organizer can judge the platform's data outside it.

Only what the platform itself would match is kept: published products and policies (a policy
also only within its validity on the as-of date), needs that are open or in talks. Keys that do
not bear on eligibility (contacts, descriptions, urgency) are read and ignored; any other key is
refused like in every matching format.
"""

from __future__ import annotations

import typing
from collections.abc import Mapping
from datetime import date
from typing import Any

from matchmaker.matching.fields import FieldType, default_fields, list_field
from matchmaker.matching.formats import (
    Catalogue,
    FormatError,
    _criteria,
    _date,
    _list,
    _object,
    _qualifications,
    _value,
    amount_rule_from_json,
    custom_field_from_json,
    platform_rule_from_json,
)
from matchmaker.matching.model import (
    KINDS,
    SIZE_CLASSES,
    TAX_RATINGS,
    EnterpriseProfile,
    FinancingNeed,
    Policy,
    Product,
    Region,
    TermRule,
)

FORMAT = "matchmaker.registry/1"

#: Statuses the platform matches: offers that are published, needs still seeking money.
PUBLISHED = "published"
SEEKING = ("open", "in_talks")

_PRODUCT_KEYS = {"institution", "name", "kind", "description", "term_min_months", "term_max_months", "rate_text",
                 "regions", "industry_chains", "policy_instruments", "amount_rule", "criteria", "status"}
_POLICY_KEYS = {"name", "instrument", "support", "description", "regions", "industry_chains", "valid_from",
                "valid_until", "amount_rule", "criteria", "status"}
_NEED_KEYS = {"enterprise_uscc", "title", "kind", "amount", "term_months", "purpose_category", "purpose",
              "collateral", "collateral_value", "acceptable_rate", "pledged_ip_remaining_years", "pledged_ip_value",
              "urgency", "status"}
#: enterprise columns that do not bear on eligibility
_IGNORED_ENTERPRISE_KEYS = {"contact_name", "contact_phone", "contact_email"}
#: enterprise column key -> EnterpriseProfile attribute, where they differ
_RENAMED = {"established_on": "established", "industry_code": "industry"}
_REGION_KEYS = ("province", "city", "district")
_CUSTOM_TYPES = {t.value for t in FieldType}


def is_registry_document(raw: Any) -> bool:
    return isinstance(raw, Mapping) and raw.get("format") == FORMAT


def _document(raw: Any, path: str, kinds: tuple[str, ...]) -> Mapping[str, Any]:
    obj = _object(raw, path, {"format", "kind", "items", "custom_fields", "platform_rules", "lists"},
                  {"format", "kind"})
    if obj["kind"] not in kinds:
        raise FormatError(f"{path}.kind", f"此处应为 {' 或 '.join(kinds)} 的导出文件，而不是 {obj['kind']}")
    return obj


def _text(raw: Any, path: str) -> str | None:
    value = _value(raw, str | None, path)
    return value or None  # exports write 未填写 text as ""


def catalogue_from_registry(raw: Any, path: str = "products", *, as_of: date) -> Catalogue:
    """A products or policies export; its `custom_fields` and `platform_rules` come along."""
    obj = _document(raw, path, ("products", "policies"))
    custom = []
    for i, declared in enumerate(_list(obj.get("custom_fields", []), f"{path}.custom_fields")):
        if isinstance(declared, Mapping) and declared.get("type") not in _CUSTOM_TYPES:
            continue  # a registry field type the engine does not test (skipped as on the platform)
        custom.append(custom_field_from_json(declared, f"{path}.custom_fields[{i}]"))
    rules = tuple(platform_rule_from_json(r, f"{path}.platform_rules[{i}]")
                  for i, r in enumerate(_list(obj.get("platform_rules", []), f"{path}.platform_rules")))
    # the organizer's lists (名单), so that criteria on list.<key> read as on the platform
    declared_lists = []
    for i, item in enumerate(_list(obj.get("lists", []), f"{path}.lists")):
        where = f"{path}.lists[{i}]"
        entry = _object(item, where, {"key", "name", "kind", "valid_from", "valid_until"}, {"key"})
        declared_lists.append(list_field(_value(entry["key"], str, f"{where}.key"),
                                         label=_text(entry.get("name"), f"{where}.name")))
    products: list[Product] = []
    policies: list[Policy] = []
    seen: dict[str, int] = {}

    def unique(name: str) -> str:
        seen[name] = seen.get(name, 0) + 1
        return name if seen[name] == 1 else f"{name}#{seen[name]}"

    for i, item in enumerate(_list(obj.get("items", []), f"{path}.items")):
        where = f"{path}.items[{i}]"
        if obj["kind"] == "products":
            product = _product(item, where, unique)
            if product is not None:
                products.append(product)
        else:
            policy = _policy(item, where, unique, as_of)
            if policy is not None:
                policies.append(policy)
    return Catalogue(tuple(products), tuple(policies), rules,
                     default_fields().with_custom(custom).with_lists(declared_lists))


def _product(item: Any, where: str, unique: typing.Callable[[str], str]) -> Product | None:
    obj = _object(item, where, _PRODUCT_KEYS, {"institution", "name", "kind"})
    if obj.get("status", PUBLISHED) != PUBLISHED:
        return None
    if obj["kind"] not in KINDS:
        raise FormatError(f"{where}.kind", f"产品类型应为 {' / '.join(KINDS)} 之一")
    institution = _value(obj["institution"], str, f"{where}.institution")
    name = _value(obj["name"], str, f"{where}.name")
    low = _value(obj.get("term_min_months"), int | None, f"{where}.term_min_months")
    high = _value(obj.get("term_max_months"), int | None, f"{where}.term_max_months")
    return Product(
        id=unique(f"{institution}/{name}"), name=name, provider=institution, kind=obj["kind"],
        criteria=_criteria(obj.get("criteria"), f"{where}.criteria"),
        amount=amount_rule_from_json(obj.get("amount_rule"), f"{where}.amount_rule"),
        term=TermRule(low, high) if low is not None or high is not None else None,
        regions=_value(obj.get("regions") or [], tuple[str, ...], f"{where}.regions"),
        industry_chains=_value(obj.get("industry_chains") or [], tuple[str, ...], f"{where}.industry_chains"),
        policy_instruments=_value(obj.get("policy_instruments") or [], tuple[str, ...],
                                  f"{where}.policy_instruments"),
        rate=_text(obj.get("rate_text"), f"{where}.rate_text"),
    )


def _policy(item: Any, where: str, unique: typing.Callable[[str], str], as_of: date) -> Policy | None:
    obj = _object(item, where, _POLICY_KEYS, {"name"})
    if obj.get("status", PUBLISHED) != PUBLISHED:
        return None
    starts = _date(obj["valid_from"], f"{where}.valid_from") if obj.get("valid_from") else None
    ends = _date(obj["valid_until"], f"{where}.valid_until") if obj.get("valid_until") else None
    if (starts is not None and as_of < starts) or (ends is not None and as_of > ends):
        return None
    name = _value(obj["name"], str, f"{where}.name")
    return Policy(
        id=unique(name), name=name, issuer=_text(obj.get("instrument"), f"{where}.instrument") or "",
        criteria=_criteria(obj.get("criteria"), f"{where}.criteria"),
        amount=amount_rule_from_json(obj.get("amount_rule"), f"{where}.amount_rule"),
        regions=_value(obj.get("regions") or [], tuple[str, ...], f"{where}.regions"),
        industry_chains=_value(obj.get("industry_chains") or [], tuple[str, ...], f"{where}.industry_chains"),
        support=_text(obj.get("support"), f"{where}.support"),
    )


def enterprises_from_registry(raw: Any, path: str = "enterprises",
                              needs: Any = None, needs_path: str = "needs",
                              ) -> list[tuple[EnterpriseProfile, tuple[FinancingNeed, ...]]]:
    """An enterprises export, with the needs of a needs export (optional) attached by USCC."""
    obj = _document(raw, path, ("enterprises",))
    hints = typing.get_type_hints(EnterpriseProfile)
    rows: list[EnterpriseProfile] = []
    for i, item in enumerate(_list(obj.get("items", []), f"{path}.items")):
        rows.append(_enterprise(item, f"{path}.items[{i}]", hints))
    usccs = [e.uscc for e in rows]
    duplicates = sorted({u for u in usccs if usccs.count(u) > 1})
    if duplicates:
        raise FormatError(path, f"统一社会信用代码重复: {', '.join(duplicates)}")
    by_uscc: dict[str, list[FinancingNeed]] = {u: [] for u in usccs}
    if needs is not None:
        document = _document(needs, needs_path, ("needs",))
        for i, item in enumerate(_list(document.get("items", []), f"{needs_path}.items")):
            where = f"{needs_path}.items[{i}]"
            owner, need = _need(item, where)
            if need is None:
                continue
            if owner not in by_uscc:
                raise FormatError(f"{where}.enterprise_uscc", f"企业文件中没有统一社会信用代码 {owner}")
            by_uscc[owner].append(need)
    return [(e, tuple(by_uscc[e.uscc])) for e in rows]


def _enterprise(item: Any, where: str, hints: Mapping[str, Any]) -> EnterpriseProfile:
    if not isinstance(item, Mapping):
        raise FormatError(where, "应为 JSON 对象")
    plain = set(hints) - {"region", "qualifications", "qualification_valid_until", "custom", "industry", "established",
                          "lists"}
    allowed = plain | set(_RENAMED) | set(_REGION_KEYS) | _IGNORED_ENTERPRISE_KEYS | {"lists"}
    unknown = sorted(k for k in item if k not in allowed and not k.startswith(("qual.", "qual_valid.", "custom.")))
    if unknown:
        raise FormatError(where, f"未知的键 {', '.join(unknown)}")
    missing = [k for k in ("uscc", "name") if item.get(k) in (None, "")]
    if missing:
        raise FormatError(where, f"缺少 {', '.join(missing)}")
    values: dict[str, Any] = {}
    qualifications: dict[str, Any] = {}
    custom: dict[str, Any] = {}
    for key, value in item.items():
        at = f"{where}.{key}"
        if key in _IGNORED_ENTERPRISE_KEYS or key in _REGION_KEYS or key == "lists":
            continue
        if key.startswith("qual."):
            if value is not None:
                qualifications.setdefault(key[5:], {})["obtained"] = value
        elif key.startswith("qual_valid."):
            if value is not None:
                qualifications.setdefault(key[11:], {})["valid_until"] = value
        elif key.startswith("custom."):
            if value is not None and value != "":
                custom[key[7:]] = value
        else:
            attribute = _RENAMED.get(key, key)
            annotation = hints[attribute]
            if value == "" and annotation is not str:
                value = None  # exports write 未填写 text as ""
            parsed = _value(value, annotation, at)
            if isinstance(parsed, tuple) and not parsed:
                parsed = None  # an empty list is 未填写 on the platform
            choices = {"size_class": SIZE_CLASSES, "tax_rating": TAX_RATINGS}.get(attribute)
            if choices and parsed is not None and parsed not in choices:
                raise FormatError(at, f"应为 {'、'.join(choices)} 之一")
            values[attribute] = parsed
    # an end date without the date obtained: the qualification is not held
    obtained, valid_until = _qualifications({n: e for n, e in qualifications.items() if "obtained" in e},
                                            f"{where}.qual")
    region = Region(*(_text(item.get(level), f"{where}.{level}") for level in _REGION_KEYS))
    return EnterpriseProfile(**values, region=region, qualifications=obtained,
                             qualification_valid_until=valid_until, custom=custom,
                             lists=_memberships(item.get("lists"), f"{where}.lists"))


def _memberships(raw: Any, where: str) -> dict[str, tuple[date | None, date | None]]:
    """{"red2026": {"valid_from": "2026-03-01", "valid_until": null}}: the lists the enterprise is on,
    each with the list's validity (an empty end is open), as `list.<key>` reads them."""
    if raw is None:
        return {}
    obj = _object(raw, where, set(raw) if isinstance(raw, Mapping) else set())
    found = {}
    for key, validity in obj.items():
        dates = _object(validity, f"{where}.{key}", {"valid_from", "valid_until"})
        start, end = (None if dates.get(name) is None else _date(dates[name], f"{where}.{key}.{name}")
                      for name in ("valid_from", "valid_until"))
        found[str(key)] = (start, end)
    return found


def _need(item: Any, where: str) -> tuple[str, FinancingNeed | None]:
    custom_keys = ({k for k in item if isinstance(k, str) and k.startswith("custom.")}
                   if isinstance(item, Mapping) else set())
    obj = _object(item, where, _NEED_KEYS | custom_keys, {"enterprise_uscc", "kind"})
    owner = _value(obj["enterprise_uscc"], str, f"{where}.enterprise_uscc")
    if obj.get("status", "open") not in SEEKING:
        return owner, None
    if obj["kind"] not in KINDS:
        raise FormatError(f"{where}.kind", f"需求类型应为 {' / '.join(KINDS)} 之一")
    collateral = _value(obj.get("collateral") or [], tuple[str, ...], f"{where}.collateral")
    purpose = _text(obj.get("purpose_category"), f"{where}.purpose_category") or _text(obj.get("purpose"),
                                                                                       f"{where}.purpose")
    return owner, FinancingNeed(
        id=where.rsplit(".", 1)[-1], kind=obj["kind"],
        amount=_value(obj.get("amount"), int | None, f"{where}.amount"),
        term_months=_value(obj.get("term_months"), int | None, f"{where}.term_months"),
        purpose=purpose, collateral=collateral or None,
        collateral_value=_value(obj.get("collateral_value"), int | None, f"{where}.collateral_value"),
        acceptable_rate=_value(obj.get("acceptable_rate"), float | None, f"{where}.acceptable_rate"),
        pledged_ip_remaining_years=_value(obj.get("pledged_ip_remaining_years"), float | None,
                                          f"{where}.pledged_ip_remaining_years"),
        pledged_ip_value=_value(obj.get("pledged_ip_value"), int | None, f"{where}.pledged_ip_value"),
        custom={key[7:]: obj[key] for key in sorted(custom_keys) if obj[key] not in (None, "")},
    )


__all__ = ["FORMAT", "catalogue_from_registry", "enterprises_from_registry", "is_registry_document"]
