"""Excel: export the pipeline, fill it, upload it back; all or nothing, every bad cell by row and column."""

from __future__ import annotations

import io
from datetime import timedelta

import pytest
from openpyxl import Workbook, load_workbook

from matchmaker.models import NeedStatus
from matchmaker.models.outcomes import LeadRecord, LeadStage
from matchmaker.services.outcomes import leads, workbook
from tests.services.outcomes.factories import accepted_lead


def _save(book: Workbook) -> bytes:
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def _filled(data: bytes, rows: dict[int, dict[str, object]]) -> bytes:
    """The exported workbook with `rows` (Excel row number -> header -> value) filled in."""
    book = load_workbook(io.BytesIO(data))
    sheet = book[workbook.SHEET]
    headers = [c.value for c in sheet[1]]
    for number, values in rows.items():
        for header, value in values.items():
            sheet.cell(row=number, column=headers.index(header) + 1, value=value)
    return _save(book)


async def test_export_then_upload_records_every_row_in_order(db):
    setup = await accepted_lead()
    day = (leads.today() - timedelta(days=2)).isoformat()
    exported = await workbook.export_pipeline(setup.bank)
    sheet = load_workbook(io.BytesIO(exported), read_only=True)[workbook.SHEET]
    header, first = list(sheet.iter_rows(values_only=True))[:2]
    assert first[0] == setup.lead.pk and first[header.index("当前阶段")] == "已对接"

    filled = _filled(exported, {2: {"新阶段": "已授信", "日期": day, "金额（万元）": 500, "利率（%）": 3.45,
                                    "期限（月）": 12, "担保方式": "信用"},
                                3: {workbook.ID: setup.lead.pk, "新阶段": "已放款", "日期": day, "金额（万元）": 200}})
    count = await workbook.bulk_update(setup.bank, filled, by=setup.bank_user)

    assert count == 2
    records = await LeadRecord.filter(lead=setup.lead).order_by("id")
    assert [(r.stage, r.amount, r.rate_bp) for r in records] == [(LeadStage.APPROVED, 5_000_000, 345),
                                                                 (LeadStage.DISBURSED, 2_000_000, None)]
    await setup.need.refresh_from_db()
    assert setup.need.status == NeedStatus.GRANTED
    assert sum(r.first_loan for r in records) == 1


async def test_every_bad_cell_is_reported_and_nothing_is_written(db):
    setup = await accepted_lead()
    other = await accepted_lead()
    day = (leads.today() - timedelta(days=1)).isoformat()
    exported = await workbook.export_pipeline(setup.bank)
    filled = _filled(exported, {
        2: {"新阶段": "有意向", "日期": day, "金额（万元）": -3},
        3: {workbook.ID: other.lead.pk, "新阶段": "有意向", "日期": day},          # another bank's lead
        4: {workbook.ID: 987654, "新阶段": "有意向", "日期": day},                 # no such lead
        5: {workbook.ID: setup.lead.pk, "新阶段": "已放款", "日期": "2099-01-01", "金额（万元）": 1},
        6: {workbook.ID: setup.lead.pk, "新阶段": "签约", "日期": "昨天"},
    })
    with pytest.raises(workbook.WorkbookRefused) as error:
        await workbook.bulk_update(setup.bank, filled, by=setup.bank_user)

    found = {(p.row, p.column): p.message for p in error.value.problems}
    assert found[(2, "金额（万元）")] == "金额不能为负数"
    assert found[(3, "线索编号")] == f"本机构没有编号为 {other.lead.pk} 的线索"
    assert found[(4, "线索编号")] == "本机构没有编号为 987654 的线索"
    assert found[(5, "日期")] == "日期不能晚于今天"
    assert found[(6, "日期")] == "日期格式应为 2026-12-08"
    assert not await LeadRecord.exists()


async def test_formulas_a_wrong_sheet_and_a_non_workbook_are_refused(db):
    setup = await accepted_lead()
    exported = await workbook.export_pipeline(setup.bank)
    formula = _filled(exported, {2: {"新阶段": "有意向", "金额（万元）": "=1+1"}})
    wrong = Workbook()
    wrong.active.title = "Sheet1"
    wrong.active.append(["线索编号", "新阶段"])

    for data, text in ((formula, "含公式"), (_save(wrong), "没有名为「对接线索」的工作表"),
                       (b"not a workbook", "不是 Excel 工作簿")):
        with pytest.raises(workbook.WorkbookRefused) as error:
            await workbook.bulk_update(setup.bank, data, by=setup.bank_user)
        assert text in error.value.message
    assert not await LeadRecord.exists()
