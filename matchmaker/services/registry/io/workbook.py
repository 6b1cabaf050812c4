"""Excel files in and out, safely.

Before openpyxl sees an uploaded file it passes the one upload guard (matchmaker/uploads.py: size,
members found by the workbook's own relations, ratio, unpacked size, shared strings, rows), and
both run in the upload worker process, off the event loop. openpyxl parses XML with defusedxml
when it is installed (it is a dependency), which stops entity-expansion attacks.
A formula in a cell is refused: imported data is data, and a formula's cached value may lie.
"""

from __future__ import annotations

import io
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from functools import partial
from typing import Any

import defusedxml  # noqa: F401  - openpyxl switches to defusedxml parsing when it is importable
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

from matchmaker.uploads import UnsafeFile, WorkbookLimits, parse_workbook

__all__ = ["Sheet", "UnsafeFile", "read_sheet", "read_upload", "write_sheet"]


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cell values)


async def read_upload(data: bytes, *, max_bytes: int, max_rows: int, title: str | None = None) -> Sheet:
    """The first sheet (or the one named `title`) of an uploaded workbook, through the shared upload
    guard, parsed in its worker."""
    parser = read_sheet if title is None else partial(read_sheet, title=title)
    return await parse_workbook(parser, data, WorkbookLimits(max_bytes=max_bytes, max_rows=max_rows))


def read_sheet(data: bytes, limits: WorkbookLimits, title: str | None = None) -> Sheet:
    """The first sheet (or the one named `title`): its header row and the non-empty rows after it;
    formulas are refused.
    Runs in the upload worker, after `guard_workbook` (see matchmaker/uploads.py)."""
    max_rows = limits.max_rows
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except Exception:  # openpyxl raises many kinds on malformed parts; all mean the same to a user
        raise UnsafeFile("无法读取该工作簿，请用 Excel 或 WPS 另存为 .xlsx 后再导入") from None
    try:
        if title is not None and title not in book.sheetnames:
            raise UnsafeFile(f"工作簿中没有名为「{title}」的工作表，请使用从本平台导出的文件填写")
        sheet = book[title] if title is not None else book.worksheets[0]
        rows = sheet.iter_rows()
        header_cells = next(rows, ())
        headers = [str(c.value).strip() if c.value is not None else "" for c in header_cells]
        body: list[tuple[int, list[Any]]] = []
        for number, cells in enumerate(rows, start=2):
            values = []
            for column, cell in enumerate(cells):
                if cell.data_type == "f":
                    header = headers[column] if column < len(headers) else f"第 {column + 1} 列"
                    raise UnsafeFile(f"第 {number} 行「{header}」含公式，请复制后“选择性粘贴为数值”再导入")
                values.append(cell.value)
            if any(v not in (None, "") for v in values):
                if len(body) >= max_rows:
                    raise UnsafeFile(f"数据行数超过上限 {max_rows} 行，请分批导入")
                body.append((number, values))
        return Sheet(headers, body)
    finally:
        book.close()


def _text_cell(sheet: Any, value: Any, *, bold: bool = False) -> WriteOnlyCell:
    cell = WriteOnlyCell(sheet, value=value)
    if isinstance(value, str):
        cell.data_type = "s"  # never "f": a value starting with = + - @ stays text in Excel
    if bold:
        cell.font = Font(bold=True)
        cell.fill = PatternFill("solid", fgColor="E8EFF9")
    return cell


def write_sheet(headers: Sequence[str], rows: Iterator[Sequence[Any]] | Sequence[Sequence[Any]],
                *, title: str) -> bytes:
    """A one-sheet workbook; every text cell is written as text."""
    book = Workbook(write_only=True)
    sheet = book.create_sheet(title)
    sheet.append([_text_cell(sheet, h, bold=True) for h in headers])
    for row in rows:
        sheet.append([_text_cell(sheet, v) for v in row])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
