"""All-or-nothing import with a per-row, per-column report; export; downloadable templates.

Every row is checked before anything is written; one bad cell anywhere and the whole file is
refused with the list of what to fix (row number as Excel shows it, column header, message).
"""

from __future__ import annotations

from matchmaker import jsondepth

import asyncio
import io
import json
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from pathlib import PurePath
from typing import Any

from openpyxl import load_workbook
from tortoise.transactions import in_transaction

from matchmaker.errors import DomainError
from matchmaker.models import CustomField, Organization, PlatformRule, RegistryList, User
from matchmaker.services.audit import audit
from matchmaker.services.registry.io.registries import REGISTRIES, Context, Registry, RowPreview, excel_value, json_value
from matchmaker.services.registry.provenance import Source
from matchmaker.services.registry.io.workbook import UnsafeFile, read_upload, write_sheet

JSON_FORMAT = "matchmaker.registry/1"
FORMATS = (".xlsx", ".json")


@dataclass(frozen=True)
class RowProblem:
    row: str  # "第 3 行" (workbook) or "items[2]" (JSON); "文件" for the whole file
    column: str
    message: str


class ImportRejected(DomainError):
    """Nothing was written; `problems` says what to fix, row by row."""

    status_code = 400

    def __init__(self, problems: list[RowProblem]) -> None:
        super().__init__(f"导入失败：共 {len(problems)} 处问题，未写入任何数据")
        self.problems = problems


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_rows: int


#: Rows checked between two turns of the event loop.
CHECKS_PER_YIELD = 100


def registry_named(kind: str) -> Registry:
    if kind not in REGISTRIES:
        raise ImportRejected([RowProblem("文件", "", f"未知的数据类别 {kind}，可选：{'、'.join(REGISTRIES)}")])
    return REGISTRIES[kind]


def file_format(filename: str) -> str:
    suffix = PurePath(filename).suffix.lower()
    if suffix not in FORMATS:
        raise ImportRejected([RowProblem("文件", "", f"只支持 .xlsx 和 .json 文件（收到的是“{filename}”）")])
    return suffix


async def make_context(*, chains: tuple[str, ...], by: User | None = None,
                       organizer: Organization | None = None, source: Source | None = None) -> Context:
    """`source`: where imported profile values come from (default: the file, unverified)."""
    if organizer is None:
        organizer = await Organization.filter(is_organizer=True).order_by("id").first()
    declared = await CustomField.all().order_by("id")
    return Context(chains=chains, declared=[f for f in declared if f.target != "need"], by=by, organizer=organizer,
                   source=source, need_fields=[f for f in declared if f.target == "need"])


async def _workbook_rows(registry: Registry, ctx: Context, data: bytes,
                         limits: Limits) -> list[tuple[str, dict[str, Any]]]:
    sheet = await read_upload(data, max_bytes=limits.max_bytes, max_rows=limits.max_rows)
    by_header = {col.header: col for col in registry.columns(ctx)}
    problems = [RowProblem("第 1 行", header, "未知的列，请使用模板中的表头")
                for header in sheet.headers if header and header not in by_header]
    present = set(sheet.headers)
    problems += [RowProblem("第 1 行", col.header, "缺少必填的列")
                 for col in by_header.values() if col.required and col.header not in present]
    if problems:
        raise ImportRejected(problems)
    keys = [by_header[h].key if h in by_header else None for h in sheet.headers]
    rows = []
    for index, (number, values) in enumerate(sheet.rows):
        if index % (CHECKS_PER_YIELD * 10) == 0:
            await asyncio.sleep(0)
        raw = {key: value for key, value in zip(keys, values, strict=False) if key is not None}
        rows.append((f"第 {number} 行", raw))
    return rows


def _json_rows(registry: Registry, data: bytes, limits: Limits) -> list[tuple[str, dict[str, Any]]]:
    if len(data) > limits.max_bytes:
        raise UnsafeFile(f"文件过大，上限为 {limits.max_bytes / 1048576:.0f} MB")
    try:
        document = jsondepth.loads(data.decode("utf-8-sig"))
    except (UnicodeDecodeError, json.JSONDecodeError) as error:
        raise UnsafeFile(f"不是有效的 JSON 文件（{error}）") from None
    items = document.get("items") if isinstance(document, dict) else document
    if isinstance(document, dict) and document.get("kind") not in (None, registry.name):
        raise UnsafeFile(f"文件中的数据类别是 {document.get('kind')}，而不是 {registry.name}")
    if not isinstance(items, list) or not all(isinstance(item, dict) for item in items):
        raise UnsafeFile('JSON 应为对象列表，或 {"format": "matchmaker.registry/1", "items": [...]}')
    if len(items) > limits.max_rows:
        raise UnsafeFile(f"数据条数（{len(items)}）超过上限 {limits.max_rows} 条，请分批导入")
    return [(f"items[{index}]", item) for index, item in enumerate(items)]


#: A background job's progress: (fraction done, label), e.g. (0.5, "正在检查 (checking)").
Progress = Callable[[float, str], None]


def _no_progress(fraction: float, label: str) -> None:
    return None


async def _checked_rows(registry: Registry, filename: str, data: bytes, *, ctx: Context,
                        limits: Limits, progress: Progress = _no_progress) -> list[tuple[str, Any]]:
    """(row label, row ready to write) for every row, or ImportRejected naming every bad cell."""
    fmt = file_format(filename)
    try:
        rows = (await _workbook_rows(registry, ctx, data, limits) if fmt == ".xlsx"
                else _json_rows(registry, data, limits))
    except UnsafeFile as error:
        raise ImportRejected([RowProblem("文件", "", str(error))]) from None
    if not rows:
        raise ImportRejected([RowProblem("文件", "", "文件中没有数据行")])
    headers = {col.key: col.header for col in registry.columns(ctx)}
    if fmt == ".json":
        # what an export writes for reading only (an enterprise's list memberships) is not imported
        rows = [(label, {k: v for k, v in raw.items() if k not in registry.export_only}) for label, raw in rows]
        unknown = sorted({key for _, raw in rows for key in raw} - set(headers))
        if unknown:
            raise ImportRejected([RowProblem("文件", key, "未知的键") for key in unknown])
    problems: list[RowProblem] = []
    prepared = []
    await registry.preload(ctx, [raw for _, raw in rows])
    for index, (label, raw) in enumerate(rows):
        if index % CHECKS_PER_YIELD == 0:
            progress(0.3 + 0.5 * index / len(rows), f"正在检查第 {index + 1} / {len(rows)} 行 (checking)")
            await asyncio.sleep(0)  # a large file's checks leave room for every other request
        try:
            prepared.append((label, await registry.check(ctx, raw, json=fmt == ".json")))
        except DomainError as error:
            for key, message in getattr(error, "problems", {"": error.message}).items():
                problems.append(RowProblem(label, headers.get(key.split(":")[0], key), message))
    if problems:
        raise ImportRejected(problems)
    return prepared


async def import_file(kind: str, filename: str, data: bytes, *, ctx: Context, limits: Limits,
                      then: Callable[[int], Awaitable[None]] | None = None,
                      progress: Progress = _no_progress) -> int:
    """Import every row of the file or none; returns the number of rows written. Only the columns
    the file fills in change an existing object (see `registries.CLEAR_MARKS` for emptying one).
    `then(rows)` runs inside the writing transaction: a background job marks itself done there,
    so that the rows and "done" commit together or not at all; `progress` hears how far it got."""
    registry = registry_named(kind)
    prepared = [row for _, row in await _checked_rows(registry, filename, data, ctx=ctx, limits=limits,
                                                      progress=progress)]
    progress(0.85, f"正在写入 {len(prepared)} 行 (writing)")
    if ctx.source is None or not ctx.source.file_name:
        given = ctx.source or Source()
        ctx.source = Source.imported(filename, source=given.source, verified=given.verified)
    async with in_transaction():
        await registry.write_all(ctx, prepared)
        await audit(ctx.by, "registry.import", organization=ctx.organizer,
                    after={"kind": kind, "rows": len(prepared), "file": filename, "source": ctx.source.source,
                           "verified": ctx.source.verified})
        if then is not None:
            await then(len(prepared))
    return len(prepared)


async def preview_import(kind: str, filename: str, data: bytes, *, ctx: Context, limits: Limits) -> list[RowPreview]:
    """The dry run: what importing the file would create and change, field by field, from what to
    what. Writes nothing; refuses the same files and cells `import_file` refuses."""
    registry = registry_named(kind)
    return [registry.preview(ctx, label, row)
            for label, row in await _checked_rows(registry, filename, data, ctx=ctx, limits=limits)]


async def export_file(kind: str, fmt: str, *, ctx: Context) -> bytes:
    registry = registry_named(kind)
    items = await registry.export(ctx)
    columns = registry.columns(ctx)
    if fmt == ".json":
        document: dict[str, Any] = {"format": JSON_FORMAT, "kind": kind,
                                    "items": [{col.key: json_value(item.get(col.key)) for col in columns}
                                              for item in items]}
        if kind in ("products", "policies"):
            # what the criteria refer to, so that `eligibility` judges the file as the platform does
            document["custom_fields"] = [{"name": f.key, "type": f.type, "label": f.label,
                                          **({"choices": list(f.options)} if f.options else {}),
                                          **({"target": "need"} if f.target == "need" else {})}
                                         for f in [*ctx.declared, *ctx.need_fields]]
            document["platform_rules"] = [{"id": str(rule.pk), "text": rule.text, "criteria": rule.criteria,
                                           "applies_to_policies": rule.applies_to_policies}
                                          for rule in await PlatformRule.filter(active=True).order_by("id")]
            document["lists"] = [{"key": row.key, "name": row.name, "kind": str(row.kind),
                                  "valid_from": json_value(row.valid_from), "valid_until": json_value(row.valid_until)}
                                 for row in await RegistryList.all().order_by("id")]
        if kind == "enterprises":
            # each enterprise's memberships with the lists' validity: list.<key> judged outside the
            # platform as on it (an import ignores them: members are kept on the list pages)
            from matchmaker.services.registry.lists import memberships  # lists imports this module

            held = await memberships(item["uscc"] for item in items)
            for entry, item in zip(document["items"], items, strict=True):
                entry["lists"] = {key: {"valid_from": json_value(start), "valid_until": json_value(end)}
                                  for key, (start, end) in sorted(held.get(item["uscc"], {}).items())}
        return await asyncio.to_thread(lambda: json.dumps(document, ensure_ascii=False, indent=1).encode())
    # Thousands of rows are seconds of CPU: written in a thread, so the process keeps serving meanwhile.
    rows = ([excel_value(col, item.get(col.key)) for col in columns] for item in items)
    return await asyncio.to_thread(write_sheet, [col.header for col in columns], rows, title=registry.label)


def template_workbook(kind: str, *, ctx: Context) -> bytes:
    """Chinese headers and one example row showing how each column is filled in."""
    registry = registry_named(kind)
    columns = registry.columns(ctx)
    data = write_sheet([col.header for col in columns], [[col.example for col in columns]], title=registry.label)
    # The note travels with the template as a second sheet; imports read the first sheet only.
    book = load_workbook(io.BytesIO(data))
    note = book.create_sheet("填写说明")
    for line in TEMPLATE_NOTE:
        note.append([line])
    note.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


TEMPLATE_NOTE = (
    "填写说明",
    "1. 第一张工作表的第 1 行是表头，请勿修改；不需要的列可以整列删除。",
    "2. 文件只改动它包含的列：没有的列、留空的单元格都保持原值不变。",
    "3. 要清空某项已有的值，请在单元格中填写“（清空）”或“(clear)”。",
    "4. 已有企业按统一社会信用代码识别；融资需求、产品与政策每行新增一条。",
    "5. 整份文件全部无误才会写入；可先在导入页点“预览变更”或用命令 import --dry-run 查看将改动的内容。",
    "6. 产品与政策的服务地区写作“省/市/区”（如“浙江省/星河市”）；不重名的市或区可只写名称（如“星河市”），"
    "重名或地区表中没有的名称会按行提示。",
)
