"""ORM rows -> the matching engine's dataclasses. The ONLY place that translates between them.

Rows written through the registry forms are already checked; rows that still do not parse
(an old criteria tree, a hand-edited import) raise `CriteriaError`/`FormatError` here, and the
catalogue leaves such offers out rather than failing every page (see catalogue.py).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date
from typing import Any

from matchmaker import matching
from matchmaker.matching.formats import amount_rule_from_json
from matchmaker.models import (
    CustomField,
    EnterpriseProfile,
    FinancingNeed,
    Organization,
    PlatformRule,
    Policy,
    Product,
    RegistryList,
)

#: CustomField.type (the registry's form vocabulary) -> the engine's field type
CUSTOM_FIELD_TYPES: Mapping[str, matching.FieldType] = {
    "number": matching.FieldType.NUMBER, "percent": matching.FieldType.PERCENT,
    "money": matching.FieldType.MONEY, "bool": matching.FieldType.BOOL, "date": matching.FieldType.DATE,
    "enum": matching.FieldType.ENUM, "text": matching.FieldType.TEXT, "set": matching.FieldType.SET,
}


def _blank_to_none(value: str) -> str | None:
    return value or None  # CharFields store 未填写 as "", the engine as None


def _qualifications(raw: Mapping[str, Any]) -> tuple[dict[str, date], dict[str, date]]:
    """{"高新技术企业": {"obtained": "2024-11-20", "valid_until": …}} (or a bare date string)."""
    obtained: dict[str, date] = {}
    valid_until: dict[str, date] = {}
    for name, entry in (raw or {}).items():
        try:
            if isinstance(entry, str):
                obtained[name] = date.fromisoformat(entry)
                continue
            obtained[name] = date.fromisoformat(entry["obtained"])
            if entry.get("valid_until"):
                valid_until[name] = date.fromisoformat(entry["valid_until"])
        except (KeyError, TypeError, ValueError, AttributeError):
            continue  # an unreadable date counts as not holding the qualification (未填写)
    return obtained, valid_until


def enterprise_input(profile: EnterpriseProfile | None, organization: Organization, *,
                     lists: Mapping[str, tuple[date | None, date | None]] | None = None) -> matching.EnterpriseProfile:
    """The engine's view of an enterprise; without a profile row only its name and USCC are known.
    `lists`: the lists (名单) it is on, key -> validity (services.registry.lists.memberships)."""
    if profile is None:
        return matching.EnterpriseProfile(uscc=organization.uscc or str(organization.pk), name=organization.name,
                                          lists=dict(lists or {}))
    obtained, valid_until = _qualifications(profile.qualifications)
    return matching.EnterpriseProfile(
        uscc=organization.uscc or str(organization.pk),
        name=organization.name,
        region=matching.Region(_blank_to_none(profile.province), _blank_to_none(profile.city),
                               _blank_to_none(profile.district)),
        industry=_blank_to_none(profile.industry_code),
        industry_chains=tuple(profile.industry_chains or ()) or None,
        size_class=_blank_to_none(profile.size_class),
        established=profile.established_on,
        employees=profile.employees,
        rd_staff_ratio=profile.rd_staff_ratio,
        revenue=profile.revenue,
        total_assets=profile.total_assets,
        rd_ratio=profile.rd_ratio,
        profitable=profile.profitable,
        tax_rating=_blank_to_none(profile.tax_rating),
        invention_patents=profile.invention_patents,
        utility_patents=profile.utility_patents,
        design_patents=profile.design_patents,
        software_copyrights=profile.software_copyrights,
        ic_layouts=profile.ic_layouts,
        plant_varieties=profile.plant_varieties,
        trademarks=profile.trademarks,
        qualifications=obtained,
        qualification_valid_until=valid_until,
        dishonest_debtor=profile.dishonest_debtor,
        serious_violation=profile.serious_violation,
        current_overdue=profile.current_overdue,
        overdue_count_2y=profile.overdue_count_2y,
        first_loan=profile.first_loan,
        existing_debt=profile.existing_debt,
        vc_backed=profile.vc_backed,
        last_round=_blank_to_none(profile.last_round),
        valuation=profile.valuation,
        phd_count=profile.phd_count,
        high_level_talent_count=profile.high_level_talent_count,
        legal_rep_age=profile.legal_rep_age,
        legal_rep_share=profile.legal_rep_share,
        overdue_30d=profile.overdue_30d,
        overdue_90d=profile.overdue_90d,
        overdue_3x6=profile.overdue_3x6,
        abnormal_operation=profile.abnormal_operation,
        tax_paid=profile.tax_paid,
        taxable_sales=profile.taxable_sales,
        profitable_2y=profile.profitable_2y,
        new_hires=profile.new_hires,
        custom=dict(profile.custom or {}),
        lists=dict(lists or {}),
    )


def need_input(need: FinancingNeed) -> matching.FinancingNeed:
    return matching.FinancingNeed(
        id=str(need.pk), kind=str(need.kind), amount=need.amount, term_months=need.term_months,
        purpose=_blank_to_none(need.purpose_category) or _blank_to_none(need.purpose),
        collateral=tuple(need.collateral or ()) or None, collateral_value=need.collateral_value,
        acceptable_rate=need.acceptable_rate,
        pledged_ip_remaining_years=need.pledged_ip_remaining_years, pledged_ip_value=need.pledged_ip_value,
        custom=dict(need.custom or {}),
    )


def _criteria(raw: Any) -> matching.Node | None:
    return None if not raw else matching.parse_criteria(raw)


def _amount(raw: Any) -> matching.AmountRule | None:
    return None if not raw else amount_rule_from_json(raw, "amount_rule")


def product_input(product: Product, provider: str) -> matching.Product:
    """`provider` is the institution's name (passed in so that a list needs no query per row)."""
    term = None
    if product.term_min_months is not None or product.term_max_months is not None:
        term = matching.TermRule(product.term_min_months, product.term_max_months)
    return matching.Product(
        id=str(product.pk), name=product.name, provider=provider, kind=str(product.kind),
        criteria=_criteria(product.criteria), amount=_amount(product.amount_rule), term=term,
        regions=tuple(product.regions or ()), industry_chains=tuple(product.industry_chains or ()),
        policy_instruments=tuple(product.policy_instruments or ()), rate=_blank_to_none(product.rate_text),
    )


def policy_input(policy: Policy, issuer: str) -> matching.Policy:
    return matching.Policy(
        id=str(policy.pk), name=policy.name, issuer=issuer, criteria=_criteria(policy.criteria),
        amount=_amount(policy.amount_rule), regions=tuple(policy.regions or ()),
        industry_chains=tuple(policy.industry_chains or ()), support=_blank_to_none(policy.support),
    )


def platform_rule_input(rule: PlatformRule) -> matching.PlatformRule:
    criteria = matching.parse_criteria(rule.criteria)
    return matching.PlatformRule(str(rule.pk), rule.text, criteria, rule.applies_to_policies)


def field_registry(custom_fields: Iterable[CustomField],
                   lists: Iterable[RegistryList] = ()) -> matching.FieldRegistry:
    """Built-in fields plus the organizer's custom fields (custom.<key> on profiles, need.custom.<key>
    on needs; unknown types are skipped) and lists (list.<key>)."""
    declared = [(matching.need_custom_field if row.target == "need" else matching.custom_field)(
                    row.key, CUSTOM_FIELD_TYPES[row.type], label=row.label, choices=tuple(row.options or ()))
                for row in custom_fields if row.type in CUSTOM_FIELD_TYPES]
    return matching.default_fields().with_custom(declared).with_lists(
        [matching.list_field(row.key, label=row.name) for row in lists])
