"""The organizer's import page: the report on a refused file, the downloads."""

from __future__ import annotations

import io

from openpyxl import Workbook, load_workbook

from matchmaker.models import Organization
from tests.conftest import next_uscc


def _workbook(*rows: list) -> bytes:
    book = Workbook()
    book.active.append(["统一社会信用代码", "企业名称", "职工人数"])
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def test_upload_shows_the_report_and_writes_nothing_then_imports(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    token = await client.csrf()
    bad = _workbook([next_uscc(), "好", 3], [next_uscc(), "坏", "很多"])
    good = _workbook([next_uscc(), "甲科技", 3])

    refused = await client.after_job(await client.post(
        "/organizer/import", data={"csrftoken": token, "kind": "enterprises"}, files={"file": ("企业.xlsx", bad)}))
    accepted = await client.after_job(await client.post(
        "/organizer/import", data={"csrftoken": token, "kind": "enterprises"}, files={"file": ("企业.xlsx", good)}))

    assert refused.status_code == 400
    assert "<td>第 3 行</td><td>职工人数</td>" in refused.text
    assert accepted.status_code == 200 and "导入成功，共写入 1 条。" in accepted.text
    assert await Organization.filter(kind="enterprise", name__in=["好", "坏", "甲科技"]).count() == 1


async def test_template_and_export_downloads(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    template = await client.get("/organizer/import/products/template")
    export = await client.get("/organizer/export/needs/json")

    assert load_workbook(io.BytesIO(template.content)).active["A1"].value == "机构名称"
    assert export.json() == {"format": "matchmaker.registry/1", "kind": "needs", "items": []}


async def test_only_organizers_import(client, make_organization):
    bank = await make_organization("bank")
    await client.login(bank.email)

    assert (await client.get("/organizer/import")).status_code == 403


async def test_an_upload_without_the_form_token_is_refused(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)

    forged = await client.post("/organizer/import", data={"csrftoken": "forged", "kind": "enterprises"},
                               files={"file": ("企业.xlsx", _workbook([next_uscc(), "甲", 1]))})

    assert forged.status_code == 403
    assert await Organization.filter(kind="enterprise").count() == 0


async def test_the_preview_button_shows_the_changes_and_writes_nothing(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    token = await client.csrf()
    known = next_uscc()
    await client.after_job(await client.post("/organizer/import", data={"csrftoken": token, "kind": "enterprises"},
                                             files={"file": ("企业.xlsx", _workbook([known, "甲科技", 3]))}))

    page = await client.post("/organizer/import", data={"csrftoken": token, "kind": "enterprises", "dry_run": "1"},
                             files={"file": ("企业.xlsx", _workbook([known, "甲科技", 8], [next_uscc(), "乙科技", None]))})

    assert page.status_code == 200
    assert "尚未写入任何数据" in page.text
    assert "<li>职工人数：3 → <strong>8</strong></li>" in page.text
    assert "乙科技" in page.text and "新建" in page.text
    assert await Organization.filter(kind="enterprise").count() == 1
    assert (await (await Organization.get(uscc=known)).profile).employees == 3
