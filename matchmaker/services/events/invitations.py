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
from matchmaker.uscc import LENGTH, UsccError, normalize_uscc, validate_uscc

XLSX_MAGIC = b"PK\x03\x04"  # an .xlsx is a zip archive
MAX_CODES = 5000


def read_invitation_workbook(data: bytes) -> list[str]:
    """Every USCC in the first sheet, in order, without repeats. Cells that are not 18
    characters long (headers, names, notes) are skipped; an 18-character cell that is not a
    valid code is an error naming its cell, so a typo is not silently dropped."""
    if not data.startswith(XLSX_MAGIC):
        raise InvalidInput({"invitation_file": "请上传 Excel 文件（.xlsx）"})
    try:
        workbook = load_workbook(BytesIO(data), read_only=True, data_only=True)
    except (BadZipFile, KeyError, ValueError, OSError):
        raise InvalidInput({"invitation_file": "无法读取该 Excel 文件，请另存为 .xlsx 后重试"}) from None
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
                    raise InvalidInput({"invitation_file": f"单元格 {cell.coordinate}：{error}"}) from None
    finally:
        workbook.close()
    if not codes:
        raise InvalidInput({"invitation_file": "表格中没有找到统一社会信用代码"})
    if len(codes) > MAX_CODES:
        raise InvalidInput({"invitation_file": f"一次最多导入 {MAX_CODES} 家企业"})
    return list(codes)


async def import_invitations(event: Event, data: bytes, *, by: User) -> int:
    """Add the workbook's codes to the event's invitation list and make the event invitation-only.
    Returns how many codes were new."""
    codes = read_invitation_workbook(data)
    known = set(event.invitation_list)
    added = [code for code in codes if code not in known]
    async with in_transaction():
        event.invitation_list = [*event.invitation_list, *added]
        event.eligibility = Eligibility.INVITATION
        await event.save(update_fields=["invitation_list", "eligibility", "updated_at"])
        await audit(by, "event.invitations", event, organization=await event.organizer,
                    after={"added": len(added), "total": len(event.invitation_list)})
    return len(added)
