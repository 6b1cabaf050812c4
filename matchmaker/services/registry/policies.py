"""政策库: the organizer's schemes and subsidies, with criteria in the same language as products;
and the platform rules every product (and by default every policy) must also satisfy."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed
from matchmaker.models import Organization, PlatformRule, Policy, PublicationStatus, User
from matchmaker.services.registry import columns as c
from matchmaker.services.audit import audit
from matchmaker.services.registry.custom_fields import criteria_fields
from matchmaker.services.registry.regions import REGION_HINT, resolve_regions
from matchmaker.services.registry.offers import amount_problems, criteria_problems
from matchmaker.services.registry.products import ProductDraft
from matchmaker.services.tenancy import get_scoped, scoped

INSTRUMENTS = ("贷款贴息", "保费补贴", "风险补偿", "担保费补贴", "股权投资", "奖励补助")
STATUS_LABELS = {PublicationStatus.DRAFT: "草稿", PublicationStatus.PUBLISHED: "已发布",
                 PublicationStatus.ARCHIVED: "已下架"}

#: A policy is read like a product: plain columns plus criteria and an amount rule.
PolicyDraft = ProductDraft


_REGIONS_HEADER = "适用地区"


def policy_columns(chains: Sequence[str]) -> tuple[c.Column, ...]:
    return (
        c.Column("name", "政策名称", required=True, max_length=100, example="科技型中小企业贷款贴息"),
        c.Column("instrument", "政策工具", c.CHOICE, required=True, choices=INSTRUMENTS, example="贷款贴息"),
        c.Column("support", "支持内容", max_length=200, example="按 LPR 的 50% 贴息，单户每年最高 50 万元"),
        c.Column("description", "政策说明", max_length=4000, example="依据《星河市科技金融若干政策》第五条"),
        c.Column("regions", "适用地区（省/市/区，多个用、分隔，空为不限）", c.LIST, example="浙江省/星河市",
                 hint=REGION_HINT),
        c.Column("industry_chains", "重点支持产业链", c.LIST, choices=tuple(chains), example="集成电路"),
        c.Column("valid_from", "生效日期", c.DATE, example="2026-01-01"),
        c.Column("valid_until", "截止日期", c.DATE, example="2027-12-31"),
    )


def _organizer(org: Organization) -> None:
    if not org.is_organizer:
        raise NotAllowed("只有组织方可以维护政策库")


async def parse_policy(draft: PolicyDraft, *, chains: Sequence[str], json: bool = False) -> dict[str, Any]:
    values, problems = c.parse_each(policy_columns(chains), draft.raw, json=json)
    problems.update(draft.problems or {})
    if values.get("regions"):
        values["regions"], problem = resolve_regions(values["regions"], _REGIONS_HEADER)
        if problem:
            problems["regions"] = problem
    if values.get("valid_from") and values.get("valid_until") and values["valid_from"] > values["valid_until"]:
        problems["valid_until"] = "截止日期不能早于生效日期"
    fields = await criteria_fields()
    problems.update(criteria_problems(draft.criteria, fields))
    problems.update(amount_problems(dict(draft.amount_rule) if draft.amount_rule else None, fields))
    if problems:
        raise InvalidInput(problems)
    values.update(criteria=draft.criteria, amount_rule=dict(draft.amount_rule or {}))
    return values


async def published_policies() -> list[Policy]:
    return await Policy.filter(status=PublicationStatus.PUBLISHED).order_by("id")


async def policies_of(organizer: Organization) -> list[Policy]:
    return await scoped(Policy, organizer).order_by("-id")


async def policy_of(organizer: Organization, policy_id: object) -> Policy:
    return await get_scoped(Policy, organizer, policy_id)


async def save_policy(organizer: Organization, policy_id: object | None, *, draft: PolicyDraft,
                      chains: Sequence[str], by: User | None, json: bool = False) -> Policy:
    """Create (policy_id None) or replace a policy of `organizer`."""
    _organizer(organizer)
    values = await parse_policy(draft, chains=chains, json=json)
    async with in_transaction():
        if policy_id is None:
            policy = await Policy.create(organization=organizer, **values)
            action = "policy.create"
        else:
            policy = await policy_of(organizer, policy_id)
            policy.update_from_dict(values)
            await policy.save()
            action = "policy.update"
        await audit(by, action, policy, organization=organizer, after={"name": policy.name})
    return policy


async def set_policy_status(organizer: Organization, policy_id: object, *, status: str, by: User | None) -> Policy:
    policy = await policy_of(organizer, policy_id)
    if status not in (PublicationStatus.PUBLISHED, PublicationStatus.ARCHIVED):
        raise InvalidInput({"status": "只能发布或下架政策"})
    async with in_transaction():
        policy.status = PublicationStatus(status)
        await policy.save(update_fields=["status", "updated_at"])
        await audit(by, f"policy.{status}", policy, organization=organizer)
    return policy


async def platform_rules() -> list[PlatformRule]:
    return await PlatformRule.all().order_by("id")


async def save_platform_rule(organizer: Organization, rule_id: object | None, *, raw: Mapping[str, Any],
                             criteria: Any, problems: Mapping[str, str], by: User | None) -> PlatformRule:
    """A rule every product (and, unless told otherwise, every policy) must satisfy."""
    _organizer(organizer)
    found = dict(problems)
    text = str(raw.get("text", "")).strip()
    if not text or len(text) > 200:
        found["text"] = "请填写规则说明（最长 200 个字）"
    if criteria is None and "criteria" not in found:
        found["criteria"] = "请设置规则条件"
    found.update(criteria_problems(criteria, await criteria_fields()))
    if found:
        raise InvalidInput(found)
    values = {"text": text, "criteria": criteria, "active": raw.get("active") == "on",
              "applies_to_policies": raw.get("applies_to_policies") == "on"}
    async with in_transaction():
        if rule_id is None:
            rule = await PlatformRule.create(created_by=organizer, **values)
        else:
            rule = await get_scoped(PlatformRule, organizer, rule_id, via="created_by")
            rule.update_from_dict(values)
            await rule.save()
        await audit(by, "platform_rule.save", rule, organization=organizer, after=values)
    return rule
