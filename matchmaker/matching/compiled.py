"""Offers (products and policies) compiled against the field registry, ready to evaluate.

Compiling resolves every comparison's field and threshold once, so neither evaluation path
re-parses values per pair, and lists the offer's *units*: the criteria whose failure is
reported in `failed_criteria`, in this order: platform rules, the product's top-level criteria
(see `criteria.top_level_units`), the region served, the amount rule, the term range. A unit's position is its
bit in the vectorised path's failed-criteria mask.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Union

from matchmaker.matching.criteria import (
    MAX_UNITS,
    AllOf,
    AnyOf,
    Comparison,
    Computed,
    CriteriaError,
    Node,
    NotOf,
    ProcessStep,
    check_comparison,
    check_computed,
    coerce_value,
    top_level_units,
)
from matchmaker.matching.expressions import CompiledExpr, compile_expr
from matchmaker.matching.fields import Field, FieldRegistry, default_fields
from matchmaker.matching.model import KIND_FAMILY, AmountRule, Offer, PlatformRule, Policy, Product, TermRule
from matchmaker.matching.regions import parse_regions

REGION_UNIT_ID = "product.region"
AMOUNT_UNIT_ID = "product.amount"
TERM_UNIT_ID = "product.term"
PLATFORM_UNIT_PREFIX = "platform."


@dataclass(frozen=True)
class Test:
    """A comparison with its field and coerced threshold.

    `key` identifies what the test computes (field, operator, threshold), so that equal tests
    and subtrees of different offers are evaluated once by the vectorised path.
    """

    node: Comparison
    field: Field
    threshold: Any
    key: tuple[Any, ...] = ()
    uses_need: bool = False

    def __post_init__(self) -> None:
        # stored, not computed per access: the vectorised path reads them for every lookup
        object.__setattr__(self, "key", ("test", self.field.key, self.node.op, self.threshold))
        object.__setattr__(self, "uses_need", self.field.needs_need)


@dataclass(frozen=True)
class ExprTest:
    """An arithmetic comparison with its compiled expression and numeric threshold."""

    node: Computed
    expr: CompiledExpr
    threshold: float
    key: tuple[Any, ...] = ()
    uses_need: bool = False

    def __post_init__(self) -> None:
        object.__setattr__(self, "key", ("exprtest", self.expr.key, self.node.op, self.threshold))
        object.__setattr__(self, "uses_need", self.expr.uses_need)


@dataclass(frozen=True)
class Group:
    """An all / any / not node with compiled children (one child for not)."""

    node: AllOf | AnyOf | NotOf
    children: tuple[CompiledNode, ...]
    key: tuple[Any, ...] = ()
    uses_need: bool = False


@dataclass(frozen=True)
class Caveat:
    """A process criterion: not evaluated, shown as a caveat."""

    node: ProcessStep
    key: tuple[Any, ...] = ("caveat",)
    uses_need: bool = False


CompiledNode = Union[Test, ExprTest, Group, Caveat]


@dataclass(frozen=True)
class Unit:
    """One reportable criterion of an offer. `kind`: platform | criterion | region | amount | term."""

    id: str
    kind: str
    text: str
    tree: CompiledNode | None = None  # None for region and amount units


@dataclass(frozen=True)
class CompiledTier:
    max: int
    when: CompiledNode | None
    label: str


@dataclass(frozen=True)
class CompiledAmount:
    rule: AmountRule
    tiers: tuple[CompiledTier, ...]
    share_field: Field | None
    key: tuple[Any, ...] = ()  # what the rule computes, for sharing results between offers
    uses_need: bool = False
    expr: CompiledExpr | None = None


@dataclass(frozen=True)
class CompiledOffer:
    """An offer ready for evaluation; `family` is None for policies (no kind, no need)."""

    offer: Offer
    family: str | None
    units: tuple[Unit, ...]
    amount: CompiledAmount | None
    term: TermRule | None
    regions: tuple[tuple[str, ...], ...]
    chains: frozenset[str]

    @property
    def id(self) -> str:
        return self.offer.id

    @property
    def is_policy(self) -> bool:
        return isinstance(self.offer, Policy)


def compile_node(node: Node, fields: FieldRegistry, problems: dict[str, str]) -> CompiledNode:
    """`node` with fields and thresholds resolved; problems are collected, not raised."""
    if isinstance(node, ProcessStep):
        return Caveat(node)
    if isinstance(node, Comparison):
        message = check_comparison(node, fields)
        if message:
            problems[node.id] = message
            return Caveat(ProcessStep(node.id, node.text))  # never evaluated: compile fails anyway
        field = fields.get(node.field)
        assert field is not None
        return Test(node, field, coerce_value(field, node.op, node.value))
    if isinstance(node, Computed):
        message = check_computed(node, fields)
        if message:
            problems[node.id] = message
            return Caveat(ProcessStep(node.id, node.text))
        compiled, _ = compile_expr(node.expr, fields)
        assert compiled is not None
        return ExprTest(node, compiled, float(node.value))
    children = tuple(compile_node(child, fields, problems)
                     for child in ((node.child,) if isinstance(node, NotOf) else node.children))
    key = (type(node).__name__, *(child.key for child in children))
    return Group(node, children, key, any(child.uses_need for child in children))


def compile_platform_rules(rules: Iterable[PlatformRule], fields: FieldRegistry,
                           problems: dict[str, str]) -> list[tuple[PlatformRule, Unit]]:
    return [(rule, Unit(PLATFORM_UNIT_PREFIX + rule.id, "platform", rule.text,
                        compile_node(rule.criteria, fields, problems))) for rule in rules]


def compile_offer(offer: Offer, fields: FieldRegistry | None = None,
                  rules: Sequence[PlatformRule] = ()) -> CompiledOffer:
    """`offer` compiled; raises CriteriaError (problems keyed "<offer id>.<criterion id>")."""
    return compile_offers([offer], fields, rules)[0]


def compile_offers(offers: Iterable[Offer], fields: FieldRegistry | None = None,
                   rules: Sequence[PlatformRule] = ()) -> list[CompiledOffer]:
    """Compile every offer with the platform `rules` prepended; raises CriteriaError on any problem."""
    fields = fields or default_fields()
    problems: dict[str, str] = {}
    platform = compile_platform_rules(rules, fields, problems)
    compiled = [_compile_one(offer, fields, platform, problems) for offer in offers]
    if problems:
        raise CriteriaError(problems)
    return compiled


def _compile_one(offer: Offer, fields: FieldRegistry, platform: list[tuple[PlatformRule, Unit]],
                 problems: dict[str, str]) -> CompiledOffer:
    local: dict[str, str] = {}
    is_policy = isinstance(offer, Policy)
    units = [unit for rule, unit in platform if rule.applies_to_policies or not is_policy]
    units += [Unit(node.id, "criterion", node.text, compile_node(node, fields, local))
              for node in top_level_units(offer.criteria)]
    regions = parse_regions(offer.regions)
    if regions:
        units.append(Unit(REGION_UNIT_ID, "region", "服务地区：" + "、".join(offer.regions)))
    amount = _compile_amount(offer.amount, fields, local)
    if amount is not None:
        units.append(Unit(AMOUNT_UNIT_ID, "amount", "授信额度规则"))
    term = getattr(offer, "term", None)
    if term is not None and (term.min_months is not None or term.max_months is not None):
        units.append(Unit(TERM_UNIT_ID, "term", "期限范围"))
    if len(units) > MAX_UNITS:
        local[offer.criteria.id if offer.criteria else "criteria"] = f"条件 (含平台规则) 超过 {MAX_UNITS} 条"
    problems.update({f"{offer.id}.{key}": message for key, message in local.items()})
    family = None
    if isinstance(offer, Product):
        family = KIND_FAMILY.get(offer.kind)
        if family is None:
            problems[f"{offer.id}.kind"] = f"未知产品类型 {offer.kind}"
    return CompiledOffer(offer, family, tuple(units), amount, getattr(offer, "term", None), regions,
                         frozenset(offer.industry_chains))


def _compile_amount(rule: AmountRule | None, fields: FieldRegistry,
                    problems: dict[str, str]) -> CompiledAmount | None:
    if rule is None:
        return None
    tiers = tuple(CompiledTier(tier.max, None if tier.when is None else compile_node(tier.when, fields, problems),
                               tier.label) for tier in rule.tiers)
    share_field = None
    if rule.share_field is not None:
        share_field = fields.get(rule.share_field)
        if share_field is None or share_field.type.value not in ("money", "number"):
            problems["amount.share"] = f"额度按比例计算的字段 {rule.share_field} 应为已知的金额字段"
        if rule.share_percent is None or rule.share_percent <= 0:
            problems["amount.share"] = "额度比例 percent 应为正数"
    expr = None
    if rule.expr is not None:
        expr, message = compile_expr(rule.expr, fields)
        if message:
            problems["amount.expr"] = message
        elif expr is not None and expr.type != "money":
            problems["amount.expr"] = "额度公式的结果应为金额 (如 最近估值 × 50% − 现有负债)"
    if sum([bool(rule.tiers), rule.share_field is not None, rule.expr is not None]) > 1:
        problems["amount"] = "额度规则只能是固定上限、分档、按比例或公式之一"
    key = ("amount", rule.max, rule.min, rule.share_field, rule.share_percent, None if expr is None else expr.key,
           *((tier.max, None if tier.when is None else tier.when.key) for tier in tiers))
    # the need's amount is always held against the result, so the result depends on the need
    return CompiledAmount(rule, tiers, share_field, key, True, expr)
