"""产品库: an institution's products (draft → published → archived) and the public library."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed, NotFound
from matchmaker.matching.model import KINDS
from matchmaker.models import INSTITUTION_KINDS, Organization, Product, PublicationStatus, User
from matchmaker.services.registry import columns as c
from matchmaker.services.audit import audit
from matchmaker.services.outcomes.facts import refresh_facts_for_kind_change
from matchmaker.services.registry.custom_fields import criteria_fields
from matchmaker.services.registry.regions import REGION_HINT, resolve_regions
from matchmaker.services.registry.offers import POLICY_INSTRUMENTS, amount_problems, criteria_problems
from matchmaker.services.tenancy import get_scoped, row_id, scoped

KIND_BY_LABEL = {label: key for key, label in KINDS.items()}
STATUS_LABELS = {PublicationStatus.DRAFT: "草稿", PublicationStatus.PUBLISHED: "已发布",
                 PublicationStatus.ARCHIVED: "已下架"}


_REGIONS_HEADER = "服务地区"


def product_columns(chains: Sequence[str]) -> tuple[c.Column, ...]:
    return (
        c.Column("name", "产品名称", required=True, max_length=100, example="科创信用贷"),
        c.Column("kind", "产品类型", c.CHOICE, required=True, choices=tuple(KINDS.values()), example="信用贷款"),
        c.Column("description", "产品简介", max_length=2000, example="面向科技型中小企业的纯信用贷款"),
        c.Column("term_min_months", "最短期限（月）", c.INTEGER, minimum=1, maximum=360, example=6),
        c.Column("term_max_months", "最长期限（月）", c.INTEGER, minimum=1, maximum=360, example=36),
        c.Column("rate_text", "利率或费率", max_length=200, example="LPR 起，首贷户优惠 20BP"),
        c.Column("regions", "服务地区（省/市/区，多个用、分隔，空为不限）", c.LIST, example="浙江省/星河市",
                 hint=REGION_HINT),
        c.Column("industry_chains", "重点支持产业链", c.LIST, choices=tuple(chains), example="集成电路、人工智能"),
        c.Column("policy_instruments", "配套政策工具", c.LIST, choices=POLICY_INSTRUMENTS, example="贴息、风险补偿资金池"),
    )


@dataclass(frozen=True)
class ProductDraft:
    """A product as submitted: plain columns (raw), criteria and amount rule as JSON values."""

    raw: Mapping[str, Any]
    criteria: Any = None
    amount_rule: Mapping[str, Any] | None = None
    problems: Mapping[str, str] | None = None  # problems found while reading the form (bad JSON …)


async def parse_product(draft: ProductDraft, *, chains: Sequence[str], json: bool = False) -> dict[str, Any]:
    """The stored fields of `draft`; InvalidInput naming every bad field and every bad criterion."""
    raw = dict(draft.raw)
    if json:
        raw["kind"] = KINDS.get(raw.get("kind"), raw.get("kind"))
    values, problems = c.parse_each(product_columns(chains), raw, json=json)
    problems.update(draft.problems or {})
    if values.get("regions"):
        values["regions"], problem = resolve_regions(values["regions"], _REGIONS_HEADER)
        if problem:
            problems["regions"] = problem
    low, high = values.get("term_min_months"), values.get("term_max_months")
    if low is not None and high is not None and low > high:
        problems["term_max_months"] = "最长期限不能短于最短期限"
    fields = await criteria_fields()
    problems.update(criteria_problems(draft.criteria, fields))
    problems.update(amount_problems(dict(draft.amount_rule) if draft.amount_rule else None, fields))
    if problems:
        raise InvalidInput(problems)
    values["kind"] = KIND_BY_LABEL[values["kind"]]
    values["criteria"] = draft.criteria
    values["amount_rule"] = dict(draft.amount_rule or {})
    return values


def _institution(org: Organization) -> None:
    if org.kind not in INSTITUTION_KINDS:
        raise NotAllowed("只有金融机构可以发布产品")


async def products_of(institution: Organization) -> list[Product]:
    return await scoped(Product, institution).order_by("-id")


async def product_of(institution: Organization, product_id: object) -> Product:
    return await get_scoped(Product, institution, product_id)


async def create_product(institution: Organization, *, draft: ProductDraft, chains: Sequence[str], by: User | None,
                         json: bool = False) -> Product:
    """Save a new product as a draft (publishing is a separate, deliberate step)."""
    _institution(institution)
    values = await parse_product(draft, chains=chains, json=json)
    async with in_transaction():
        product = await Product.create(organization=institution, **values)
        await audit(by, "product.create", product, organization=institution, after={"name": product.name})
    return product


async def update_product(institution: Organization, product_id: object, *, draft: ProductDraft,
                         chains: Sequence[str], by: User | None, json: bool = False) -> Product:
    product = await product_of(institution, product_id)
    values = await parse_product(draft, chains=chains, json=json)
    async with in_transaction():
        before = {"name": product.name, "criteria": product.criteria, "amount_rule": product.amount_rule}
        kind = product.kind
        product.update_from_dict(values)
        await product.save()
        if product.kind != kind:  # the statistics by product kind count its leads under the new one
            await refresh_facts_for_kind_change(product_id=product.pk)
        await audit(by, "product.update", product, organization=institution, before=before,
                    after={"name": product.name, "criteria": product.criteria, "amount_rule": product.amount_rule})
    return product


async def set_status(institution: Organization, product_id: object, *, status: str, by: User | None) -> Product:
    """Publish (visible in the public library) or archive (hidden, kept for the record)."""
    product = await product_of(institution, product_id)
    if status not in (PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED):
        raise InvalidInput({"status": "只能发布或下架产品"})
    async with in_transaction():
        before = product.status
        product.status = PublicationStatus(status)
        await product.save(update_fields=["status", "updated_at"])
        await audit(by, f"product.{'publish' if status == 'published' else 'archive'}", product,
                    organization=institution, before={"status": str(before)}, after={"status": status})
    return product


@dataclass(frozen=True)
class LibraryFilter:
    kind: str = ""
    institution_id: int | None = None
    amount: int | None = None  # 元: products that can lend at least this much
    region: str = ""


def _lends_at_least(rule: Mapping[str, Any], amount: int) -> bool:
    """Whether the largest amount the rule can grant reaches `amount` (unknown caps: yes)."""
    caps = [tier["max"] for tier in rule.get("tiers", [])]
    if rule.get("max") is not None:
        caps.append(rule["max"])
    if not caps or (rule.get("share") and rule.get("max") is None):
        return True
    return max(caps) >= amount


def _serves(regions: Sequence[str], region: str) -> bool:
    """A product with no regions serves everywhere; 浙江省 serves 浙江省/星河市 and the reverse asks."""
    return not regions or any(r.startswith(region) or region.startswith(r) for r in regions)


async def library(filters: LibraryFilter, *, offset: int = 0, limit: int | None = None) -> tuple[list[Product], int]:
    """One page of published products, newest first, filtered; and how many match in all.

    Filtering reads only the few columns it needs, so a library of thousands stays quick; the
    full rows are loaded for the shown page only."""
    query = Product.filter(status=PublicationStatus.PUBLISHED).order_by("-id")
    if filters.kind:
        query = query.filter(kind=filters.kind)
    if filters.institution_id:
        query = query.filter(organization_id=filters.institution_id)
    candidates = await query.values_list("id", "amount_rule", "regions")
    ids = [pk for pk, rule, regions in candidates
           if (filters.amount is None or _lends_at_least(rule or {}, filters.amount))
           and (not filters.region or _serves(regions or [], filters.region))]
    shown = ids[offset:None if limit is None else offset + limit]
    rows = {p.id: p for p in await Product.filter(id__in=shown).select_related("organization")}
    return [rows[pk] for pk in shown], len(ids)


async def published_product(product_id: object) -> Product:
    product = await Product.get_or_none(pk=row_id(product_id), status=PublicationStatus.PUBLISHED).select_related("organization")
    if product is None:
        raise NotFound()
    return product
