"""项目库: an enterprise's financing needs and their life: open → in talks → granted | withdrawn."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, date, datetime
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotAllowed
from matchmaker.matching.model import KINDS
from matchmaker.models import CustomField, FinancingNeed, NeedStatus, Organization, OrganizationKind, Urgency, User
from matchmaker.services.registry import columns as c
from matchmaker.services.registry.custom_fields import custom_column, need_custom_fields
from matchmaker.services.audit import audit
from matchmaker.services.outcomes.facts import refresh_facts_for_kind_change
from matchmaker.services.tenancy import get_scoped, scoped

KIND_BY_LABEL = {label: key for key, label in KINDS.items()}
URGENCY_LABELS = {Urgency.LOW: "不急", Urgency.NORMAL: "一般", Urgency.HIGH: "紧急"}
STATUS_LABELS = {NeedStatus.OPEN: "对接中", NeedStatus.IN_TALKS: "洽谈中", NeedStatus.GRANTED: "已获融资",
                 NeedStatus.WITHDRAWN: "已撤回"}
PURPOSE_CATEGORIES = ("流动资金", "研发投入", "设备购置", "扩大产能", "厂房建设", "市场拓展", "并购重组", "其他")
COLLATERAL_KINDS = ("知识产权", "应收账款", "股权", "房产", "设备", "存货", "订单", "保证人", "无")
#: What the enterprise may set by hand: only withdrawing. 洽谈中 and 已获融资 follow the need's
#: financing leads (services/outcomes/leads.py), never a click; granted and withdrawn are final.
NEXT_STATUSES = {
    NeedStatus.OPEN: (NeedStatus.WITHDRAWN,),
    NeedStatus.IN_TALKS: (NeedStatus.WITHDRAWN,),
    NeedStatus.GRANTED: (),
    NeedStatus.WITHDRAWN: (),
}

NEED_COLUMNS = (
    c.Column("title", "需求名称", required=True, max_length=100, example="研发中试线流动资金"),
    c.Column("kind", "融资方式", c.CHOICE, required=True, choices=tuple(KINDS.values()), example="信用贷款"),
    c.Column("amount", "金额（万元）", c.MONEY, required=True, example=500),
    c.Column("term_months", "期限（月）", c.INTEGER, required=True, minimum=1, maximum=360, example=12),
    c.Column("purpose_category", "用途类别", c.CHOICE, choices=PURPOSE_CATEGORIES, example="研发投入"),
    c.Column("purpose", "资金用途说明", max_length=2000, example="新一代传感器中试线建设"),
    c.Column("collateral", "可提供担保物", c.LIST, choices=COLLATERAL_KINDS, example="知识产权、应收账款"),
    c.Column("collateral_value", "担保物评估价值（万元）", c.MONEY, example=1200),
    c.Column("acceptable_rate", "可接受年利率（%）", c.PERCENT, example=4.2),
    c.Column("pledged_ip_remaining_years", "质押专利剩余保护期（年）", c.DECIMAL, maximum=20, example=8.5),
    c.Column("pledged_ip_value", "质押知识产权评估价值（万元）", c.MONEY, example=800),
    c.Column("urgency", "紧急程度", c.CHOICE, choices=tuple(URGENCY_LABELS.values()), example="一般"),
)


CUSTOM = "custom."


def need_columns(declared: Sequence[CustomField] = ()) -> list[c.Column]:
    """The need's columns in form order: the built-in ones, then the organizer's need fields
    (`custom.<key>` within the need, `need.custom.<key>` in criteria)."""
    return [*NEED_COLUMNS, *(custom_column(field) for field in declared)]


def _unfolded(raw: Mapping[str, Any]) -> Mapping[str, Any]:
    """A JSON body may carry the need fields as {"custom": {key: value}} or as flat custom.<key>."""
    nested = raw.get("custom")
    if not isinstance(nested, Mapping):
        return raw
    return {**{k: v for k, v in raw.items() if k != "custom"}, **{CUSTOM + str(k): v for k, v in nested.items()}}


def parse_need(raw: Mapping[str, Any], *, json: bool = False, declared: Sequence[CustomField] = (),
               kept: Mapping[str, Any] | None = None) -> dict[str, Any]:
    """Form/Excel/JSON values -> the need's stored fields (kind and urgency as their codes; the
    declared need fields folded into `custom`, with the `kept` values of fields no longer declared)."""
    raw = _unfolded(raw)
    if json:  # JSON carries codes, like the matching engine's files
        raw = {**raw, "kind": KINDS.get(raw.get("kind"), raw.get("kind")),
               "urgency": URGENCY_LABELS.get(raw.get("urgency"), raw.get("urgency"))}
    values, problems = c.parse_each(need_columns(declared), raw, json=json)
    if values.get("amount") == 0:
        problems["amount"] = "金额（万元）：应大于 0"
    if problems:
        raise InvalidInput(problems)
    values["kind"] = KIND_BY_LABEL[values["kind"]]
    urgency = {label: key for key, label in URGENCY_LABELS.items()}
    values["urgency"] = urgency.get(values["urgency"], Urgency.NORMAL)
    declared_keys = {field.key for field in declared}
    custom = {k: v for k, v in (kept or {}).items() if k not in declared_keys}
    for key in [k for k in values if k.startswith(CUSTOM)]:
        value = values.pop(key)
        if value not in (None, ""):
            custom[key[len(CUSTOM):]] = value.isoformat() if isinstance(value, date) else value
    values["custom"] = custom
    return values


def custom_values(need: FinancingNeed, declared: Sequence[CustomField]) -> dict[str, Any]:
    """The declared need fields of `need` as custom.<key> -> value (dates as dates), for forms and export."""
    stored = need.custom or {}
    return {CUSTOM + field.key: (date.fromisoformat(stored[field.key]) if field.type == "date" and stored.get(field.key)
                                 else stored.get(field.key)) for field in declared}


def form_values(need: FinancingNeed, declared: Sequence[CustomField] = ()) -> dict[str, str]:
    shown = {col.key: col.show(getattr(need, col.key)) for col in NEED_COLUMNS}
    shown.update(kind=KINDS[need.kind], urgency=URGENCY_LABELS[Urgency(need.urgency)])
    columns = {col.key: col for col in need_columns(declared)}
    shown.update({key: columns[key].show(value) for key, value in custom_values(need, declared).items()})
    return {k: str(v) for k, v in shown.items()}


def json_values(need: FinancingNeed) -> dict[str, Any]:
    """The need as JSON (amounts in 元, codes for kind, urgency and status; need fields under custom)."""
    return {"id": need.id, "title": need.title, "kind": str(need.kind), "amount": need.amount,
            "term_months": need.term_months, "purpose_category": need.purpose_category, "purpose": need.purpose,
            "collateral": need.collateral, "collateral_value": need.collateral_value,
            "acceptable_rate": need.acceptable_rate, "pledged_ip_remaining_years": need.pledged_ip_remaining_years,
            "pledged_ip_value": need.pledged_ip_value, "custom": dict(need.custom or {}),
            "urgency": str(need.urgency), "status": str(need.status),
            "status_changed_at": need.status_changed_at.isoformat() if need.status_changed_at else None,
            "created_at": need.created_at.isoformat() if need.created_at else None}


def _enterprise(org: Organization) -> None:
    if org.kind != OrganizationKind.ENTERPRISE:
        raise NotAllowed("只有企业可以发布融资需求")


async def needs_of(enterprise: Organization, *, status: str = "", kind: str = "") -> list[FinancingNeed]:
    """The enterprise's needs, newest first; an empty status or kind means any."""
    query = scoped(FinancingNeed, enterprise, via="enterprise")
    if status:
        query = query.filter(status=status)
    if kind:
        query = query.filter(kind=kind)
    return await query.order_by("-id")


async def need_of(enterprise: Organization, need_id: object) -> FinancingNeed:
    return await get_scoped(FinancingNeed, enterprise, need_id, via="enterprise")


async def create_need(enterprise: Organization, *, raw: Mapping[str, Any], by: User | None,
                      json: bool = False) -> FinancingNeed:
    _enterprise(enterprise)
    values = parse_need(raw, json=json, declared=await need_custom_fields())
    async with in_transaction():
        need = await FinancingNeed.create(enterprise=enterprise, status_changed_at=datetime.now(UTC), **values)
        await audit(by, "need.create", need, organization=enterprise, after=json_values(need))
    return need


async def update_need(enterprise: Organization, need_id: object, *, raw: Mapping[str, Any], by: User | None,
                      json: bool = False) -> FinancingNeed:
    need = await need_of(enterprise, need_id)
    if need.status in (NeedStatus.GRANTED, NeedStatus.WITHDRAWN):
        raise Conflict("已获融资或已撤回的需求不能再修改")
    values = parse_need(raw, json=json, declared=await need_custom_fields(), kept=need.custom)
    async with in_transaction():
        before = json_values(need)
        kind = need.kind
        need.update_from_dict(values)
        await need.save()
        if need.kind != kind:  # its leads without a product take their kind from the need
            await refresh_facts_for_kind_change(need_id=need.pk)
        await audit(by, "need.update", need, organization=enterprise, before=before, after=json_values(need))
    return need


async def change_status(enterprise: Organization, need_id: object, *, status: str, by: User | None) -> FinancingNeed:
    """Move the need on; the date of the change is kept."""
    need = await need_of(enterprise, need_id)
    current = NeedStatus(need.status)
    if status not in {s.value for s in NEXT_STATUSES[current]}:
        raise InvalidInput({"status": f"“{STATUS_LABELS[current]}”的需求不能改为该状态"})
    async with in_transaction():
        need.status, need.status_changed_at = NeedStatus(status), datetime.now(UTC)
        await need.save(update_fields=["status", "status_changed_at", "updated_at"])
        await audit(by, f"need.{status}", need, organization=enterprise,
                    before={"status": current.value}, after={"status": status})
    return need
