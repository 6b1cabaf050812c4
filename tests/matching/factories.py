"""Factories for matching tests: defaults that pass the usual criteria, overridable per test."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

from matchmaker.matching.compiled import CompiledOffer, compile_offer
from matchmaker.matching.criteria import parse_criteria
from matchmaker.matching.fields import FieldRegistry, FieldType, custom_field, default_fields
from matchmaker.matching.model import AmountRule, EnterpriseProfile, FinancingNeed, PlatformRule, Product, Region

AS_OF = date(2026, 6, 30)
FIXTURES = Path(__file__).parent / "fixtures"
FIELDS = default_fields().with_custom([custom_field("白名单", FieldType.BOOL), custom_field("创新积分", FieldType.NUMBER),
                                       custom_field("园区", FieldType.TEXT)])


def make_enterprise(**overrides: Any) -> EnterpriseProfile:
    values: dict[str, Any] = dict(uscc="91330108MA27XXXX0X", name="示例科技有限公司",
                                  region=Region("浙江省", "杭州市", "滨江区"), dishonest_debtor=False,
                                  serious_violation=False)
    values.update(overrides)
    return EnterpriseProfile(**values)


def make_need(**overrides: Any) -> FinancingNeed:
    values: dict[str, Any] = dict(id="N1", kind="credit_loan", amount=2_000_000, term_months=12)
    values.update(overrides)
    return FinancingNeed(**values)


def leaf(field: str, op: str, value: Any = None, id: str = "c1") -> dict[str, Any]:
    return {"id": id, "field": field, "op": op, "value": value}


def make_product(criteria: dict[str, Any] | None = None, *, fields: FieldRegistry = FIELDS,
                 rules: tuple[PlatformRule, ...] = (), **overrides: Any) -> CompiledOffer:
    values: dict[str, Any] = dict(id="P1", name="测试贷", provider="测试银行", kind="credit_loan",
                                  criteria=None if criteria is None else parse_criteria(criteria))
    values.update(overrides)
    return compile_offer(Product(**values), fields, rules)


def fixed(max_amount: int) -> AmountRule:
    return AmountRule(max=max_amount)


def load_fixture(name: str) -> Any:
    return json.loads((FIXTURES / name).read_text(encoding="utf-8"))
