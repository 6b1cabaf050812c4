"""The field registry: every field a criterion may test, in ONE place.

Each `Field` has its key (as written in criteria JSON), Chinese label, type, unit and, for
derived fields, its definition — both as text (shown in the criteria editor and in
docs/formats.md) and as the getter that computes it. Both evaluation paths (per pair with
reasons, and vectorised over columns) read values only through `Field.value`, so they cannot
disagree on what a field means.

Conventions: money in integer 元; percent in percentage points (3.0 is 3%); `None` is 未填写.

Key families:
- plain enterprise fields (`rd_ratio`, `tax_rating`, …) and derived fields (`years_established`,
  `ip_class1`, `debt_ratio`, …);
- `qualification_age_years.<资质名>`: years since that qualification was obtained (any name);
- `custom.<名称>`: organizer-defined custom fields, known only once declared
  (`FieldRegistry.with_custom`);
- `list.<key>`: membership of an organizer's list (名单) valid on the as-of date
  (`FieldRegistry.with_lists`, values in `EnterpriseProfile.lists`);
- `need.custom.<名称>`: organizer-defined need fields (`need_custom_field`), need fields like the rest;
- `need.*` and `debt_ratio_after_loan`: read the financing need; they are evaluated only when
  the need's kind family matches the product's (see `Field.needs_need`).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass
from datetime import date
from enum import Enum
from typing import TYPE_CHECKING, Any

from matchmaker.matching.dates import last_valid_day, years_between

if TYPE_CHECKING:
    from matchmaker.matching.model import EnterpriseProfile, FinancingNeed


class FieldType(str, Enum):
    NUMBER = "number"
    MONEY = "money"
    PERCENT = "percent"
    DATE = "date"
    BOOL = "bool"
    ENUM = "enum"
    TEXT = "text"
    SET = "set"


NUMERIC_TYPES = frozenset({FieldType.NUMBER, FieldType.MONEY, FieldType.PERCENT, FieldType.DATE})

#: Which operators fit which field type (validate_criteria rejects the others).
OPERATORS_BY_TYPE: Mapping[FieldType, frozenset[str]] = {
    **{t: frozenset({"eq", "ne", "lt", "le", "gt", "ge", "in", "nin"}) for t in NUMERIC_TYPES},
    FieldType.BOOL: frozenset({"true", "false", "eq", "ne"}),
    FieldType.ENUM: frozenset({"eq", "ne", "in", "nin"}),
    FieldType.TEXT: frozenset({"eq", "ne", "in", "nin", "contains"}),
    # on a set: contains X = holds X; in [..] = holds any of them; nin [..] = holds none
    FieldType.SET: frozenset({"contains", "in", "nin"}),
}

Getter = Callable[["EnterpriseProfile", "FinancingNeed | None", date], Any]

#: Qualifications whose certificate lapses after some years unless the profile gives an
#: explicit end date. 《高新技术企业认定管理办法》第十条: 资格自颁发证书之日起有效期为三年.
DEFAULT_VALIDITY_YEARS: Mapping[str, int] = {"高新技术企业": 3}

#: 《高新技术企业认定管理工作指引》: Ⅰ类 = 发明专利、集成电路布图设计专有权、植物新品种 …;
#: Ⅱ类 = 实用新型专利、外观设计专利、软件著作权. Trademarks are in neither class.
IP_CLASS1 = ("invention_patents", "ic_layouts", "plant_varieties")
IP_CLASS2 = ("utility_patents", "design_patents", "software_copyrights")
IP_ALL = IP_CLASS1 + IP_CLASS2 + ("trademarks",)


@dataclass(frozen=True)
class Field:
    """One testable field. `getter(enterprise, need, as_of)` returns the value or None."""

    key: str
    label: str
    type: FieldType
    getter: Getter
    unit: str = ""
    choices: tuple[str, ...] = ()
    definition: str = ""
    source: str = "enterprise"  # enterprise | derived | need | custom | list
    #: the English label where phrases.FIELD_LABELS_EN has none (lists, qualification ages)
    label_en: str = ""

    @property
    def needs_need(self) -> bool:
        """True if the value depends on the financing need (evaluated only on a kind match)."""
        return self.source == "need" or self.key == "debt_ratio_after_loan"

    def value(self, enterprise: EnterpriseProfile, need: FinancingNeed | None, as_of: date) -> Any:
        if self.needs_need and need is None:
            return None
        return self.getter(enterprise, need, as_of)


def _attr(name: str) -> Getter:
    return lambda e, n, d: getattr(e, name)


def _need_attr(name: str) -> Getter:
    return lambda e, n, d: getattr(n, name)


def _sum_filled(e: EnterpriseProfile, names: Iterable[str]) -> int | None:
    """Sum of the filled counts; None only when none of them is filled."""
    values = [getattr(e, name) for name in names]
    filled = [v for v in values if v is not None]
    return sum(filled) if filled else None


def held_qualifications(e: EnterpriseProfile, as_of: date) -> frozenset[str]:
    """Qualifications obtained on or before `as_of` and still valid on it."""
    held = set()
    for name, obtained in e.qualifications.items():
        if obtained > as_of:
            continue
        until = e.qualification_valid_until.get(name)
        if until is None and name in DEFAULT_VALIDITY_YEARS:
            until = last_valid_day(obtained, DEFAULT_VALIDITY_YEARS[name])
        if until is None or as_of <= until:
            held.add(name)
    return frozenset(held)


def _years_established(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> float | None:
    return None if e.established is None else years_between(e.established, as_of)


def _ratio_percent(numerator: int | None, denominator: int | None) -> float | None:
    # multiply before dividing so exact ratios (70%) come out exact (70.0, not 70.00000000000001)
    if numerator is None or not denominator:
        return None
    return numerator * 100 / denominator


def _debt_ratio_after_loan(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> float | None:
    if n is None or n.amount is None or e.existing_debt is None:
        return None
    return _ratio_percent(e.existing_debt + n.amount, e.total_assets)


def _innovation_score(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> float:
    # with the default weights; Subject and MatchIndex read it with the configured ones
    from matchmaker.matching.innovation import innovation_score

    return innovation_score(e, as_of).total


def _industry_prefix(length: int) -> Getter:
    return lambda e, n, d: e.industry[:length] if e.industry and len(e.industry) >= length else None


def _region_level(level: str) -> Getter:
    return lambda e, n, d: getattr(e.region, level)


def _set(value: Iterable[str] | None) -> frozenset[str] | None:
    return None if value is None else frozenset(value)


F = FieldType
INNOVATION_SCORE = "innovation_score"
_KIND_CHOICES = ("credit_loan", "ip_pledge_loan", "guaranteed_loan", "equity", "insurance", "leasing", "bond")

_BUILTIN: tuple[Field, ...] = (
    Field("uscc", "统一社会信用代码", F.TEXT, _attr("uscc")),
    Field("name", "企业名称", F.TEXT, _attr("name")),
    Field("province", "所在省份", F.TEXT, _region_level("province")),
    Field("city", "所在城市", F.TEXT, _region_level("city")),
    Field("district", "所在区县", F.TEXT, _region_level("district")),
    Field("industry", "国民经济行业代码", F.TEXT, _attr("industry"), definition="GB/T 4754 小类, 如 C3911"),
    Field("industry_section", "行业门类", F.TEXT, _industry_prefix(1), source="derived",
          definition="行业代码首字母 (GB/T 4754 门类), 如 C"),
    Field("industry_division", "行业大类", F.TEXT, _industry_prefix(3), source="derived",
          definition="行业代码前三位 (门类字母 + 大类两位), 如 C39"),
    Field("industry_chains", "所属产业链", F.SET, lambda e, n, d: _set(e.industry_chains)),
    Field("size_class", "企业规模", F.ENUM, _attr("size_class"), choices=("大", "中", "小", "微")),
    Field("established", "成立日期", F.DATE, _attr("established")),
    Field("years_established", "成立年限", F.NUMBER, _years_established, unit="年", source="derived",
          definition="成立日期至评估日的周年数 (按日历周年; 2月29日的周年在平年为2月28日), 含不足一年的小数部分"),
    Field("employees", "职工人数", F.NUMBER, _attr("employees"), unit="人"),
    Field("rd_staff_ratio", "研发人员占比", F.PERCENT, _attr("rd_staff_ratio"), unit="%"),
    Field("revenue", "营业收入", F.MONEY, _attr("revenue"), unit="万元"),
    Field("total_assets", "资产总额", F.MONEY, _attr("total_assets"), unit="万元"),
    Field("rd_ratio", "研发投入占比", F.PERCENT, _attr("rd_ratio"), unit="%"),
    Field("profitable", "是否盈利", F.BOOL, _attr("profitable")),
    Field("tax_rating", "纳税信用等级", F.ENUM, _attr("tax_rating"), choices=("A", "B", "M", "C", "D")),
    Field("invention_patents", "发明专利", F.NUMBER, _attr("invention_patents"), unit="件"),
    Field("utility_patents", "实用新型专利", F.NUMBER, _attr("utility_patents"), unit="件"),
    Field("design_patents", "外观设计专利", F.NUMBER, _attr("design_patents"), unit="件"),
    Field("software_copyrights", "软件著作权", F.NUMBER, _attr("software_copyrights"), unit="件"),
    Field("ic_layouts", "集成电路布图设计", F.NUMBER, _attr("ic_layouts"), unit="件"),
    Field("plant_varieties", "植物新品种", F.NUMBER, _attr("plant_varieties"), unit="件"),
    Field("trademarks", "注册商标", F.NUMBER, _attr("trademarks"), unit="件"),
    Field("ip_total", "知识产权总数", F.NUMBER, lambda e, n, d: _sum_filled(e, IP_ALL), unit="件",
          source="derived", definition="发明、实用新型、外观设计、软著、布图设计、植物新品种、商标之和 (未填写的项按 0 计, 全部未填写则为未填写)"),
    Field("ip_class1", "Ⅰ类知识产权", F.NUMBER, lambda e, n, d: _sum_filled(e, IP_CLASS1), unit="件",
          source="derived", definition="发明专利 + 集成电路布图设计 + 植物新品种 (高企认定Ⅰ类)"),
    Field("ip_class2", "Ⅱ类知识产权", F.NUMBER, lambda e, n, d: _sum_filled(e, IP_CLASS2), unit="件",
          source="derived", definition="实用新型 + 外观设计 + 软件著作权 (高企认定Ⅱ类)"),
    Field("qualifications", "有效资质", F.SET, lambda e, n, d: held_qualifications(e, d), source="derived",
          definition="评估日已取得且在有效期内的资质 (高新技术企业证书有效期3年, 另有截止日期的以截止日期为准)"),
    Field("dishonest_debtor", "失信被执行人", F.BOOL, _attr("dishonest_debtor")),
    Field("serious_violation", "严重违法失信", F.BOOL, _attr("serious_violation")),
    Field("current_overdue", "当前逾期", F.BOOL, _attr("current_overdue")),
    Field("overdue_count_2y", "近两年逾期次数", F.NUMBER, _attr("overdue_count_2y"), unit="次"),
    Field("first_loan", "首贷户", F.BOOL, _attr("first_loan")),
    Field("existing_debt", "现有负债", F.MONEY, _attr("existing_debt"), unit="万元"),
    Field("debt_ratio", "资产负债率", F.PERCENT, lambda e, n, d: _ratio_percent(e.existing_debt, e.total_assets),
          unit="%", source="derived", definition="现有负债 × 100 / 资产总额"),
    Field("debt_ratio_after_loan", "贷后资产负债率", F.PERCENT, _debt_ratio_after_loan, unit="%",
          source="derived", definition="(现有负债 + 需求金额) × 100 / 资产总额"),
    Field("vc_backed", "获得创投投资", F.BOOL, _attr("vc_backed")),
    Field("last_round", "最近融资轮次", F.TEXT, _attr("last_round")),
    Field("valuation", "最近估值", F.MONEY, _attr("valuation"), unit="万元"),
    Field("phd_count", "博士人数", F.NUMBER, _attr("phd_count"), unit="人"),
    Field("high_level_talent_count", "高层次人才人数", F.NUMBER, _attr("high_level_talent_count"), unit="人"),
    Field(INNOVATION_SCORE, "科创积分", F.NUMBER, _innovation_score, unit="分", source="derived",
          definition="评估日的科创积分 (0–100): 研发投入、研发人员、Ⅰ/Ⅱ类知识产权、人才与有效资质按平台配置的权重计分"),
    Field("need.kind", "需求类型", F.ENUM, _need_attr("kind"), choices=_KIND_CHOICES, source="need"),
    Field("need.amount", "需求金额", F.MONEY, _need_attr("amount"), unit="万元", source="need"),
    Field("need.term_months", "需求期限", F.NUMBER, _need_attr("term_months"), unit="个月", source="need"),
    Field("need.purpose", "资金用途", F.TEXT, _need_attr("purpose"), source="need"),
    Field("need.collateral", "可提供担保物", F.SET, lambda e, n, d: _set(n.collateral), source="need"),
    Field("need.collateral_value", "担保物评估价值", F.MONEY, _need_attr("collateral_value"), unit="万元",
          source="need"),
    Field("need.acceptable_rate", "可接受年利率", F.PERCENT, _need_attr("acceptable_rate"), unit="%", source="need"),
    # fields programmes test (issue 14)
    Field("legal_rep_age", "法定代表人年龄", F.NUMBER, _attr("legal_rep_age"), unit="岁"),
    Field("legal_rep_share", "法定代表人持股比例", F.PERCENT, _attr("legal_rep_share"), unit="%"),
    Field("overdue_30d", "当前逾期30天以上", F.BOOL, _attr("overdue_30d")),
    Field("overdue_90d", "当前逾期90天以上", F.BOOL, _attr("overdue_90d")),
    Field("overdue_3x6", "近两年逾期连三累六", F.BOOL, _attr("overdue_3x6"),
          definition="近两年内贷款逾期连续三期或累计六期"),
    Field("abnormal_operation", "列入经营异常名录", F.BOOL, _attr("abnormal_operation")),
    Field("tax_paid", "上年度纳税总额", F.MONEY, _attr("tax_paid"), unit="万元"),
    Field("taxable_sales", "上年度应税销售收入", F.MONEY, _attr("taxable_sales"), unit="万元"),
    Field("profitable_2y", "近两年均盈利", F.BOOL, _attr("profitable_2y"), definition="最近两个会计年度净利润均为正"),
    Field("new_hires", "上年度新增就业人数", F.NUMBER, _attr("new_hires"), unit="人"),
    Field("need.pledged_ip_remaining_years", "质押专利剩余保护期", F.NUMBER, _need_attr("pledged_ip_remaining_years"),
          unit="年", source="need", definition="拟质押专利中剩余保护期最短的一件"),
    Field("need.pledged_ip_value", "质押知识产权评估价值", F.MONEY, _need_attr("pledged_ip_value"), unit="万元",
          source="need"),
)

QUALIFICATION_AGE_PREFIX = "qualification_age_years."
CUSTOM_PREFIX = "custom."
NEED_CUSTOM_PREFIX = "need.custom."
LIST_PREFIX = "list."


def qualification_age_field(name: str) -> Field:
    """`qualification_age_years.<name>`: years since `name` was obtained (None if never)."""

    def getter(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> float | None:
        obtained = e.qualifications.get(name)
        return None if obtained is None else years_between(obtained, as_of)

    from matchmaker.matching.phrases import EN

    return Field(QUALIFICATION_AGE_PREFIX + name, f"{name}取得年限", F.NUMBER, getter, unit="年",
                 source="derived", definition=f"取得{name}之日至评估日的周年数 (计法同成立年限; 不论是否仍在有效期)",
                 label_en=f"Years since obtaining {EN.term(name)}")


def _typed_custom(value: Any, type: FieldType) -> Any:
    # custom values come from free-form forms and imports: a value of the wrong type is
    # treated as 未填写 rather than compared (and crashing) against a typed threshold
    if type in (FieldType.NUMBER, FieldType.MONEY, FieldType.PERCENT):
        return value if isinstance(value, (int, float)) and not isinstance(value, bool) else None
    if type is FieldType.BOOL:
        return value if isinstance(value, bool) else None
    if type is FieldType.SET:
        ok = isinstance(value, (list, tuple, set, frozenset)) and all(isinstance(v, str) for v in value)
        return frozenset(value) if ok else None
    if type is FieldType.DATE:
        try:
            return value if isinstance(value, date) else date.fromisoformat(value)
        except (TypeError, ValueError):
            return None
    return value if isinstance(value, str) else None


def custom_field(name: str, type: FieldType, *, label: str | None = None, unit: str = "",
                 choices: tuple[str, ...] = ()) -> Field:
    """An organizer-defined field `custom.<name>`, read from `EnterpriseProfile.custom[name]`."""

    def getter(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> Any:
        return _typed_custom(e.custom.get(name), type)

    return Field(CUSTOM_PREFIX + name, label or name, type, getter, unit=unit, choices=choices, source="custom")


def need_custom_field(name: str, type: FieldType, *, label: str | None = None, unit: str = "",
                      choices: tuple[str, ...] = ()) -> Field:
    """An organizer-defined need field `need.custom.<name>`, read from `FinancingNeed.custom[name]`;
    like every need field it is judged only when the need's kind family matches the product's."""

    def getter(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> Any:
        return None if n is None else _typed_custom(n.custom.get(name), type)

    return Field(NEED_CUSTOM_PREFIX + name, label or name, type, getter, unit=unit, choices=choices, source="need")


def list_field(key: str, *, label: str | None = None) -> Field:
    """`list.<key>`: the enterprise is on list `key` and the as-of date lies within the list's
    validity (`EnterpriseProfile.lists[key]` = (valid_from, valid_until), either end open)."""

    def getter(e: EnterpriseProfile, n: FinancingNeed | None, as_of: date) -> bool:
        validity = e.lists.get(key)
        if validity is None:
            return False
        start, end = validity
        return (start is None or start <= as_of) and (end is None or as_of <= end)

    name = label or key
    return Field(LIST_PREFIX + key, f"在名单“{name}”上（按评估日期有效）", F.BOOL, getter, source="list",
                 definition=f"企业在名单“{name}”上，且评估日期在名单有效期内",
                 label_en=f"On the list “{name}” (valid on the assessment date)")


class FieldRegistry:
    """The fields criteria may test: built-ins, `qualification_age_years.*`, declared customs."""

    def __init__(self, fields: Iterable[Field] = _BUILTIN) -> None:
        self._fields: dict[str, Field] = {f.key: f for f in fields}

    def get(self, key: str) -> Field | None:
        """The field for `key`, or None if no such field is known."""
        found = self._fields.get(key)
        if found is None and key.startswith(QUALIFICATION_AGE_PREFIX) and len(key) > len(QUALIFICATION_AGE_PREFIX):
            found = qualification_age_field(key[len(QUALIFICATION_AGE_PREFIX):])
            self._fields[key] = found
        return found

    def __contains__(self, key: object) -> bool:
        return isinstance(key, str) and self.get(key) is not None

    def __iter__(self) -> Iterator[Field]:
        return iter(self._fields.values())

    def with_custom(self, custom: Iterable[Field]) -> FieldRegistry:
        """A registry that also knows the organizer's custom fields (see `custom_field`)."""
        return FieldRegistry([*self._fields.values(), *custom])

    def with_lists(self, lists: Iterable[Field]) -> FieldRegistry:
        """A registry that also knows the organizer's lists (see `list_field`)."""
        return FieldRegistry([*self._fields.values(), *lists])


def default_fields() -> FieldRegistry:
    """The built-in registry (no custom fields declared)."""
    return FieldRegistry()
