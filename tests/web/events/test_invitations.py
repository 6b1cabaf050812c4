"""Invitation lists imported from Excel."""

from io import BytesIO

from openpyxl import Workbook

from matchmaker.models import Eligibility, Event
from tests.conftest import next_uscc
from tests.services.events.factories import make_event


def _workbook(*rows: tuple) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _upload(client, event, content: bytes, name: str = "邀请名单.xlsx"):
    return await client.post(f"/organizer/events/{event.id}/invitations", data={"csrftoken": await client.csrf()},
                             files={"invitation_file": (name, content, "application/octet-stream")})


async def test_codes_anywhere_in_the_first_sheet_join_the_list_and_the_event_becomes_invitation_only(
        client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    first, second = next_uscc(), next_uscc()
    await client.login(organizer.email)

    response = await _upload(client, event, _workbook(("企业名称", "统一社会信用代码"), ("甲公司", first.lower()),
                                                      ("乙公司", second), ("甲公司（重复）", first)))

    assert response.status_code == 303
    assert response.headers["location"] == f"/organizer/events/{event.id}?invited=2"
    saved = await Event.get(id=event.id)
    assert (saved.invitation_list, saved.eligibility) == ([first, second], Eligibility.INVITATION)


async def test_a_mistyped_code_is_reported_with_its_cell_and_nothing_changes(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    good = next_uscc()
    wrong = good[:17] + ("0" if good[17] != "0" else "1")
    await client.login(organizer.email)

    response = await _upload(client, event, _workbook(("统一社会信用代码",), (good,), (wrong,)))

    assert response.status_code == 400
    assert f"单元格 A3：校验码错误：第 18 位应为“{good[17]}”" in response.text
    assert (await Event.get(id=event.id)).invitation_list == []


async def test_a_file_that_is_not_xlsx_is_refused(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    event = await make_event(organizer)
    await client.login(organizer.email)

    response = await _upload(client, event, "统一社会信用代码\n91330106MA2T0001Q3\n".encode(), name="名单.csv")

    assert response.status_code == 400
    assert "不是 Excel 工作簿（.xlsx）文件" in response.text
