"""Invitation lists imported from Excel: the 统一社会信用代码 of the enterprises an organizer
invites to an invitation-only event, found in any cell of the first sheet."""

from __future__ import annotations

from io import BytesIO
from zipfile import BadZipFile

from openpyxl import load_workbook
from tortoise.transactions import in_transaction

from matchmaker.errors import InvalidInput
from matchmaker.models import Eligibility, Event, User
from matchmaker.services.audit import audit
from matchmaker.uploads import UnsafeFile, WorkbookLimits, parse_workbook
from matchmaker.uscc import LENGTH, UsccError, normalize_uscc, validate_uscc

MAX_CODES = 5000
#: The shared upload guard's limits for an invitation list (the app's body limit is 2 MB anyway):
#: 5,000 codes with names and notes need far less than this.
LIMITS = WorkbookLimits(max_bytes=2 * 1024 * 1024, max_rows=20_000, max_unpacked_bytes=32 * 1024 * 1024,
                        max_shared_strings_bytes=8 * 1024 * 1024)


def invitation_codes(data: bytes, limits: WorkbookLimits) -> list[str]:
    """Every USCC in the first sheet, in order, without repeats. Cells that are not 18
    characters long (headers, names, notes) are skipped; an 18-character cell that is not a
    valid code is an error naming its cell, so a typo is not silently dropped. Runs in the upload
    worker after the shared guard (matchmaker/uploads.py)."""
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise UnsafeFile("无法读取该 Excel 文件，请另存为 .xlsx 后重试") from None
    try:
        sheet = workbook.worksheets[0]
        codes: dict[str, None] = {}
        for row in sheet.iter_rows():
            for cell in row:
                if not isinstance(cell.value, str) or len(normalize_uscc(cell.value)) != LENGTH:
                    continue
                try:
                    codes[validate_uscc(cell.value)] = None
                except UsccError as error:
                    raise UnsafeFile(f"单元格 {cell.coordinate}：{error}") from None
                if len(codes) > MAX_CODES:
                    raise UnsafeFile(f"一次最多导入 {MAX_CODES} 家企业")
    finally:
        workbook.close()
    return list(codes)


async def read_invitation_workbook(data: bytes) -> list[str]:
    """The codes of an uploaded invitation list, through the shared upload guard, parsed off the
    event loop; InvalidInput naming the file field when it is refused."""
    try:
        codes = await parse_workbook(invitation_codes, data, LIMITS)
    except UnsafeFile as error:
        raise InvalidInput({"invitation_file": str(error)}) from None
    if not codes:
        raise InvalidInput({"invitation_file": "表格中没有找到统一社会信用代码"})
    return codes


async def import_invitations(event: Event, data: bytes, *, by: User) -> int:
    """Add the workbook's codes to the event's invitation list and make the event invitation-only.
    Returns how many codes were new."""
    codes = await read_invitation_workbook(data)
    known = set(event.invitation_list)
    added = [code for code in codes if code not in known]
    async with in_transaction():
        event.invitation_list = [*event.invitation_list, *added]
        event.eligibility = Eligibility.INVITATION
        await event.save(update_fields=["invitation_list", "eligibility", "updated_at"])
        await audit(by, "event.invitations", event, organization=await event.organizer,
                    after={"added": len(added), "total": len(event.invitation_list)})
    return len(added)
