"""Enterprise profiles: what an enterprise tells about itself, saved with a full revision each time.

The same column list drives the profile form, the import template and the API, so the three
cannot disagree on what a field means or how it is checked.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput, NotAllowed
from matchmaker.matching import model as matching
from matchmaker.models import CustomField, EnterpriseProfile, Organization, OrganizationKind, ProfileRevision, User
from matchmaker.services.registry import columns as c
from matchmaker.services.registry import provenance
from matchmaker.services.audit import audit
from matchmaker.services.listing import Listing, listing_of
from matchmaker.services.registry.custom_fields import custom_column, custom_fields
from matchmaker.services.registry.industries import parse_industry

#: Qualifications a programme asks about, in the order the form shows them.
QUALIFICATIONS = ("高新技术企业", "科技型中小企业", "专精特新中小企业", "专精特新“小巨人”企业", "创新型中小企业",
                  "瞪羚企业", "制造业单项冠军", "独角兽企业")
#: Only the 高企 certificate carries a validity the enterprise states (3 years, 《认定管理办法》第十条).
QUALIFICATIONS_WITH_VALIDITY = ("高新技术企业",)

SECTIONS: dict[str, tuple[c.Column, ...]] = {
    "基本信息": (
        c.Column("province", "所在省份", max_length=32, example="浙江省"),
        c.Column("city", "所在城市", max_length=32, example="星河市"),
        c.Column("district", "所在区县", max_length=32, example="高新区"),
        c.Column("industry_code", "国民经济行业（GB/T 4754 小类代码）", max_length=60, example="C3911"),
        c.Column("industry_chains", "所属产业链", c.LIST, example="信息产业、人工智能"),
        c.Column("size_class", "企业规模", c.CHOICE, choices=matching.SIZE_CLASSES, example="小"),
        c.Column("established_on", "成立日期", c.DATE, example="2016-05-18"),
        c.Column("employees", "职工人数", c.INTEGER, example=86),
        c.Column("rd_staff_ratio", "研发人员占比（%）", c.PERCENT, example=32.5),
        c.Column("new_hires", "上年度新增就业人数", c.INTEGER, example=12),
        c.Column("legal_rep_age", "法定代表人年龄（岁）", c.INTEGER, minimum=16, maximum=120, example=45),
        c.Column("legal_rep_share", "法定代表人持股比例（%）", c.PERCENT, example=35),
    ),
    "经营与财务": (
        c.Column("revenue", "上年度营业收入（万元）", c.MONEY, example=5200),
        c.Column("total_assets", "资产总额（万元）", c.MONEY, example=8600),
        c.Column("rd_ratio", "研发投入占营业收入比例（%）", c.PERCENT, example=8.6),
        c.Column("profitable", "上年度是否盈利", c.BOOL, example="是"),
        c.Column("profitable_2y", "近两年均盈利", c.BOOL, example="是"),
        c.Column("tax_paid", "上年度纳税总额（万元）", c.MONEY, example=260),
        c.Column("taxable_sales", "上年度应税销售收入（万元）", c.MONEY, example=4800),
        c.Column("tax_rating", "纳税信用等级", c.CHOICE, choices=matching.TAX_RATINGS, example="A"),
        c.Column("existing_debt", "现有负债（万元）", c.MONEY, example=1500),
        c.Column("first_loan", "首贷户（从未在银行贷款）", c.BOOL, example="否"),
        c.Column("vc_backed", "获得创投投资", c.BOOL, example="是"),
        c.Column("last_round", "最近融资轮次", max_length=32, example="A轮"),
        c.Column("valuation", "最近估值（万元）", c.MONEY, example=30000),
    ),
    "知识产权与人才": (
        c.Column("invention_patents", "发明专利（件）", c.INTEGER, example=12),
        c.Column("utility_patents", "实用新型专利（件）", c.INTEGER, example=25),
        c.Column("design_patents", "外观设计专利（件）", c.INTEGER, example=3),
        c.Column("software_copyrights", "软件著作权（件）", c.INTEGER, example=18),
        c.Column("ic_layouts", "集成电路布图设计（件）", c.INTEGER, example=0),
        c.Column("plant_varieties", "植物新品种（件）", c.INTEGER, example=0),
        c.Column("trademarks", "注册商标（件）", c.INTEGER, example=6),
        c.Column("phd_count", "博士人数", c.INTEGER, example=4),
        c.Column("high_level_talent_count", "高层次人才人数", c.INTEGER, example=2),
    ),
    "信用记录": (
        c.Column("dishonest_debtor", "列入失信被执行人", c.BOOL, example="否"),
        c.Column("serious_violation", "列入严重违法失信名单", c.BOOL, example="否"),
        c.Column("current_overdue", "当前有逾期贷款", c.BOOL, example="否"),
        c.Column("overdue_count_2y", "近两年逾期次数", c.INTEGER, example=0),
        c.Column("overdue_30d", "当前逾期30天以上", c.BOOL, example="否"),
        c.Column("overdue_90d", "当前逾期90天以上", c.BOOL, example="否"),
        c.Column("overdue_3x6", "近两年逾期连三累六", c.BOOL, example="否"),
        c.Column("abnormal_operation", "列入经营异常名录", c.BOOL, example="否"),
    ),
    "联系人": (
        c.Column("contact_name", "联系人", max_length=50, example="林晓峰"),
        c.Column("contact_phone", "联系电话", max_length=32, example="0571-88886666"),
        c.Column("contact_email", "联系邮箱", max_length=254, example="finance@example.cn"),
    ),
}
QUALIFICATION_COLUMNS = tuple(
    [c.Column(f"qual.{name}", f"{name}（取得日期）", c.DATE, example="2023-12-08" if name == "高新技术企业" else "")
     for name in QUALIFICATIONS]
    + [c.Column(f"qual_valid.{name}", f"{name}（有效期至）", c.DATE, example="2026-12-07")
       for name in QUALIFICATIONS_WITH_VALIDITY]
)
PROFILE_COLUMNS: tuple[c.Column, ...] = tuple(col for section in SECTIONS.values() for col in section)


@dataclass(frozen=True)
class ProfileSettings:
    """What the city configured: its key industry chains."""

    industry_chains: Sequence[str]


def profile_columns(chains: Sequence[str], declared: Sequence[CustomField]) -> list[c.Column]:
    """Every column of the profile in form order (chains limited to the configured ones)."""
    base = [c.Column(col.key, col.header, col.kind, choices=tuple(chains), example=col.example)
            if col.key == "industry_chains" else col for col in PROFILE_COLUMNS]
    return [*base, *QUALIFICATION_COLUMNS, *(custom_column(field) for field in declared)]


def parse_profile(raw: Mapping[str, Any], *, chains: Sequence[str], declared: Sequence[CustomField],
                  json: bool = False, today: date | None = None) -> dict[str, Any]:
    """Form/Excel/JSON values -> the profile's stored fields; InvalidInput naming every bad field.
    Every column is read: one that `raw` leaves out is stored empty (a form sends them all)."""
    return _stored(parse_profile_values(raw, chains=chains, declared=declared, json=json, today=today))


def parse_profile_values(raw: Mapping[str, Any], *, chains: Sequence[str], declared: Sequence[CustomField],
                         json: bool = False, today: date | None = None,
                         only_present: bool = False) -> dict[str, Any]:
    """The flat value of each column (``qual.*`` and ``custom.*`` unfolded); with `only_present`,
    of the columns `raw` names only, which is how an import changes just what its file mentions."""
    cols = profile_columns(chains, declared)
    values, problems = c.parse_each(cols, raw, json=json, only_present=only_present)
    if "industry_code" in values:
        try:
            values["industry_code"] = parse_industry(values["industry_code"])
        except ValueError as error:
            problems["industry_code"] = f"国民经济行业：{error}"
    established = values.get("established_on")
    if established and established > (today or date.today()):
        problems["established_on"] = "成立日期：不能晚于今天"
    for key in [k for k in values if k.startswith("qual.")]:
        obtained = values.get(key)
        if obtained and obtained > (today or date.today()):
            problems[key] = f"{key[5:]}取得日期：不能晚于今天"
    if problems:
        raise InvalidInput(problems)
    return values


def merged_profile(profile: EnterpriseProfile | None, changes: Mapping[str, Any],
                   declared: Sequence[CustomField]) -> dict[str, Any]:
    """The stored fields of `profile` with the flat `changes` applied and every other value kept."""
    if profile is None:
        return _stored(dict(changes))
    row = _stored({**flat_values(profile, declared), **changes})
    # Values no column describes (a custom field since removed, a qualification no longer listed)
    # are not the file's to erase either.
    declared_keys = {field.key for field in declared}
    row["custom"] = {**{k: v for k, v in profile.custom.items() if k not in declared_keys}, **row["custom"]}
    row["qualifications"] = {**{k: v for k, v in profile.qualifications.items() if k not in QUALIFICATIONS},
                             **row["qualifications"]}
    return row


def _stored(values: dict[str, Any]) -> dict[str, Any]:
    """Fold the flat qual.* and custom.* columns into the model's JSON fields."""
    row: dict[str, Any] = {"qualifications": {}, "custom": {}}
    for key, value in values.items():
        if key.startswith("qual."):
            if value:
                row["qualifications"].setdefault(key[5:], {})["obtained"] = value.isoformat()
        elif key.startswith("qual_valid."):
            if value:
                row["qualifications"].setdefault(key[11:], {})["valid_until"] = value.isoformat()
        elif key.startswith("custom."):
            if value not in (None, ""):
                row["custom"][key[7:]] = value.isoformat() if isinstance(value, date) else value
        else:
            row[key] = value
    # a validity without the date obtained means nothing to the engine
    row["qualifications"] = {k: v for k, v in row["qualifications"].items() if "obtained" in v}
    return row


def flat_values(profile: EnterpriseProfile, declared: Sequence[CustomField]) -> dict[str, Any]:
    """The profile as one value per column (inverse of `_stored`), for forms and export."""
    values: dict[str, Any] = {col.key: getattr(profile, col.key) for col in PROFILE_COLUMNS}
    for name in QUALIFICATIONS:
        held = profile.qualifications.get(name, {})
        values[f"qual.{name}"] = date.fromisoformat(held["obtained"]) if held.get("obtained") else None
        if name in QUALIFICATIONS_WITH_VALIDITY:
            values[f"qual_valid.{name}"] = (date.fromisoformat(held["valid_until"]) if held.get("valid_until")
                                            else None)
    for field in declared:
        value = profile.custom.get(field.key)
        values[f"custom.{field.key}"] = date.fromisoformat(value) if field.type == "date" and value else value
    return values


def form_values(profile: EnterpriseProfile, declared: Sequence[CustomField]) -> dict[str, str]:
    """The profile as the text a form shows (money in 万元)."""
    cols = {col.key: col for col in profile_columns((), declared)}
    return {key: str(cols[key].show(value)) for key, value in flat_values(profile, declared).items() if key in cols}


def _snapshot(profile: EnterpriseProfile) -> dict[str, Any]:
    data = {col.key: getattr(profile, col.key) for col in PROFILE_COLUMNS}
    data.update(qualifications=profile.qualifications, custom=profile.custom)
    return snapshot_of(data)


def snapshot_of(row: dict[str, Any]) -> dict[str, Any]:
    """A stored profile row as JSON for its revision (dates as ISO text)."""
    data = {col.key: row.get(col.key) for col in PROFILE_COLUMNS}
    data.update(qualifications=row.get("qualifications", {}), custom=row.get("custom", {}))
    return {k: v.isoformat() if isinstance(v, date) else v for k, v in data.items()}


async def profile_of(enterprise: Organization) -> EnterpriseProfile:
    """The enterprise's profile (an unsaved empty one before the first save)."""
    profile = await EnterpriseProfile.get_or_none(organization_id=enterprise.pk)
    return profile or EnterpriseProfile(organization_id=enterprise.pk)


async def save_profile(enterprise: Organization, *, raw: Mapping[str, Any], settings: ProfileSettings,
                       by: User | None, json: bool = False,
                       source: provenance.Source = provenance.SELF) -> EnterpriseProfile:
    """Replace the profile with `raw` and keep a revision; audit `profile.update`. The fields whose
    value changes are recorded as coming from `source` (the enterprise's form unless told)."""
    if enterprise.kind != OrganizationKind.ENTERPRISE:
        raise NotAllowed("只有企业有企业画像")
    declared = await custom_fields()
    row = parse_profile(raw, chains=settings.industry_chains, declared=declared, json=json)
    async with in_transaction():
        return await write_profile(enterprise, row, by=by, source=source)


async def write_profile(enterprise: Organization, row: dict[str, Any], *, by: User | None,
                        action: str = "profile.update", source: provenance.Source = provenance.SELF,
                        stamp: set[str] | None = None) -> EnterpriseProfile:
    """Store an already parsed `row` (inside the caller's transaction) with its revision, audit and
    provenance: the changed fields, or every filled field of `stamp` (an import's columns), get `source`."""
    profile = await EnterpriseProfile.get_or_none(organization_id=enterprise.pk)
    before = _snapshot(profile) if profile else None
    if profile is None:
        profile = await EnterpriseProfile.create(organization_id=enterprise.pk, **row)
    else:
        profile.update_from_dict(row)
        await profile.save()
    after = _snapshot(profile)
    await ProfileRevision.create(profile=profile, saved_by=by, data=after)
    changed = sorted(k for k in after if before is None or before.get(k) != after[k])
    flat_after = provenance.flat_snapshot(after)
    filled, emptied = provenance.changed_fields(provenance.flat_snapshot(before) if before else None, flat_after)
    if stamp is not None:
        filled = {key for key in stamp if not provenance.is_empty(flat_after.get(key))}
    await provenance.record_sources(profile, stamped=filled, emptied=emptied, source=source, by=by)
    await audit(by, action, profile, organization=enterprise, after={"changed": changed})
    return profile


async def record_derived(enterprise: Organization, changes: Mapping[str, Any], *, stage: str,
                         by: User | None) -> EnterpriseProfile | None:
    """A stage of the platform sets plain profile fields (e.g. a first disbursement: first_loan=False),
    recorded as 平台推算 with the stage; nothing happens when the values are already so.
    Call inside the transaction that records the stage."""
    keys = {col.key for col in PROFILE_COLUMNS}
    unknown = sorted(set(changes) - keys)
    if unknown:
        raise ValueError(f"not plain profile fields: {unknown}")
    profile = await EnterpriseProfile.get_or_none(organization_id=enterprise.pk)
    if profile is not None and all(getattr(profile, key) == value for key, value in changes.items()):
        return profile
    row = dict(changes) if profile is None else {**{k: getattr(profile, k) for k in keys}, **changes}
    return await write_profile(enterprise, row, by=by, action="profile.derive",
                               source=provenance.Source.derived(stage), stamp=set(changes))


async def enterprise_library(*, chain: str = "") -> list[EnterpriseProfile]:
    """The enterprise library institutions and organizers browse, by name, optionally one chain's."""
    rows = await EnterpriseProfile.all().prefetch_related("organization").order_by("organization__name")
    return [profile for profile in rows if not chain or chain in profile.industry_chains]


async def enterprise_listing(*, chain: object = "", page: object = 1, chains: Iterable[str] = ()) -> Listing:
    """One page of the enterprise library, optionally one chain's, with every chain's count."""
    rows = await enterprise_library()
    counts = Counter(name for profile in rows for name in profile.industry_chains)
    chosen = str(chain or "")
    chosen = chosen if chosen in set(chains) else ""
    shown = [profile for profile in rows if not chosen or chosen in profile.industry_chains]
    return listing_of(shown, page=page, state=chosen, counts={name: counts.get(name, 0) for name in chains},
                      overall=len(rows))


async def revisions_of(enterprise: Organization, *, limit: int = 20) -> list[ProfileRevision]:
    return await (ProfileRevision.filter(profile__organization_id=enterprise.pk)
                  .order_by("-id").limit(limit).prefetch_related("saved_by"))
