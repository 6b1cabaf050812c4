"""The one guard every uploaded workbook passes, and the worker process it is parsed in.

Every .xlsx upload (registry import and its preview, event invitation lists) goes through
`parse_workbook(parser, data, limits)`, which in a separate worker process

1. refuses the file before any XML parsing unless it is a zip no larger than `max_bytes`, with at
   most `max_members` members, each compressed no more than `max_ratio` times, together no more than
   `max_unpacked_bytes` when unpacked, a shared-strings table no larger than `max_shared_strings_bytes`,
   and no more than `max_rows` rows (and `max_rows * MAX_COLUMNS` cells) in any sheet;
2. then runs `parser(data, limits)` (openpyxl, read-only, with defusedxml) on the checked bytes.

The parts checked are the ones openpyxl will read, found the way it finds them: the workbook part
from `[Content_Types].xml` (or the package relation), its worksheets and shared strings from the
workbook's own relations (`xl/_rels/workbook.xml.rels` or wherever the workbook lives) and the
content types. Rows are counted in every sheet the relations name, whatever its name (a sheet
stored as `xl/worksheets/data.xml` is counted like `sheet1.xml`), and in every other XML member
too: counting is cheap, and a part no relation names today may be read by another reader.
The declared sizes bound what zipfile (and openpyxl through it) will ever unpack: a member that
inflates past its declared size fails its CRC check.

The worker is a spawned process whose address space is limited (`WORKER_MEMORY_BYTES`, with
RLIMIT_AS), so a file that slips past the size checks costs at most that much memory and never
blocks the server's event loop: `/healthz` and every other request keep being answered while a
workbook is checked and parsed. A worker that runs out of memory or dies refuses that one file.
"""

from __future__ import annotations

import asyncio
import multiprocessing
import os
import posixpath
import re
import sys
import zipfile
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from io import BytesIO
from typing import TypeVar

T = TypeVar("T")

#: Columns allowed per row on average: caps the cells a sheet may hold at max_rows × this.
MAX_COLUMNS = 100
#: The address space of a parsing worker (Python, openpyxl and the file's rows together).
WORKER_MEMORY_BYTES = 1536 * 1024 * 1024
#: Parsing workers; a third upload waits for one of them (the server keeps answering meanwhile).
WORKERS = 2
#: A worker is replaced after this many files, so that no fragmentation builds up.
TASKS_PER_WORKER = 20
#: [Content_Types].xml and .rels parts are read whole to find the parts: they must be small.
MAX_MANIFEST_BYTES = 1024 * 1024

SHARED_STRINGS_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
WORKBOOK_TYPES = {
    "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml",
    "application/vnd.ms-excel.sheet.macroEnabled.main+xml",
    "application/vnd.openxmlformats-officedocument.spreadsheetml.template.main+xml",
    "application/vnd.ms-excel.template.macroEnabled.main+xml",
}
_ROW_OR_CELL = re.compile(rb"<(?:[A-Za-z_][\w.-]*:)?(row|c)[\s/>]")
_OVERLAP = 64  # a tag split between two chunks is found in the overlap


class UnsafeFile(ValueError):
    """The file is refused; the message says why, in Chinese."""


@dataclass(frozen=True)
class WorkbookLimits:
    max_bytes: int
    max_rows: int
    max_members: int = 2000
    max_ratio: int = 200
    max_unpacked_bytes: int = 100 * 1024 * 1024
    max_shared_strings_bytes: int = 32 * 1024 * 1024


@dataclass(frozen=True)
class _Parts:
    sheets: set[str]
    shared_strings: set[str]


def _read_manifest(archive: zipfile.ZipFile, name: str) -> bytes:
    info = archive.getinfo(name)
    if info.file_size > MAX_MANIFEST_BYTES:
        raise UnsafeFile("工作簿结构异常（清单文件过大），已拒绝")
    return archive.read(name)


def _xml(data: bytes):
    from defusedxml import ElementTree

    try:
        return ElementTree.fromstring(data)
    except Exception:  # defusedxml refuses entities and DTDs; a broken manifest is refused alike
        raise UnsafeFile("工作簿结构异常（清单无法读取），已拒绝") from None


def _local(tag: str) -> str:
    return tag.rsplit("}", 1)[-1]


def _relations(archive: zipfile.ZipFile, part: str, names: set[str]) -> list[tuple[str, str]]:
    """(relation type, target part) of `part`, as its .rels file names them."""
    folder, file = posixpath.split(part)
    rels = posixpath.join(folder, "_rels", f"{file}.rels")
    if rels not in names:
        return []
    found = []
    for element in _xml(_read_manifest(archive, rels)):
        if _local(element.tag) != "Relationship" or element.get("TargetMode") == "External":
            continue
        target = element.get("Target", "")
        path = target.lstrip("/") if target.startswith("/") else posixpath.normpath(posixpath.join(folder, target))
        found.append((element.get("Type", "").rsplit("/", 1)[-1], path))
    return found


def _parts(archive: zipfile.ZipFile, names: set[str]) -> _Parts:
    """The worksheets and shared strings openpyxl would read: by content types and relations."""
    if "[Content_Types].xml" not in names:
        raise UnsafeFile("压缩包中没有 Excel 工作簿，请上传 .xlsx 文件")
    workbooks, shared = set(), set()
    for element in _xml(_read_manifest(archive, "[Content_Types].xml")):
        part, kind = element.get("PartName", "").lstrip("/"), element.get("ContentType", "")
        if kind in WORKBOOK_TYPES:
            workbooks.add(part)
        elif kind == SHARED_STRINGS_TYPE:
            shared.add(part)
    for kind, target in _relations(archive, "", names):
        if kind == "officeDocument":
            workbooks.add(target)
    workbooks &= names
    if not workbooks:
        raise UnsafeFile("压缩包中没有 Excel 工作簿，请上传 .xlsx 文件")
    sheets: set[str] = set()
    for workbook in workbooks:
        for kind, target in _relations(archive, workbook, names):
            if kind in ("worksheet", "chartsheet", "dialogsheet"):
                sheets.add(target)
            elif kind == "sharedStrings":
                shared.add(target)
    shared |= {n for n in names if n.lower().endswith("sharedstrings.xml")}
    return _Parts(sheets=sheets & names, shared_strings=shared & names)


def _count_rows_and_cells(archive: zipfile.ZipFile, name: str, *, max_rows: int, max_cells: int) -> tuple[int, int]:
    """Rows and cells of an XML part, counted on the raw bytes, stopping once past a cap."""
    rows = cells = 0
    tail = b""
    with archive.open(name) as handle:
        while chunk := handle.read(1 << 20):
            data = tail + chunk
            cut = max(0, len(data) - _OVERLAP)
            for match in _ROW_OR_CELL.finditer(data, 0, cut):
                if match.group(1) == b"row":
                    rows += 1
                else:
                    cells += 1
            tail = data[cut:]
            if rows > max_rows or cells > max_cells:
                return rows, cells
    for match in _ROW_OR_CELL.finditer(tail):
        rows, cells = (rows + 1, cells) if match.group(1) == b"row" else (rows, cells + 1)
    return rows, cells


def _check_rows(archive: zipfile.ZipFile, names: list[str], limits: WorkbookLimits) -> None:
    max_cells = limits.max_rows * MAX_COLUMNS
    for name in names:
        rows, cells = _count_rows_and_cells(archive, name, max_rows=limits.max_rows + 1, max_cells=max_cells)
        if rows - 1 > limits.max_rows:
            raise UnsafeFile(f"数据行数超过上限 {limits.max_rows} 行，请分批导入")
        if cells > max_cells:
            raise UnsafeFile(f"单元格数量超过上限 {max_cells} 个，请删除多余的列或分批导入")


def guard_workbook(data: bytes, limits: WorkbookLimits) -> None:
    """Refuse anything but a reasonable .xlsx, before any of its sheets is parsed."""
    if len(data) > limits.max_bytes:
        raise UnsafeFile(f"文件过大（{len(data) / 1048576:.1f} MB），上限为 {limits.max_bytes / 1048576:.0f} MB")
    if not zipfile.is_zipfile(BytesIO(data)):
        raise UnsafeFile("不是 Excel 工作簿（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后再导入")
    try:
        with zipfile.ZipFile(BytesIO(data)) as archive:
            members = archive.infolist()
            if len(members) > limits.max_members:
                raise UnsafeFile("工作簿结构异常（文件条目过多），已拒绝")
            for member in members:
                if member.file_size and (not member.compress_size
                                         or member.file_size / member.compress_size > limits.max_ratio):
                    raise UnsafeFile("工作簿压缩比异常（疑似压缩炸弹），已拒绝")
            if sum(m.file_size for m in members) > limits.max_unpacked_bytes:
                raise UnsafeFile("工作簿解压后过大，已拒绝")
            names = {m.filename for m in members}
            xml_parts = sorted(n for n in names if n.lower().endswith(".xml"))
            _check_rows(archive, xml_parts, limits)
            parts = _parts(archive, names)
            _check_rows(archive, sorted(parts.sheets - set(xml_parts)), limits)
            if sum(archive.getinfo(n).file_size for n in parts.shared_strings) > limits.max_shared_strings_bytes:
                raise UnsafeFile("工作簿中的文字表过大，已拒绝；请删除多余内容或分批导入")
    except zipfile.BadZipFile:
        raise UnsafeFile("不是有效的 Excel 工作簿（文件已损坏）") from None


def _start_worker(limit: int, parent: int) -> None:
    """In each new parsing process: its memory limit, and death with its parent. A background
    worker killed mid-import (SIGKILL, the OOM killer) cannot shut its pool down, and its parsing
    processes would otherwise live on, orphaned, each holding its memory."""
    import resource

    resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    if sys.platform.startswith("linux"):
        import ctypes
        import signal

        PR_SET_PDEATHSIG = 1
        ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def _guarded(parser: Callable[[bytes, WorkbookLimits], T], data: bytes, limits: WorkbookLimits) -> T:
    """Runs in the worker: the guard, then the parser."""
    try:
        guard_workbook(data, limits)
        return parser(data, limits)
    except MemoryError:
        raise UnsafeFile("工作簿过大，无法处理；请删除多余内容或分批导入") from None


_pool: ProcessPoolExecutor | None = None


def _executor() -> ProcessPoolExecutor:
    global _pool
    if _pool is None:
        _pool = ProcessPoolExecutor(max_workers=WORKERS, mp_context=multiprocessing.get_context("spawn"),
                                    initializer=_start_worker, initargs=(WORKER_MEMORY_BYTES, os.getpid()),
                                    max_tasks_per_child=TASKS_PER_WORKER)
    return _pool


def _discard_pool() -> None:
    global _pool
    pool, _pool = _pool, None
    if pool is not None:
        pool.shutdown(wait=False, cancel_futures=True)


async def parse_workbook(parser: Callable[[bytes, WorkbookLimits], T], data: bytes, limits: WorkbookLimits) -> T:
    """Guard and parse `data` in a worker process; `parser` must be a module-level function (it is
    sent to the worker by name). UnsafeFile when the file is refused."""
    loop = asyncio.get_running_loop()
    try:
        return await loop.run_in_executor(_executor(), _guarded, parser, data, limits)
    except BrokenProcessPool:
        _discard_pool()  # the worker died (killed, or out of memory outside Python): refuse this file
        raise UnsafeFile("工作簿过大，无法处理；请删除多余内容或分批导入") from None


def shutdown() -> None:
    """Stop the workers (the app's lifespan calls this at shutdown)."""
    _discard_pool()

