"""The statistics workbook (openpyxl): a summary sheet, one sheet per breakdown, the monthly
trend, the 考核 ranking, and — for the organizer only — the meetings with their attendance
and the leads with their stages. Chinese headers, amounts as numbers in 万元, frozen header,
totals row, columns sized to fit."""

from __future__ import annotations

import io
from collections.abc import Callable, Sequence
from datetime import UTC, datetime
from types import MethodType
from zipfile import ZIP_DEFLATED, ZipFile

from openpyxl import Workbook
from openpyxl.cell import Cell, WriteOnlyCell
from openpyxl.styles import Alignment, Font, PatternFill
from openpyxl.utils import get_column_letter
from openpyxl.writer.excel import ExcelWriter

from matchmaker.services.reports.figures import headline_lines, wan
from matchmaker.services.reports.statistics import Statistics
from matchmaker.stats.assessment import INDICATOR_BY_KEY, formula
from matchmaker.stats.labels import (
    CONFIRMATION_LABELS,
    DIMENSION_LABELS,
    FINANCING_KIND_LABELS,
    MEETING_STATE_LABELS,
    STAGE_LABELS,
)
from matchmaker.stats.summary import Breakdown, BreakdownRow

WAN_FORMAT = "#,##0.00"
COUNT_FORMAT = "#,##0"
HEADER_FILL = PatternFill("solid", fgColor="DDE7F3")
BREAKDOWN_HEADERS = ("名称", "洽谈场次", "缺席场次", "服务企业数", "线索数", "意向金额（万元）", "授信笔数",
                     "授信金额（万元）", "放款笔数", "放款金额（万元）", "其中双方确认（万元）", "存在异议放款（万元）",
                     "首贷户数")


def breakdown_values(row: BreakdownRow) -> list:
    """One breakdown line as the workbook (and the page's table) shows it."""
    return [row.label, row.meetings_held, row.no_show, row.enterprises_served, row.leads,
            wan(row.intent.recorded.amount), row.approved.recorded.count, wan(row.approved.recorded.amount),
            row.disbursed.split.recorded.count, wan(row.disbursed.split.recorded.amount),
            wan(row.disbursed.split.confirmed.amount), wan(row.disbursed.split.disputed.amount),
            row.first_loans.enterprises]


def _styled(sheet, number_format: str | None = None, *, bold: bool = False, header: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet)
    if number_format:
        cell.number_format = number_format
    if bold or header:
        cell.font = Font(bold=True)
    if header:
        cell.fill = HEADER_FILL
        cell.alignment = Alignment(horizontal="center", vertical="center", wrap_text=True)
    return cell


def _append_header(sheet, headers) -> None:
    """The bold header row."""
    cells = []
    for text in headers:
        cell = _styled(sheet, header=True)
        cell.value = text
        cells.append(cell)
    sheet.append(cells)


def _sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence], *,
           total: Sequence | None = None, wan_columns: Sequence[int] = (), before: Sequence[Sequence] = (),
           after: Sequence[Sequence] = (), wan_rows: Callable[[Sequence], bool] | None = None) -> None:
    """One sheet in write-only mode (the detail sheets hold 100,000 rows): `before` rows above the
    header (bold label, value), the header frozen, numbers formatted, the totals row bold, widths
    fitted to the header and a sample of the rows. A styled cell per column and format is reused
    from row to row: openpyxl writes each cell as it is appended."""
    sheet = book.create_sheet(title[:31])
    sample = [*before, headers, *rows[:2000], *rows[2000::50], *([total] if total is not None else [])]
    for column in range(1, max((len(r) for r in sample), default=0) + 1):
        widest = max((_width(r[column - 1]) for r in sample if len(r) >= column), default=8)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(8, widest + 2), 48)
    sheet.freeze_panes = f"B{len(before) + 2}"
    for label, *values in (row or (None,) for row in before):
        cell = _styled(sheet, bold=True)
        cell.value = label
        sheet.append([cell, *values])
    _append_header(sheet, headers)
    wan = set(wan_columns)

    def formats(bold: bool) -> list[dict]:
        return [{"wan": _styled(sheet, WAN_FORMAT, bold=bold), "float": _styled(sheet, "0.00", bold=bold),
                 "int": _styled(sheet, COUNT_FORMAT, bold=bold), "text": _styled(sheet, bold=bold) if bold else None}
                for _ in range(len(headers))]

    plain, strong = formats(False), formats(True)

    def line(values: Sequence, styles: list[dict], all_wan: bool) -> list:
        out = []
        for column, value in enumerate(values):
            style = styles[column] if column < len(styles) else None
            if style is None or value is None or isinstance(value, bool):
                out.append(value)
                continue
            if isinstance(value, float | int) and (all_wan or column + 1 in wan):
                cell = style["wan"]
            elif isinstance(value, float):
                cell = style["float"]
            elif isinstance(value, int):
                cell = style["int"]
            elif style["text"] is not None:
                cell = style["text"]
            else:
                out.append(value)
                continue
            cell.value = value
            out.append(cell)
        return out

    for row in rows:
        sheet.append(line(row, plain, bool(wan_rows and wan_rows(row))))
    if total is not None:
        sheet.append(line(total, strong, False))
    for row in after:
        sheet.append(list(row))


def _cells_of_row(sheet, values: Sequence, row_index: int):
    """openpyxl's `WriteOnlyWorksheet._values_to_row` for rows that hold only plain values and
    `WriteOnlyCell`s, without the ValueError (and the cell's repr in its message) openpyxl raises
    and catches to tell a cell from a value, and without a new cell after each styled one: on
    the per-lead sheet's 300,000 amount cells that was a fifth of the workbook's time. Each cell
    is written out before the next one is made, so one plain cell serves the whole row."""
    plain = WriteOnlyCell(sheet)
    for column, value in enumerate(values, 1):
        if value is None:
            continue
        if isinstance(value, Cell):
            cell = value
        else:
            cell = plain
            cell.value = value
        cell.column, cell.row = column, row_index
        yield cell


def _detail_sheet(book: Workbook, title: str, headers: Sequence[str], rows: Sequence[Sequence], *,
                  wan_columns: Sequence[int] = ()) -> None:
    """A detail sheet (20,000 meetings, 100,000 leads): the values as they are, one reused cell
    with the 万元 format per amount column and nothing else styled (why: openpyxl spends its
    time per cell, and a styled cell costs a third more than a plain value; an id or a date
    needs no number format; a blank is None, which openpyxl skips, not "", an empty cell it
    writes)."""
    sheet = book.create_sheet(title[:31])
    sheet._values_to_row = MethodType(_cells_of_row, sheet)
    sample = [headers, *rows[:2000], *rows[2000::50]]
    for column in range(1, len(headers) + 1):
        widest = max((_width(r[column - 1]) for r in sample if len(r) >= column), default=8)
        sheet.column_dimensions[get_column_letter(column)].width = min(max(8, widest + 2), 48)
    sheet.freeze_panes = "B2"
    _append_header(sheet, headers)
    amounts = [(column - 1, _styled(sheet, WAN_FORMAT)) for column in wan_columns]
    for row in rows:
        if amounts:
            row = list(row)
            for index, cell in amounts:
                if row[index] is not None:
                    cell.value = row[index]
                    row[index] = cell
        sheet.append(row)


def _width(value) -> int:
    text = "" if value is None else (f"{value:,.2f}" if isinstance(value, float) else str(value))
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def _breakdown_sheet(book: Workbook, part: Breakdown) -> None:
    rows = [breakdown_values(row) for row in part.rows]
    total = breakdown_values(part.total)
    total[0] = "合计" if part.additive else "合计（按企业去重，各行之和可能更大）"
    _sheet(book, DIMENSION_LABELS[part.dimension], BREAKDOWN_HEADERS, rows, total=total,
           wan_columns=(6, 8, 10, 11, 12))


def build_workbook(statistics: Statistics, *, with_details: bool) -> bytes:
    """The workbook for one scope and period; `with_details` adds the per-meeting and per-lead
    sheets (the organizer's, never a partner department's)."""
    book = Workbook(write_only=True)
    lines = headline_lines(statistics.headline)
    info = [("统计对象", statistics.scope.title), ("统计期间", statistics.period.title),
            ("组织方", statistics.scope.organizer),
            ("生成时间", statistics.generated_at.strftime("%Y-%m-%d %H:%M UTC"))]
    summary_rows = [[line.label, line.unit, line.value, line.confirmed, line.one_sided, line.disputed]
                    for line in lines]
    _sheet(book, "汇总", ("指标", "单位", "合计（确认+单方）", "双方确认", "单方填报", "存在异议（不计入合计）"),
           summary_rows, before=[*info, ()], wan_rows=lambda row: "金额" in str(row[0]))

    _sheet(book, "转化漏斗", ("阶段", "线索数"), [[STAGE_LABELS[s.stage], s.leads] for s in statistics.headline.funnel])
    trend = [[p.month, p.meetings_held, p.leads, wan(p.intent.recorded.amount), p.approved.recorded.count,
              wan(p.approved.recorded.amount), p.disbursed.recorded.count, wan(p.disbursed.recorded.amount),
              wan(p.disbursed.confirmed.amount)] for p in statistics.trend]
    trend_total = ["合计", sum(r[1] for r in trend), sum(r[2] for r in trend),
                   round(sum(r[3] for r in trend), 2), sum(r[4] for r in trend), round(sum(r[5] for r in trend), 2),
                   sum(r[6] for r in trend), round(sum(r[7] for r in trend), 2), round(sum(r[8] for r in trend), 2)]
    _sheet(book, "月度走势", ("月份", "洽谈场次", "线索数", "意向金额（万元）", "授信笔数", "授信金额（万元）",
                          "放款笔数", "放款金额（万元）", "其中双方确认（万元）"), trend, total=trend_total,
           wan_columns=(4, 6, 8, 9))
    for part in statistics.breakdowns.values():
        _breakdown_sheet(book, part)

    keys = list(statistics.weights)
    headers = ["名次", "机构", "综合得分", *[f"{INDICATOR_BY_KEY[k].label}（{INDICATOR_BY_KEY[k].unit}）" for k in keys],
               *[f"{INDICATOR_BY_KEY[k].label}·归一分" for k in keys]]
    ranking = [[s.rank, s.name, s.score, *[s.values[k] for k in keys], *[s.normalised[k] for k in keys]]
               for s in statistics.ranking]
    _sheet(book, "机构考核", headers, ranking, after=[(), ("计算公式", formula(statistics.weights))])

    if with_details:
        data = statistics.data
        names = {**{e.id: e.name for e in data.enterprises.values()},
                 **{i.id: i.name for i in data.institutions.values()}}
        titles = {e.id: e.title for e in data.events}
        meetings = [[titles.get(m.event_id, ""), m.day.isoformat() if m.day else "", names.get(m.enterprise_id, ""),
                     names.get(m.institution_id, ""), MEETING_STATE_LABELS.get(m.state, m.state),
                     {"enterprise": "企业", "institution": "机构", "both": "双方"}.get(m.absent_side)]
                    for m in sorted(data.meetings, key=lambda m: (m.event_id, m.id))]
        _detail_sheet(book, "洽谈与出席", ("活动", "日期", "企业", "机构", "状态", "缺席方"), meetings)
        buckets = ("confirmed", "pending", "disputed")
        leads = [[lead_id, names.get(enterprise_id, ""), names.get(institution_id, ""),
                  FINANCING_KIND_LABELS.get(kind, kind), on.isoformat(), STAGE_LABELS[stage],
                  None if intent is None else wan(intent), None if approved is None else wan(approved), wan(paid),
                  None if last is None else CONFIRMATION_LABELS.get(buckets[last])]
                 for lead_id, enterprise_id, institution_id, kind, on, stage, intent, approved, paid, last
                 in statistics.lead_rows]
        _detail_sheet(book, "对接线索", ("线索号", "企业", "机构", "融资方式", "首次对接", "所处阶段", "意向金额（万元）",
                              "授信金额（万元）", "累计放款（万元，不含异议）", "最近放款确认"), leads,
               wan_columns=(7, 8, 9))
    return _saved(book)


def _saved(book: Workbook) -> bytes:
    """The workbook as openpyxl's `save_workbook` writes it, but deflated at level 1 instead of
    zlib's default 6: the detail sheets are some 60 MB of XML, which level 6 took a second to
    compress (level 1 takes 0.4 s less of the workbook's 8 s) for a file a quarter smaller
    (5.2 MB instead of 7.2 MB on the benchmark's programme)."""
    buffer = io.BytesIO()
    book.properties.modified = datetime.now(UTC).replace(tzinfo=None)
    ExcelWriter(book, ZipFile(buffer, "w", ZIP_DEFLATED, allowZip64=True, compresslevel=1)).save()
    return buffer.getvalue()
