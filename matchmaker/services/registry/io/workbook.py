"""Excel files in and out, safely.

Before openpyxl sees an uploaded file it must be a real zip with a workbook inside, not too big
when unpacked (a zip bomb), and announce no more rows than allowed. openpyxl parses XML with
defusedxml when it is installed (it is a dependency), which stops entity-expansion attacks.
A formula in a cell is refused: imported data is data, and a formula's cached value may lie.
"""

from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from typing import Any

import defusedxml  # noqa: F401  - openpyxl switches to defusedxml parsing when it is importable
from openpyxl import Workbook, load_workbook
from openpyxl.cell import WriteOnlyCell
from openpyxl.styles import Font, PatternFill

MAX_UNPACKED_BYTES = 200 * 1024 * 1024
MAX_COMPRESSION_RATIO = 200
MAX_MEMBERS = 2000


class UnsafeFile(ValueError):
    """The file is refused before parsing; the message says why, in Chinese."""


@dataclass(frozen=True)
class Sheet:
    headers: list[str]
    rows: list[tuple[int, list[Any]]]  # (Excel row number, cell values)


def check_workbook(data: bytes, *, max_bytes: int, max_rows: int) -> None:
    """Refuse anything but a reasonable .xlsx before parsing it."""
    if len(data) > max_bytes:
        raise UnsafeFile(f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {max_bytes / 1048576:.0f} MB")
    if not zipfile.is_zipfile(io.BytesIO(data)):
        raise UnsafeFile("不是 Excel 工作簿（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后再导入")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            members = archive.infolist()
            names = {m.filename for m in members}
            if "[Content_Types].xml" not in names or "xl/workbook.xml" not in names:
                raise UnsafeFile("压缩包中没有 Excel 工作簿，请上传 .xlsx 文件")
            if len(members) > MAX_MEMBERS:
                raise UnsafeFile("工作簿结构异常（文件条目过多），已拒绝")
            unpacked = sum(m.file_size for m in members)
            for member in members:
                if member.compress_size and member.file_size / member.compress_size > MAX_COMPRESSION_RATIO:
                    raise UnsafeFile("工作簿压缩比异常（疑似压缩炸弹），已拒绝")
            if unpacked > MAX_UNPACKED_BYTES:
                raise UnsafeFile("工作簿解压后过大，已拒绝")
            for name in sorted(n for n in names if n.startswith("xl/worksheets/sheet")):
                rows = _count_rows(archive, name, stop_after=max_rows + 1)
                if rows - 1 > max_rows:
                    raise UnsafeFile(f"数据行数超过上限 {max_rows} 行，请分批导入")
    except zipfile.BadZipFile:
        raise UnsafeFile("不是有效的 Excel 工作簿（文件已损坏）") from None


def _count_rows(archive: zipfile.ZipFile, name: str, *, stop_after: int) -> int:
    """Rows in a worksheet part, counted on the raw XML (no parsing), stopping once past the cap.

    The <dimension> element would be cheaper but writers may omit it or state it wrongly."""
    rows, tail = 0, b""
    with archive.open(name) as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            rows += data.count(b"<row ") + data.count(b"<row>")
            tail = data[-5:]
            rows -= tail.count(b"<row ") + tail.count(b"<row>")  # counted again with the next chunk
            if rows > stop_after:
                break
    return rows + tail.count(b"<row ") + tail.count(b"<row>")


def read_sheet(data: bytes, *, max_rows: int, title: str | None = None) -> Sheet:
    """The first sheet (or the one named `title`): its header row and the non-empty rows after it;
    formulas are refused."""
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
