"""A department's partial feed of the new programme fields (税务: tax paid, taxable sales; 市场监管:
经营异常名录; 人行: overdue flags) changes only its columns, records where the values came from, and
the tax figures are financial figures under the consent rules."""

from __future__ import annotations

from matchmaker.models import ProfileValueSource, ValueOrigin
from matchmaker.services.accounts.consent import EVERYTHING, FINANCIAL_FIELDS, NOTHING
from matchmaker.services.registry import provenance
from matchmaker.services.registry.io.transfer import import_file, make_context
from tests.services.registry.test_partial_import import _stored, enterprise  # noqa: F401 (fixture)
from tests.services.registry.test_registry_io import CHAINS, LIMITS, workbook


async def test_a_tax_feed_of_the_new_fields_keeps_every_other_field_and_records_its_source(enterprise):  # noqa: F811
    before = await _stored(enterprise)
    ctx = await make_context(chains=CHAINS, source=provenance.Source.imported("税务2025.xlsx", source="税务数据",
                                                                              verified=True))
    data = workbook(["统一社会信用代码", "企业名称", "上年度纳税总额（万元）", "上年度应税销售收入（万元）",
                     "列入经营异常名录", "近两年逾期连三累六"], [enterprise, "甲科技有限公司", 260, 4800, "否", "否"])

    await import_file("enterprises", "税务2025.xlsx", data, ctx=ctx, limits=LIMITS)

    after = await _stored(enterprise)
    changed = {"tax_paid", "taxable_sales", "abnormal_operation", "overdue_3x6"}
    assert (after["tax_paid"], after["taxable_sales"]) == (2_600_000, 48_000_000)
    assert (after["abnormal_operation"], after["overdue_3x6"]) == (False, False)
    assert {k: v for k, v in after.items() if k not in changed} == {k: v for k, v in before.items() if k not in changed}
    assert before["legal_rep_age"] is None and after["legal_rep_age"] is None
    sources = {row.field: (row.origin, row.source, row.verified)
               for row in await ProfileValueSource.filter(profile__organization__uscc=enterprise)}
    assert sources["tax_paid"] == (ValueOrigin.IMPORT, "税务数据", True)
    assert sources["taxable_sales"] == (ValueOrigin.IMPORT, "税务数据", True)


def test_tax_and_profit_figures_are_financial_figures_under_consent():
    assert {"tax_paid", "taxable_sales", "profitable_2y"} <= FINANCIAL_FIELDS
    assert all(NOTHING.hides(key) and not EVERYTHING.hides(key) for key in ("tax_paid", "taxable_sales", "profitable_2y"))
    assert not NOTHING.hides("legal_rep_age") and not NOTHING.hides("abnormal_operation")  # not financial figures
