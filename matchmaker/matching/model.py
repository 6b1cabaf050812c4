"""Plain dataclasses the matching engine takes in: enterprises, needs, products, policies, rules.

Amounts are integer 元 (shown in 万元). Percent fields are in percentage points (3.0 means 3%).
`None` always means "未填写" (not filled in): it fails any comparison that tests it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from matchmaker.matching.criteria import Node
from matchmaker.matching.expressions import Expr

#: Financing kinds with their Chinese names.
KINDS: Mapping[str, str] = {
    "credit_loan": "信用贷款",
    "ip_pledge_loan": "知识产权质押贷款",
    "guaranteed_loan": "担保贷款",
    "equity": "股权融资",
    "insurance": "科技保险",
    "leasing": "融资租赁",
    "bond": "债券融资",
}

#: Kinds of one family answer the same need: a credit-loan need is served by any loan product.
#: A need of another family is judged on qualifications only and marked kind_match=False.
KIND_FAMILY: Mapping[str, str] = {
    "credit_loan": "loan",
    "ip_pledge_loan": "loan",
    "guaranteed_loan": "loan",
    "equity": "equity",
    "insurance": "insurance",
    "leasing": "leasing",
    "bond": "bond",
}

SIZE_CLASSES = ("大", "中", "小", "微")
TAX_RATINGS = ("A", "B", "M", "C", "D")


@dataclass(frozen=True)
class Region:
    """Where an enterprise is registered: 省 / 市 / 区(县)."""

    province: str | None = None
    city: str | None = None
    district: str | None = None

    @property
    def path(self) -> tuple[str, ...]:
        """The filled levels from the province down, e.g. ("浙江省", "杭州市")."""
        levels: list[str] = []
        for level in (self.province, self.city, self.district):
            if not level:
                break
            levels.append(level)
        return tuple(levels)


@dataclass(frozen=True)
class EnterpriseProfile:
    """What an enterprise tells the platform about itself (any field may be None: 未填写)."""

    uscc: str
    name: str
    region: Region = Region()
    industry: str | None = None  # GB/T 4754 class with its section letter, e.g. "C3911"
    industry_chains: tuple[str, ...] | None = None
    size_class: str | None = None  # 大 / 中 / 小 / 微
    established: date | None = None
    employees: int | None = None
    rd_staff_ratio: float | None = None  # percent
    revenue: int | None = None  # 元, last fiscal year
    total_assets: int | None = None  # 元
    rd_ratio: float | None = None  # percent of revenue
    profitable: bool | None = None
    tax_rating: str | None = None  # A / B / M / C / D
    invention_patents: int | None = None
    utility_patents: int | None = None
    design_patents: int | None = None
    software_copyrights: int | None = None
    ic_layouts: int | None = None
    plant_varieties: int | None = None
    trademarks: int | None = None
    qualifications: Mapping[str, date] = field(default_factory=dict)  # name -> date obtained
    qualification_valid_until: Mapping[str, date] = field(default_factory=dict)  # overrides
    dishonest_debtor: bool | None = None  # 失信被执行人
    serious_violation: bool | None = None  # 严重违法失信
    current_overdue: bool | None = None
    overdue_count_2y: int | None = None
    first_loan: bool | None = None  # 首贷户: never borrowed from a bank
    existing_debt: int | None = None  # 元
    vc_backed: bool | None = None
    last_round: str | None = None
    valuation: int | None = None  # 元, last round post-money
    phd_count: int | None = None
    high_level_talent_count: int | None = None  # 高层次人才 (national/provincial programmes)
    legal_rep_age: int | None = None  # 法定代表人年龄, 岁
    legal_rep_share: float | None = None  # 法定代表人持股比例, percent
    overdue_30d: bool | None = None  # 当前逾期30天以上
    overdue_90d: bool | None = None  # 当前逾期90天以上
    overdue_3x6: bool | None = None  # 近两年贷款逾期连三累六
    abnormal_operation: bool | None = None  # 列入经营异常名录
    tax_paid: int | None = None  # 元, last year
    taxable_sales: int | None = None  # 元, last year (应税销售收入)
    profitable_2y: bool | None = None  # 近两年均盈利
    new_hires: int | None = None  # 上年度新增就业人数
    custom: Mapping[str, Any] = field(default_factory=dict)  # organizer-defined, e.g. 白名单
    lists: Mapping[str, tuple[date | None, date | None]] = field(default_factory=dict)  # 名单 key -> validity


@dataclass(frozen=True)
class FinancingNeed:
    """A financing need an enterprise posted."""

    id: str
    kind: str  # a key of KINDS
    amount: int | None = None  # 元
    term_months: int | None = None
    purpose: str | None = None
    collateral: tuple[str, ...] | None = None  # e.g. ("知识产权",)
    collateral_value: int | None = None  # 元, appraised value of the collateral offered
    acceptable_rate: float | None = None  # percent per year
    pledged_ip_remaining_years: float | None = None  # 质押专利剩余保护期 (the shortest), years
    pledged_ip_value: int | None = None  # 元, appraised value of the pledged IP
    custom: Mapping[str, Any] = field(default_factory=dict)  # organizer-defined need fields (need.custom.<key>)


@dataclass(frozen=True)
class AmountTier:
    """One row of a tiered amount rule: `max` applies when `when` holds (None: always)."""

    max: int
    when: Node | None = None
    label: str = ""


@dataclass(frozen=True)
class AmountRule:
    """How much a product lends one enterprise.

    Exactly one of: `tiers` (first tier whose condition passes wins), `share_field` with
    `share_percent` (e.g. 50% of need.collateral_value, floored to whole 元, capped by `max`
    if given), `expr` (a money expression, e.g. 最近估值 × 50% − 现有负债, floored to whole 元,
    capped by `max`), or a fixed `max`. `min` is the smallest amount the product grants: an enterprise
    whose computed maximum falls below it is not eligible.
    """

    max: int | None = None
    tiers: tuple[AmountTier, ...] = ()
    share_field: str | None = None
    share_percent: float | None = None
    min: int | None = None
    expr: Expr | None = None


@dataclass(frozen=True)
class TermRule:
    """Loan or cover term the product offers, in months (either end may be open)."""

    min_months: int | None = None
    max_months: int | None = None


@dataclass(frozen=True)
class Product:
    """A financial product with its eligibility criteria."""

    id: str
    name: str
    provider: str
    kind: str
    criteria: Node | None = None
    amount: AmountRule | None = None
    term: TermRule | None = None
    regions: tuple[str, ...] = ()  # "省/市/区" prefixes served; empty: everywhere
    industry_chains: tuple[str, ...] = ()  # chains the product targets (fit score only)
    policy_instruments: tuple[str, ...] = ()  # 贴息, 风险补偿资金池, 政府性融资担保, 保费补贴
    rate: str | None = None


@dataclass(frozen=True)
class Policy:
    """A policy in the 政策库 (subsidy, scheme), matched with the same engine as products.

    A policy answers no particular need: kind_match is always True and need fields are not
    evaluated. `amount` (optional) is the most the policy grants one enterprise.
    """

    id: str
    name: str
    issuer: str
    criteria: Node | None = None
    amount: AmountRule | None = None
    regions: tuple[str, ...] = ()
    industry_chains: tuple[str, ...] = ()
    support: str | None = None  # what it gives, e.g. "贴息 50%"


@dataclass(frozen=True)
class PlatformRule:
    """An organizer-wide rule every product (and by default policy) must also satisfy."""

    id: str
    text: str
    criteria: Node
    applies_to_policies: bool = True


Offer = Product | Policy
