"""The organizer's list pages: create with problems beside the fields, import members with the
report by row, paging and search, downloads, another organizer's list answers 404, CSRF."""

from __future__ import annotations

import html
import io
import re

from openpyxl import Workbook, load_workbook

from matchmaker.models import AuditLog, ListMember, RegistryList
from tests.conftest import next_uscc

HEADERS = ["统一社会信用代码", "企业名称", "备注", "列入日期"]
FORM = {"key": "seed", "name": "金种子企业名单", "kind": "golden_seed", "issuer": "星河市地方金融管理局",
        "source_document": "星金发〔2026〕7号", "valid_from": "2026-01-01", "valid_until": "2026-12-31"}


def _workbook(*rows: list) -> bytes:
    book = Workbook()
    book.active.append(HEADERS)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _organizer(client, make_organization):
    organizer = await make_organization("government", is_organizer=True)
    await client.login(organizer.email)
    return organizer


async def _create(client, **changes) -> RegistryList:
    response = await client.post("/organizer/lists", data={"csrftoken": await client.csrf(), **FORM, **changes},
                                 files={"source_file": ("通知.pdf", b"%PDF-1.4 notice")})
    assert response.status_code == 303, response.text
    return await RegistryList.get(key=changes.get("key", FORM["key"]))


async def test_create_with_bad_input_shows_problems_beside_the_fields_and_writes_nothing(client, make_organization):
    await _organizer(client, make_organization)
    response = await client.post("/organizer/lists", data={
        "csrftoken": await client.csrf(), **FORM, "key": "", "valid_from": "2026-12-31", "valid_until": "2026-01-01",
        "priority": "1"})
    assert response.status_code == 400
    assert 'id="e-key"' in response.text and "名单代码须以字母或汉字开头" in response.text
    assert 'id="e-valid_until"' in response.text and "不能早于有效期起" in response.text
    assert 'id="e-priority"' in response.text
    assert await RegistryList.all().count() == 0
    await _create(client)
    duplicate = await client.post("/organizer/lists", data={"csrftoken": await client.csrf(), **FORM})
    assert duplicate.status_code == 400 and "名单代码 seed 已存在" in duplicate.text
    assert await RegistryList.all().count() == 1


async def test_create_import_page_search_export_and_edit(client, make_organization):
    await _organizer(client, make_organization)
    row = await _create(client)
    assert (row.name, row.source_file_name, bytes(row.source_file)) == ("金种子企业名单", "通知.pdf", b"%PDF-1.4 notice")
    codes = sorted(next_uscc() for _ in range(55))
    data = _workbook(*[[code, f"企业{i:02d}", "", "2026-02-01"] for i, code in enumerate(codes)])
    imported = await client.after_job(await client.post(f"/organizer/lists/{row.pk}/members",
                                                        data={"csrftoken": await client.csrf(), "mode": "merge"},
                                                        files={"file": ("金种子.xlsx", data)}))
    assert imported.status_code == 200 and "新增 55 家" in imported.text
    first = await client.get(f"/organizer/lists/{row.pk}")
    second = await client.get(f"/organizer/lists/{row.pk}?page=2")
    assert codes[0] in first.text and codes[50] not in first.text and "共 55 条" in first.text
    assert codes[50] in second.text and codes[0] not in second.text
    found = await client.get(f"/organizer/lists/{row.pk}", params={"q": "企业07"})
    assert codes[7] in found.text and codes[8] not in found.text
    export = await client.get(f"/organizer/lists/{row.pk}/members.xlsx")
    sheet = load_workbook(io.BytesIO(export.content)).active
    assert [c.value for c in sheet[1]] == HEADERS and sheet.max_row == 56
    template = await client.get("/organizer/lists/template")
    assert [c.value for c in load_workbook(io.BytesIO(template.content)).active[1]] == HEADERS
    source = await client.get(f"/organizer/lists/{row.pk}/source")
    assert source.content == b"%PDF-1.4 notice" and "attachment" in source.headers["content-disposition"]
    edited = await client.post(f"/organizer/lists/{row.pk}/edit", data={
        "csrftoken": await client.csrf(), **FORM, "key": "changed", "name": "金种子企业名单（2026年修订）"})
    assert edited.status_code == 303
    row = await RegistryList.get(pk=row.pk)
    assert (row.key, row.name, row.source_file_name) == ("seed", "金种子企业名单（2026年修订）", "通知.pdf")
    actions = await AuditLog.filter(object_type="RegistryList").order_by("id").values_list("action", flat=True)
    assert actions == ["list.create", "list.import_members", "list.update"]
    index = await client.get("/organizer/lists")
    assert "金种子企业名单（2026年修订）" in index.text and "list.seed" in index.text


async def test_an_import_with_a_bad_uscc_shows_the_row_and_writes_nothing(client, make_organization):
    await _organizer(client, make_organization)
    row = await _create(client)
    good = next_uscc()
    response = await client.after_job(await client.post(
        f"/organizer/lists/{row.pk}/members", data={"csrftoken": await client.csrf(), "mode": "replace"},
        files={"file": ("名单.xlsx", _workbook([good, "甲", "", None], ["91330106MA2T0000", "乙", "", None]))}))
    assert response.status_code == 400
    assert "<td>第 3 行</td><td>统一社会信用代码</td><td>统一社会信用代码应为 18 位" in response.text
    assert await ListMember.all().count() == 0
    missing = await client.post(f"/organizer/lists/{row.pk}/members", data={"csrftoken": await client.csrf()})
    assert missing.status_code == 400 and "请选择要导入的 .xlsx 文件" in missing.text


async def test_another_organizers_list_answers_404_and_others_are_refused(client, other_client, make_organization):
    await _organizer(client, make_organization)
    row = await _create(client)
    await _organizer(other_client, make_organization)
    for path in (f"/organizer/lists/{row.pk}", f"/organizer/lists/{row.pk}/edit", f"/organizer/lists/{row.pk}/members.xlsx",
                 f"/organizer/lists/{row.pk}/source"):
        assert (await other_client.get(path)).status_code == 404, path
    response = await other_client.post(f"/organizer/lists/{row.pk}/members", data={"csrftoken": await other_client.csrf()},
                                       files={"file": ("x.xlsx", _workbook([next_uscc(), "", "", None]))})
    assert response.status_code == 404
    assert await ListMember.all().count() == 0
    assert (await other_client.get("/organizer/lists")).text.count("金种子企业名单") == 0


async def test_a_member_import_job_is_shown_only_on_its_own_list_of_its_own_organizer(client, other_client,
                                                                                    make_organization):
    await _organizer(client, make_organization)
    row = await _create(client)
    second = await _create(client, key="second")
    queued = await client.post(f"/organizer/lists/{row.pk}/members", data={"csrftoken": await client.csrf()},
                               files={"file": ("名单.xlsx", _workbook([next_uscc(), "甲", "", None]))})
    job_id = queued.headers["location"].rsplit("/", 1)[1]
    shown = await client.after_job(queued)
    await _organizer(other_client, make_organization)

    assert shown.status_code == 200 and str(shown.url).endswith(f"/organizer/lists/{row.pk}?job={job_id}")
    assert "新增 1 家" in shown.text
    assert (await client.get(f"/organizer/lists/{second.pk}?job={job_id}")).status_code == 404
    assert (await other_client.get(f"/organizer/lists/{row.pk}?job={job_id}")).status_code == 404
    assert (await other_client.get(f"/jobs/{job_id}")).status_code == 404


async def test_an_enterprise_cannot_open_the_lists(client, make_organization):
    enterprise = await make_organization("enterprise")
    await client.login(enterprise.email)
    assert (await client.get("/organizer/lists")).status_code == 403


async def test_forms_without_the_csrf_token_are_refused(client, make_organization):
    await _organizer(client, make_organization)
    row = await _create(client)
    created = await client.post("/organizer/lists", data={**FORM, "key": "nocsrf"})
    imported = await client.post(f"/organizer/lists/{row.pk}/members", data={"mode": "merge"},
                                 files={"file": ("x.xlsx", _workbook([next_uscc(), "", "", None]))})
    assert created.status_code == 403 and imported.status_code == 403
    assert not await RegistryList.exists(key="nocsrf") and await ListMember.all().count() == 0


async def test_the_list_pages_in_english_show_no_chinese_labels(client, other_client, settings):
    from matchmaker.demo.city import load_demo
    from tests.web.accounts.test_one_language import _chinese_labels, _data, _in_english

    await load_demo(settings.var_dir)
    await _in_english(client, "organizer@demo.matchmaker.cn")
    data = [*await _data()]
    for row in await RegistryList.all().values_list("name", "issuer", "source_document"):
        data.extend(v for v in row if v)
    for row in await ListMember.all().values_list("name", "note"):
        data.extend(v for v in row if v)
    data.sort(key=len, reverse=True)
    red = await RegistryList.get(key="red2026")
    for path in ("/organizer/lists", f"/organizer/lists/{red.pk}", f"/organizer/lists/{red.pk}/edit", "/organizer/lists/new"):
        page = await client.get(path)
        assert page.status_code == 200, path
        assert _chinese_labels(page.text, data) == [], path
    await _in_english(other_client, "bank1@demo.matchmaker.cn")
    page = await other_client.get("/institution/products/1/lists")
    assert page.status_code == 200
    # the engine's reasons are Chinese data, as on the product's fitting-needs page
    reasons = re.findall(r'<span class="(?:text|source muted)">([^<]*)</span>', page.text)
    assert reasons
    assert _chinese_labels(page.text, sorted({*data, *map(html.unescape, reasons)}, key=len, reverse=True)) == []
