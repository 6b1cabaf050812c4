"""For each registry: its columns (Chinese headers), how one row is checked (without writing),
written (inside the import's transaction) and exported.

Rows are checked against the same columns as the web forms, so a workbook is refused for exactly
the reasons a form would be. JSON rows carry money in 元; workbook rows carry 万元.
"""

from __future__ import annotations

from matchmaker import jsondepth

import asyncio

import json
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

from matchmaker.errors import InvalidInput
from matchmaker.models import (
    INSTITUTION_KINDS,
    CustomField,
    EnterpriseProfile,
    FinancingNeed,
    NeedStatus,
    Organization,
    OrganizationKind,
    Policy,
    Product,
    ProfileRevision,
    ProfileValueSource,
    PublicationStatus,
    User,
)
from matchmaker.services.registry import columns as c
from matchmaker.services.registry import needs, policies, products, profiles, provenance
from matchmaker.uscc import UsccError, make_uscc, validate_uscc

PUBLICATION_LABELS = {s.value: label for s, label in products.STATUS_LABELS.items()}
NEED_STATUS_LABELS = {s.value: label for s, label in needs.STATUS_LABELS.items()}


@dataclass
class Context:
    """What every row of one import or export needs to know."""

    chains: Sequence[str]
    declared: Sequence[CustomField]
    by: User | None = None
    organizer: Organization | None = None
    seen: set[str] = field(default_factory=set)  # identities met earlier in the same file
    organizations: dict[str, Organization] = field(default_factory=dict)  # cache by uscc or name
    profiles: dict[int, EnterpriseProfile] = field(default_factory=dict)  # by organization id
    need_fields: Sequence[CustomField] = ()  # the organizer's need fields (CustomField.target "need")
    #: where the imported profile values come from (the file's name unless the organizer names the source)
    source: provenance.Source | None = None


#: A cell that says this empties its field; any other empty cell leaves the stored value as it is.
CLEAR_MARKS = frozenset({"（清空）", "(清空)", "(clear)", "（clear）"})


def is_clear_mark(value: Any) -> bool:
    return isinstance(value, str) and value.strip().lower() in CLEAR_MARKS


def is_blank(value: Any) -> bool:
    return value is None or (isinstance(value, str) and not value.strip())


@dataclass(frozen=True)
class FieldChange:
    header: str
    before: Any  # as a person types it ("" when empty)
    after: Any


@dataclass(frozen=True)
class RowPreview:
    """What importing one row would do: create an object, or change these fields of one."""

    label: str  # 第 3 行 / items[2]
    title: str  # the enterprise's name and code, the need's title …
    creates: bool
    changes: list[FieldChange]


class Registry(ABC):
    """One importable/exportable kind of object (enterprises, needs, products, policies)."""

    name = ""
    label = ""
    #: keys its JSON export writes that an import reads past (kept elsewhere on the platform)
    export_only: frozenset[str] = frozenset()

    @abstractmethod
    def columns(self, ctx: Context) -> list[c.Column]: ...

    @abstractmethod
    async def check(self, ctx: Context, raw: Mapping[str, Any], *, json: bool) -> Any:
        """The row ready to write; InvalidInput(column key -> message) if anything is wrong."""

    @abstractmethod
    async def write(self, ctx: Context, prepared: Any) -> None: ...

    async def write_all(self, ctx: Context, prepared: list[Any]) -> None:
        """Write every checked row (inside the import's transaction)."""
        for index, row in enumerate(prepared):
            if index % 100 == 0:
                await asyncio.sleep(0)  # a large file leaves room for every other request
            await self.write(ctx, row)

    async def preload(self, ctx: Context, rows: list[Mapping[str, Any]]) -> None:
        """Fetch in one query what `check` would otherwise look up row by row."""

    def preview(self, ctx: Context, label: str, prepared: Any) -> RowPreview:
        """What writing `prepared` would do. Needs, products and policies always add new rows."""
        return RowPreview(label=label, title=self.label, creates=True, changes=[])

    @abstractmethod
    async def export(self, ctx: Context) -> list[dict[str, Any]]:
        """Stored values keyed by column key (money in 元), one dict per object."""


def _chunks(items: list[Any], size: int) -> list[list[Any]]:
    return [items[i:i + size] for i in range(0, len(items), size)]


def _json_cell(raw: Any, key: str, header: str) -> Any:
    """A JSON cell of a workbook (criteria, amount rule); in JSON files the value is already parsed."""
    if raw is None or raw == "":
        return None
    if not isinstance(raw, str):
        return raw
    try:
        return jsondepth.loads(raw)
    except json.JSONDecodeError as error:
        raise InvalidInput({key: f"{header}：不是有效的 JSON（第 {error.colno} 个字符附近）"}) from None


class Enterprises(Registry):
    name, label = "enterprises", "企业"
    export_only = frozenset({"lists"})  # memberships are kept on the list pages

    def columns(self, ctx: Context) -> list[c.Column]:
        return [c.Column("uscc", "统一社会信用代码", required=True, max_length=30, example=make_uscc("91330106MA2H0001X")),
                c.Column("name", "企业名称", required=True, max_length=200, example="星河纳米新材料科技有限公司"),
                *profiles.profile_columns(ctx.chains, ctx.declared)]

    async def check(self, ctx: Context, raw: Mapping[str, Any], *, json: bool) -> Any:
        problems: dict[str, str] = {}
        uscc = ""
        try:
            uscc = validate_uscc(str(raw.get("uscc") or ""))
        except UsccError as error:
            problems["uscc"] = f"统一社会信用代码：{error.message}"
        name = str(raw.get("name") or "").strip()
        if not name:
            problems["name"] = "企业名称：必填"
        if uscc and uscc in ctx.seen:
            problems["uscc"] = f"统一社会信用代码：{uscc} 在文件中重复出现"
        existing = ctx.organizations.get(uscc) if uscc else None
        if existing is not None and existing.kind != OrganizationKind.ENTERPRISE:
            problems["uscc"] = "统一社会信用代码：该代码属于一家非企业单位"
        profile = ctx.profiles.get(existing.pk) if existing is not None else None
        cells = {key: value for key, value in raw.items() if key not in ("uscc", "name")}
        given = {key: value for key, value in cells.items() if not is_blank(value) and not is_clear_mark(value)}
        cleared = {key: None for key, value in cells.items() if is_clear_mark(value)}
        changes: dict[str, Any] = {}
        try:
            # Only the columns the file fills in (or clears) change; an empty cell keeps the value.
            changes = profiles.parse_profile_values({**given, **cleared}, chains=ctx.chains, declared=ctx.declared,
                                                    json=json, only_present=True)
        except InvalidInput as error:
            problems.update(error.problems)
        if problems:
            raise InvalidInput(problems)
        ctx.seen.add(uscc)
        return uscc, name, existing, profiles.merged_profile(profile, changes, ctx.declared), changes

    def preview(self, ctx: Context, label: str, prepared: Any) -> RowPreview:
        uscc, name, existing, _row, changes = prepared
        profile = ctx.profiles.get(existing.pk) if existing is not None else None
        before = profiles.flat_values(profile, ctx.declared) if profile is not None else {}
        columns = {col.key: col for col in self.columns(ctx)}
        shown = []
        for key, value in changes.items():
            col = columns[key]
            old, new = col.show(before.get(key)), col.show(value)
            if old != new:
                shown.append(FieldChange(col.header, old, new))
        return RowPreview(label=label, title=f"{name}（{uscc}）", creates=existing is None, changes=shown)

    async def preload(self, ctx: Context, rows: list[Mapping[str, Any]]) -> None:
        codes = set()
        for raw in rows:
            try:
                codes.add(validate_uscc(str(raw.get("uscc") or "")))
            except UsccError:
                pass
        for chunk in _chunks(sorted(codes), 500):
            for organization in await Organization.filter(uscc__in=chunk):
                ctx.organizations[organization.uscc] = organization
        ids = [organization.pk for organization in ctx.organizations.values()]
        for chunk in _chunks(ids, 500):
            for profile in await EnterpriseProfile.filter(organization_id__in=chunk):
                ctx.profiles[profile.organization_id] = profile

    async def write(self, ctx: Context, prepared: Any) -> None:
        uscc, name, existing, row, changes = prepared
        organization = existing or await Organization.create(kind=OrganizationKind.ENTERPRISE, name=name, uscc=uscc)
        await profiles.write_profile(organization, row, by=ctx.by, action="profile.import",
                                     source=ctx.source or provenance.Source.imported(""), stamp=set(changes))

    async def write_all(self, ctx: Context, prepared: list[Any]) -> None:
        """Existing enterprises one by one (the columns the file fills in change, with a revision and
        an audit row); new ones in bulk,
        each with its first revision (the import itself is audited once by the caller)."""
        new = [p for p in prepared if p[2] is None]
        for index, row in enumerate(p for p in prepared if p[2] is not None):
            if index % 100 == 0:
                await asyncio.sleep(0)
            await self.write(ctx, row)
        source, now = ctx.source or provenance.Source.imported(""), datetime.now(UTC)
        for chunk in _chunks(new, 200):
            # One chunk at a time, with a turn of the event loop between: building the rows of a
            # 50,000-row file at once would keep every other request waiting for seconds.
            await asyncio.sleep(0)
            await Organization.bulk_create([Organization(kind=OrganizationKind.ENTERPRISE, name=name, uscc=uscc)
                                            for uscc, name, *_ in chunk])
            ids = dict(await Organization.filter(uscc__in=[p[0] for p in chunk]).values_list("uscc", "id"))
            await EnterpriseProfile.bulk_create([EnterpriseProfile(organization_id=ids[uscc], **row)
                                                 for uscc, _, _, row, _ in chunk])
            profile_ids = dict(await EnterpriseProfile.filter(organization_id__in=list(ids.values()))
                               .values_list("organization_id", "id"))
            await ProfileRevision.bulk_create(
                [ProfileRevision(profile_id=profile_ids[ids[uscc]], saved_by=ctx.by, data=profiles.snapshot_of(row))
                 for uscc, _, _, row, _ in chunk])
            sources = []
            for uscc, _, _, row, changes in chunk:
                flat = provenance.flat_snapshot(profiles.snapshot_of(row))
                filled = {key for key in changes if not provenance.is_empty(flat.get(key))}
                sources += provenance.source_rows(profile_ids[ids[uscc]], filled, source, by=ctx.by, at=now)
            await ProfileValueSource.bulk_create(sources)

    async def export(self, ctx: Context) -> list[dict[str, Any]]:
        items = []
        for profile in await EnterpriseProfile.all().select_related("organization").order_by("organization__name"):
            items.append({"uscc": profile.organization.uscc, "name": profile.organization.name,
                          **profiles.flat_values(profile, ctx.declared)})
        return items


class Needs(Registry):
    name, label = "needs", "融资需求"

    def columns(self, ctx: Context) -> list[c.Column]:
        return [c.Column("enterprise_uscc", "企业统一社会信用代码", required=True, max_length=30,
                         example=make_uscc("91330106MA2H0001X")),
                *needs.need_columns(ctx.need_fields),
                c.Column("status", "状态", c.CHOICE, choices=tuple(NEED_STATUS_LABELS.values()), example="对接中")]

    async def check(self, ctx: Context, raw: Mapping[str, Any], *, json: bool) -> Any:
        problems: dict[str, str] = {}
        enterprise = None
        try:
            uscc = validate_uscc(str(raw.get("enterprise_uscc") or ""))
            enterprise = await Organization.get_or_none(uscc=uscc, kind=OrganizationKind.ENTERPRISE)
            if enterprise is None:
                problems["enterprise_uscc"] = f"企业统一社会信用代码：平台上没有代码为 {uscc} 的企业，请先导入企业"
        except UsccError as error:
            problems["enterprise_uscc"] = f"企业统一社会信用代码：{error.message}"
        status_raw = raw.get("status") or ("对接中" if not json else "open")
        labels = {label: key for key, label in NEED_STATUS_LABELS.items()}
        status = status_raw if json and status_raw in NEED_STATUS_LABELS else labels.get(str(status_raw))
        if status is None:
            problems["status"] = f"状态：应为 {'、'.join(labels)} 之一"
        try:
            # a new need each row: a need field the file leaves out simply stays unset
            values = needs.parse_need(raw, json=json, declared=ctx.need_fields)
        except InvalidInput as error:
            problems.update(error.problems)
        if problems:
            raise InvalidInput(problems)
        return enterprise, {**values, "status": status}

    async def write(self, ctx: Context, prepared: Any) -> None:
        enterprise, values = prepared
        await FinancingNeed.create(enterprise=enterprise, **values)

    async def export(self, ctx: Context) -> list[dict[str, Any]]:
        items = []
        for need in await FinancingNeed.all().select_related("enterprise").order_by("id"):
            items.append({"enterprise_uscc": need.enterprise.uscc,
                          **{col.key: getattr(need, col.key) for col in needs.NEED_COLUMNS},
                          **needs.custom_values(need, ctx.need_fields),
                          "kind": str(need.kind), "urgency": str(need.urgency), "status": str(need.status)})
        return items


class _Offers(Registry):
    """Products and policies: plain columns plus an amount rule and criteria as JSON cells."""

    JSON_COLUMNS = (c.Column("amount_rule", "额度规则（JSON）", max_length=20000,
                             example='{"max": 10000000, "min": 500000}'),
                    c.Column("criteria", "准入条件（JSON）", max_length=50000,
                             example='{"id": "root", "all": [{"id": "rd", "field": "rd_ratio", "op": "ge", '
                                     '"value": 3, "text": "研发投入占比不低于3%"}]}'))
    STATUS = c.Column("status", "状态", c.CHOICE, choices=tuple(PUBLICATION_LABELS.values()), example="已发布")

    def _status(self, raw: Mapping[str, Any], json: bool, problems: dict[str, str]) -> str:
        value = raw.get("status") or ("draft" if json else "草稿")
        if json and value in PUBLICATION_LABELS:
            return str(value)
        labels = {label: key for key, label in PUBLICATION_LABELS.items()}
        if value not in labels:
            problems["status"] = f"状态：应为 {'、'.join(labels)} 之一"
            return ""
        return labels[value]

    def _draft(self, raw: Mapping[str, Any], problems: dict[str, str]) -> products.ProductDraft:
        parsed = {}
        for col in self.JSON_COLUMNS:
            try:
                parsed[col.key] = _json_cell(raw.get(col.key), col.key, col.header)
            except InvalidInput as error:
                problems.update(error.problems)
        rule = parsed.get("amount_rule")
        if rule is not None and not isinstance(rule, dict):
            problems["amount_rule"] = "额度规则（JSON）：应为 JSON 对象"
            rule = None
        return products.ProductDraft(raw=raw, criteria=parsed.get("criteria"), amount_rule=rule)


class Products(_Offers):
    name, label = "products", "产品"

    def columns(self, ctx: Context) -> list[c.Column]:
        return [c.Column("institution", "机构名称", required=True, example="星河银行科技支行（演示）"),
                *products.product_columns(ctx.chains), *self.JSON_COLUMNS, self.STATUS]

    async def check(self, ctx: Context, raw: Mapping[str, Any], *, json: bool) -> Any:
        problems: dict[str, str] = {}
        name = str(raw.get("institution") or "").strip()
        institution = ctx.organizations.get(name)
        if institution is None and name:
            institution = await Organization.get_or_none(name=name, kind__in=list(INSTITUTION_KINDS))
            if institution is not None:
                ctx.organizations[name] = institution
        if institution is None:
            problems["institution"] = f"机构名称：平台上没有名为“{name}”的金融机构"
        status = self._status(raw, json, problems)
        draft = self._draft(raw, problems)
        try:
            values = await products.parse_product(draft, chains=ctx.chains, json=json)
        except InvalidInput as error:
            problems.update(error.problems)
        if problems:
            raise InvalidInput(problems)
        return institution, {**values, "status": status}

    async def write(self, ctx: Context, prepared: Any) -> None:
        institution, values = prepared
        await Product.create(organization=institution, **values)

    async def export(self, ctx: Context) -> list[dict[str, Any]]:
        items = []
        for product in await Product.all().select_related("organization").order_by("id"):
            items.append({"institution": product.organization.name,
                          **{col.key: getattr(product, col.key) for col in products.product_columns(ctx.chains)},
                          "kind": str(product.kind), "amount_rule": product.amount_rule,
                          "criteria": product.criteria, "status": str(product.status)})
        return items


class Policies(_Offers):
    name, label = "policies", "政策"

    def columns(self, ctx: Context) -> list[c.Column]:
        return [*policies.policy_columns(ctx.chains), *self.JSON_COLUMNS, self.STATUS]

    async def check(self, ctx: Context, raw: Mapping[str, Any], *, json: bool) -> Any:
        problems: dict[str, str] = {}
        if ctx.organizer is None:
            problems["name"] = "平台上还没有组织方，无法导入政策"
        status = self._status(raw, json, problems)
        draft = self._draft(raw, problems)
        try:
            values = await policies.parse_policy(draft, chains=ctx.chains, json=json)
        except InvalidInput as error:
            problems.update(error.problems)
        if problems:
            raise InvalidInput(problems)
        return {**values, "status": status}

    async def write(self, ctx: Context, prepared: Any) -> None:
        await Policy.create(organization=ctx.organizer, **prepared)

    async def export(self, ctx: Context) -> list[dict[str, Any]]:
        query = Policy.all() if ctx.organizer is None else Policy.filter(organization_id=ctx.organizer.pk)
        return [{**{col.key: getattr(policy, col.key) for col in policies.policy_columns(ctx.chains)},
                 "amount_rule": policy.amount_rule, "criteria": policy.criteria, "status": str(policy.status)}
                for policy in await query.order_by("id")]


REGISTRIES: dict[str, Registry] = {r.name: r for r in (Enterprises(), Needs(), Products(), Policies())}


def excel_value(column: c.Column, value: Any) -> Any:
    """A stored value as a workbook cell: 万元 as numbers, 是/否, lists joined, JSON as text."""
    if value is None:
        return None
    if column.key in ("amount_rule", "criteria"):
        return json.dumps(value, ensure_ascii=False) if value else None
    if column.kind == c.MONEY:
        wan = Decimal(value) / 10000
        return int(wan) if wan == wan.to_integral_value() else float(wan)
    if column.key == "kind" and value in needs.KINDS:
        return needs.KINDS[value]
    if column.key == "urgency":
        return needs.URGENCY_LABELS.get(value, value)
    if column.key == "status":
        return {**PUBLICATION_LABELS, **NEED_STATUS_LABELS}.get(value, value)
    if column.kind in (c.BOOL, c.LIST, c.DATE):
        return column.show(value)
    return value


def json_value(value: Any) -> Any:
    return value.isoformat() if isinstance(value, date) else value


__all__ = ["Context", "NeedStatus", "PublicationStatus", "REGISTRIES", "Registry", "excel_value", "json_value"]
