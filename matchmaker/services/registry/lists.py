"""Lists (名单) as dated objects: 白名单, 重点支持名单, 守信红名单, 失信黑名单, 挂牌上市后备企业库, 金种子 …

A list has a key (criteria test it as `list.<key>`), a name, an issuer, its source document and
the dates it is valid; its members are enterprises by 统一社会信用代码 (registered on the platform
or not). Membership counts on a date when the date lies within valid_from..valid_until (either
end open when empty). A list marked `priority` (red lists) adds ranking and scheduling priority
to its members while it is valid.

Members come from Excel (all or nothing, every bad USCC named by row); an import adds and
updates the members in the file and keeps the others unless the organizer asks to replace them.
"""

from __future__ import annotations

import asyncio

import json
import re
from collections import defaultdict
from collections.abc import Awaitable, Callable, Iterable
from dataclasses import dataclass
from datetime import date
from typing import Any

from tortoise.expressions import Q
from tortoise.functions import Count
from tortoise.transactions import in_transaction

from matchmaker.errors import Conflict, InvalidInput, NotAllowed
from matchmaker.matching.fields import LIST_PREFIX, Field, list_field
from matchmaker.models import ListKind, ListMember, Organization, PlatformRule, Policy, Product, RegistryList, User
from matchmaker.services.audit import audit
from matchmaker.services.registry import columns
from matchmaker.services.registry.io.transfer import ImportRejected, Limits, RowProblem
from matchmaker.services.registry.io.workbook import UnsafeFile, read_upload, write_sheet
from matchmaker.services.tenancy import get_scoped, scoped
from matchmaker.uscc import UsccError, validate_uscc

KIND_LABELS: dict[str, str] = {
    ListKind.WHITE: "白名单", ListKind.KEY_SUPPORT: "重点支持名单", ListKind.RED: "守信红名单",
    ListKind.BLACK: "失信黑名单", ListKind.LISTING_RESERVE: "挂牌上市后备企业库", ListKind.GOLDEN_SEED: "金种子",
    ListKind.OTHER: "其他名单",
}
#: Kinds whose lists may carry scheduling and ranking priority (an organizer setting per list).
PRIORITY_KINDS = frozenset({ListKind.RED, ListKind.KEY_SUPPORT})
KEY_PATTERN = re.compile(r"^[A-Za-z][A-Za-z0-9_]{0,39}$|^[\u4e00-\u9fff][\u4e00-\u9fffA-Za-z0-9_]{0,19}$")
MAX_SOURCE_FILE_BYTES = 10 * 1024 * 1024
PAGE_SIZE = 50

#: The member workbook: header -> (key, column)
MEMBER_COLUMNS = (
    columns.Column("uscc", "统一社会信用代码", required=True, max_length=18, example="91330100MA2B000012"),
    columns.Column("name", "企业名称", max_length=100, example="星河市示例科技有限公司"),
    columns.Column("note", "备注", max_length=200, example="第一批"),
    columns.Column("added_on", "列入日期", columns.DATE, example="2026-03-01"),
)
MEMBER_SHEET = "名单成员"
TEMPLATE_NOTE = (
    "填写说明",
    "1. 第一张工作表的第 1 行是表头，请勿修改；“统一社会信用代码”必填，其余列可留空或整列删除。",
    "2. 统一社会信用代码须为 18 位且校验码正确；同一代码在文件中只能出现一次。",
    "3. 列入日期留空时按导入当天记录；已在名单上的企业保留原列入日期，除非本列填写了日期。",
    "4. 默认只新增和更新文件中的企业，名单上其他企业保持不变；在导入页勾选“替换”才会移除文件中没有的企业。",
    "5. 整份文件全部无误才会写入，任何一行有误则不写入任何数据。",
)


@dataclass(frozen=True)
class ListDraft:
    """What the organizer's form sends (text as typed)."""

    key: str
    name: str
    kind: str
    issuer: str = ""
    source_document: str = ""
    valid_from: str = ""
    valid_until: str = ""
    priority: bool = False


@dataclass(frozen=True)
class SourceFile:
    name: str
    data: bytes


@dataclass(frozen=True)
class ListSummary:
    row: RegistryList
    members: int

    @property
    def kind_label(self) -> str:
        return KIND_LABELS.get(self.row.kind, self.row.kind)


@dataclass(frozen=True)
class MemberImport:
    added: int
    updated: int
    removed: int


def valid_on(row: RegistryList, as_of: date) -> bool:
    return (row.valid_from is None or row.valid_from <= as_of) and (row.valid_until is None or as_of <= row.valid_until)


def _date(text: str, field: str, problems: dict[str, str]) -> date | None:
    text = (text or "").strip()
    if not text:
        return None
    try:
        return columns.Column(field, field, columns.DATE).parse(text)
    except ValueError as error:
        problems[field] = str(error)
        return None


def _checked(draft: ListDraft, *, source_file: SourceFile | None) -> dict[str, Any]:
    problems: dict[str, str] = {}
    key, name = draft.key.strip(), draft.name.strip()
    if not KEY_PATTERN.match(key):
        problems["key"] = "名单代码须以字母或汉字开头，只含字母、数字、下划线或汉字，最长 40 个字符"
    if not name or len(name) > 100:
        problems["name"] = "请填写名单名称（最长 100 个字）"
    if draft.kind not in KIND_LABELS:
        problems["kind"] = "请选择名单类别"
    if len(draft.issuer.strip()) > 100:
        problems["issuer"] = "发布单位不能超过 100 个字"
    if len(draft.source_document.strip()) > 300:
        problems["source_document"] = "依据文件不能超过 300 个字"
    for field in ("name", "issuer", "source_document"):
        try:
            columns.refuse_control_characters(getattr(draft, field))
        except ValueError as error:
            problems[field] = str(error)
    valid_from = _date(draft.valid_from, "valid_from", problems)
    valid_until = _date(draft.valid_until, "valid_until", problems)
    if valid_from and valid_until and valid_until < valid_from:
        problems["valid_until"] = f"有效期止（{valid_until}）不能早于有效期起（{valid_from}）"
    if draft.priority and draft.kind not in PRIORITY_KINDS:
        problems["priority"] = "只有守信红名单和重点支持名单可以设置优先"
    if source_file is not None:
        if len(source_file.data) > MAX_SOURCE_FILE_BYTES:
            problems["source_file"] = f"依据文件不能超过 {MAX_SOURCE_FILE_BYTES // 1048576} MB"
        elif len(source_file.name) > 200:
            problems["source_file"] = "文件名不能超过 200 个字"
    if problems:
        raise InvalidInput(problems)
    return {"key": key, "name": name, "kind": ListKind(draft.kind), "issuer": draft.issuer.strip(),
            "source_document": draft.source_document.strip(), "valid_from": valid_from,
            "valid_until": valid_until, "priority": bool(draft.priority)}


def _record(row: RegistryList) -> dict[str, Any]:
    return {"key": row.key, "name": row.name, "kind": str(row.kind), "issuer": row.issuer,
            "source_document": row.source_document, "source_file": row.source_file_name,
            "valid_from": row.valid_from.isoformat() if row.valid_from else None,
            "valid_until": row.valid_until.isoformat() if row.valid_until else None, "priority": row.priority}


def _organizer(organization: Organization) -> None:
    if not organization.is_organizer:
        raise NotAllowed("只有组织方可以维护名单")


async def create_list(organizer: Organization, *, draft: ListDraft, by: User,
                      source_file: SourceFile | None = None) -> RegistryList:
    _organizer(organizer)
    values = _checked(draft, source_file=source_file)
    if await RegistryList.exists(key=values["key"]):
        raise InvalidInput({"key": f"名单代码 {values['key']} 已存在"})
    if source_file is not None:
        values.update(source_file_name=source_file.name, source_file=source_file.data)
    async with in_transaction():
        row = await RegistryList.create(organization=organizer, **values)
        await audit(by, "list.create", row, organization=organizer, after=_record(row))
    return row


async def update_list(organizer: Organization, list_id: object, *, draft: ListDraft, by: User,
                      source_file: SourceFile | None = None) -> RegistryList:
    """Change everything but the key (criteria refer to `list.<key>`)."""
    row = await get_list(organizer, list_id)
    values = _checked(ListDraft(**{**draft.__dict__, "key": row.key}), source_file=source_file)
    values.pop("key")
    before = _record(row)
    if source_file is not None:
        values.update(source_file_name=source_file.name, source_file=source_file.data)
    async with in_transaction():
        for name, value in values.items():
            setattr(row, name, value)
        await row.save()
        await audit(by, "list.update", row, organization=organizer, before=before, after=_record(row))
    return row


async def get_list(organizer: Organization, list_id: object) -> RegistryList:
    """The organizer's own list; another organization's answers NotFound (404)."""
    return await get_scoped(RegistryList, organizer, list_id)


async def lists_of(organizer: Organization) -> list[ListSummary]:
    rows = await scoped(RegistryList, organizer).order_by("-valid_from", "id")
    counts = dict(await ListMember.filter(registry_list_id__in=[r.pk for r in rows])
                  .annotate(n=Count("id")).group_by("registry_list_id").values_list("registry_list_id", "n"))
    return [ListSummary(row, counts.get(row.pk, 0)) for row in rows]


async def members_page(organizer: Organization, list_id: object, *, search: str = "",
                       page: int = 1) -> tuple[RegistryList, list[ListMember], int]:
    """One page of members (by USCC), filtered by USCC or name; (list, members, total)."""
    row = await get_list(organizer, list_id)
    query = ListMember.filter(registry_list_id=row.pk)
    search = search.strip()
    if search:
        query = query.filter(Q(uscc__icontains=search) | Q(name__icontains=search))
    total = await query.count()
    page = max(1, page)
    members = await query.order_by("uscc").offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE)
    return row, members, total


def _parse_members(headers: list[str], rows: list[tuple[int, list[Any]]]) -> list[dict[str, Any]]:
    by_header = {col.header: col for col in MEMBER_COLUMNS}
    problems = [RowProblem("第 1 行", h, "未知的列，请使用模板中的表头") for h in headers if h and h not in by_header]
    if "统一社会信用代码" not in headers:
        problems.append(RowProblem("第 1 行", "统一社会信用代码", "缺少必填的列"))
    if problems:
        raise ImportRejected(problems)
    if not rows:
        raise ImportRejected([RowProblem("文件", "", "文件中没有数据行")])
    parsed, seen = [], {}
    for number, values in rows:
        label = f"第 {number} 行"
        member: dict[str, Any] = {}
        for header, value in zip(headers, values, strict=False):
            column = by_header.get(header)
            if column is None:
                continue
            try:
                if column.key == "uscc":
                    member["uscc"] = validate_uscc("" if value is None else str(value))
                else:
                    member[column.key] = column.parse(value)
            except (UsccError, ValueError) as error:
                problems.append(RowProblem(label, column.header, str(error)))
        code = member.get("uscc")
        if code in seen:
            problems.append(RowProblem(label, "统一社会信用代码", f"与{seen[code]}重复"))
        elif code:
            seen[code] = label
        parsed.append(member)
    if problems:
        raise ImportRejected(problems)
    return parsed


async def import_members(organizer: Organization, list_id: object, filename: str, data: bytes, *,
                         replace: bool, by: User, limits: Limits, today: date,
                         then: Callable[[MemberImport], Awaitable[None]] | None = None) -> MemberImport:
    """All or nothing: every row is checked (bad USCC reported by row) before anything is written.
    Members not in the file stay unless `replace`. `then(result)` runs inside the writing
    transaction (a background job marks itself done there: the members and "done" commit together)."""
    row = await get_list(organizer, list_id)
    if not filename.lower().endswith(".xlsx"):
        raise ImportRejected([RowProblem("文件", "", f"只支持 .xlsx 文件（收到的是“{filename}”）")])
    try:
        sheet = await read_upload(data, max_bytes=limits.max_bytes, max_rows=limits.max_rows)
    except UnsafeFile as error:
        raise ImportRejected([RowProblem("文件", "", str(error))]) from None
    parsed = _parse_members(sheet.headers, sheet.rows)
    return await _write_members(organizer, row, parsed, replace=replace, by=by, today=today, file=filename,
                                then=then)


async def _write_members(organizer: Organization, row: RegistryList, parsed: list[dict[str, Any]], *,
                         replace: bool, by: User, today: date, file: str,
                         then: Callable[[MemberImport], Awaitable[None]] | None = None) -> MemberImport:
    """Write checked members in one transaction: add the new, update the changed, remove the
    absent only when `replace`; audit `list.import_members`."""
    existing = {m.uscc: m for m in await ListMember.filter(registry_list_id=row.pk)}
    in_file = {m["uscc"] for m in parsed}
    added = updated = 0
    async with in_transaction():
        new_rows = []
        for member in parsed:
            current = existing.get(member["uscc"])
            if current is None:
                new_rows.append(ListMember(registry_list_id=row.pk, uscc=member["uscc"], name=member.get("name", ""),
                                           note=member.get("note", ""), added_on=member.get("added_on") or today))
                added += 1
                continue
            changes = {k: v for k, v in member.items() if k != "uscc" and v not in (None, "") and getattr(current, k) != v}
            if changes:
                await ListMember.filter(pk=current.pk).update(**changes)
                updated += 1
        if new_rows:
            await ListMember.bulk_create(new_rows, batch_size=500)
        gone = [m.pk for code, m in existing.items() if code not in in_file] if replace else []
        if gone:
            await ListMember.filter(pk__in=gone).delete()
        await row.save(update_fields=["updated_at"])  # the catalogue's fingerprint follows membership
        result = MemberImport(added, updated, len(gone))
        await audit(by, "list.import_members", row, organization=organizer,
                    after={"file": file, "replace": replace, "added": added, "updated": updated,
                           "removed": len(gone)})
        if then is not None:
            await then(result)
    return result


#: The most members one API call may send (a larger list goes in several calls, or as a workbook).
MAX_JSON_MEMBERS = 10_000


async def put_members(organizer: Organization, list_id: object, members: Any, *, replace: bool, by: User,
                      today: date) -> MemberImport:
    """The API's member import: `members` is a JSON array of {"uscc", "name", "note", "added_on"};
    all or nothing like the workbook, every problem named by its place (members[3].uscc)."""
    row = await get_list(organizer, list_id)
    if not isinstance(members, list) or not members:
        raise InvalidInput({"members": "members 应为非空的 JSON 数组"})
    if len(members) > MAX_JSON_MEMBERS:
        raise InvalidInput({"members": f"一次最多 {MAX_JSON_MEMBERS} 家企业，请分批提交"})
    by_key = {col.key: col for col in MEMBER_COLUMNS}
    problems: dict[str, str] = {}
    parsed: list[dict[str, Any]] = []
    seen: dict[str, int] = {}
    for index, item in enumerate(members):
        where = f"members[{index}]"
        if not isinstance(item, dict):
            problems[where] = "应为 JSON 对象"
            continue
        unknown = sorted(set(item) - set(by_key))
        if unknown:
            problems[where] = f"未知的键 {', '.join(map(str, unknown))}"
            continue
        member: dict[str, Any] = {}
        for key, column in by_key.items():
            try:
                if key == "uscc":
                    value = item.get("uscc")
                    member["uscc"] = validate_uscc(value if isinstance(value, str) else "")
                elif item.get(key) is not None:
                    member[key] = column.parse(item[key], json=True)
            except (UsccError, ValueError) as error:
                problems[f"{where}.{key}"] = f"{column.header}：{error}"
        code = member.get("uscc")
        if code in seen:
            problems[f"{where}.uscc"] = f"统一社会信用代码：与 members[{seen[code]}] 重复"
        elif code:
            seen[code] = index
        parsed.append(member)
    if problems:
        raise InvalidInput(problems)
    return await _write_members(organizer, row, parsed, replace=replace, by=by, today=today, file="API")


async def referencing_offers(key: str) -> list[str]:
    """The products (and policies and platform rules) whose criteria or amount rule test
    `list.<key>`, named as a person knows them ("星河银行 · 红名单贷")."""
    needle = json.dumps(f"{LIST_PREFIX}{key}", ensure_ascii=False)

    def mentions(*documents: Any) -> bool:
        return any(needle in json.dumps(d, ensure_ascii=False) for d in documents if d)

    names = [f"{p.organization.name} · {p.name}" for p in await Product.all().select_related("organization")
             .order_by("id") if mentions(p.criteria, p.amount_rule)]
    names += [f"政策 · {p.name}" for p in await Policy.all().order_by("id") if mentions(p.criteria, p.amount_rule)]
    names += [f"平台规则 · {r.text}" for r in await PlatformRule.all().order_by("id") if mentions(r.criteria)]
    return names


async def delete_list(organizer: Organization, list_id: object, *, by: User) -> None:
    """Delete the list with its members; refused (409) while any criterion tests `list.<key>`,
    naming them, because their verdicts would silently change. Audit `list.delete`."""
    row = await get_list(organizer, list_id)
    using = await referencing_offers(row.key)
    if using:
        raise Conflict(f"名单“{row.name}”仍被以下产品或规则的条件引用（list.{row.key}），请先修改这些条件再删除："
                       f"{'、'.join(using)}")
    async with in_transaction():
        members = await ListMember.filter(registry_list_id=row.pk).count()
        await audit(by, "list.delete", row, organization=organizer, before={**_record(row), "members": members})
        await ListMember.filter(registry_list_id=row.pk).delete()
        await row.delete()


async def export_members(organizer: Organization, list_id: object) -> tuple[RegistryList, bytes]:
    row = await get_list(organizer, list_id)
    members = await ListMember.filter(registry_list_id=row.pk).order_by("uscc")
    rows = ([m.uscc, m.name, m.note, m.added_on.isoformat()] for m in members)
    return row, await asyncio.to_thread(write_sheet, [c.header for c in MEMBER_COLUMNS], rows, title=MEMBER_SHEET)


def members_template() -> bytes:
    import io

    from openpyxl import load_workbook

    data = write_sheet([c.header for c in MEMBER_COLUMNS], [[c.example for c in MEMBER_COLUMNS]], title=MEMBER_SHEET)
    book = load_workbook(io.BytesIO(data))
    note = book.create_sheet("填写说明")
    for line in TEMPLATE_NOTE:
        note.append([line])
    note.column_dimensions["A"].width = 100
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


# --- what matching and scheduling read -------------------------------------------------------

async def all_lists() -> list[RegistryList]:
    return await RegistryList.all().order_by("id")


def list_fields(rows: Iterable[RegistryList]) -> list[Field]:
    """`list.<key>` fields for the criteria language (matching.list_field)."""
    return [list_field(row.key, label=row.name) for row in rows]


async def memberships(usccs: Iterable[str]) -> dict[str, dict[str, tuple[date | None, date | None]]]:
    """uscc -> {list key: (valid_from, valid_until)} for the lists each enterprise is on."""
    return (await memberships_and_priority(usccs, None))[0]


async def priority_lists_of(usccs: Iterable[str], as_of: date) -> dict[str, list[str]]:
    """uscc -> names of the priority (red) lists it is on and that are valid on `as_of`."""
    return (await memberships_and_priority(usccs, as_of))[1]


async def memberships_and_priority(usccs: Iterable[str], as_of: date | None) -> tuple[
        dict[str, dict[str, tuple[date | None, date | None]]], dict[str, list[str]]]:
    """Both of the above from one read (one statement per 500 codes: each member row comes with
    its list's key, name, dates and priority); no priority without `as_of`."""
    found: dict[str, dict[str, tuple[date | None, date | None]]] = defaultdict(dict)
    priority: dict[str, list[str]] = defaultdict(list)
    for code, key, name, valid_from, valid_until, is_priority in await _member_rows(
            usccs, "registry_list__key", "registry_list__name", "registry_list__valid_from",
            "registry_list__valid_until", "registry_list__priority"):
        found[code][key] = (valid_from, valid_until)
        if is_priority and as_of is not None and (valid_from is None or valid_from <= as_of) \
                and (valid_until is None or as_of <= valid_until):
            priority[code].append(name)
    return found, priority


async def _member_rows(usccs: Iterable[str], *columns: str) -> list[tuple]:
    codes = sorted({c for c in usccs if c})
    rows: list[tuple] = []
    for start in range(0, len(codes), 500):
        rows += await ListMember.filter(uscc__in=codes[start:start + 500]).values_list("uscc", *columns)
    return rows
    for start in range(0, len(codes), 500):
        for list_id, code in await ListMember.filter(registry_list_id__in=list(rows),
                                                     uscc__in=codes[start:start + 500]).values_list(
                "registry_list_id", "uscc"):
            found[code].append(rows[list_id].name)
    return found
