"""Import and export: all or nothing, a report by row and column, unsafe files refused before
parsing, and text that looks like a formula written as text."""

from __future__ import annotations

import io
import json
import zipfile

import pytest
from openpyxl import Workbook, load_workbook

from matchmaker.models import EnterpriseProfile, FinancingNeed, Organization, OrganizationKind, Policy, Product
from matchmaker.services.registry.io.transfer import (
    ImportRejected,
    Limits,
    export_file,
    import_file,
    make_context,
    template_workbook,
)
from tests.conftest import next_uscc

CHAINS = ("新材料", "信息产业", "集成电路")
LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=1000)


def workbook(headers: list[str], *rows: list) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(headers)
    for row in rows:
        sheet.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def _import(kind: str, name: str, data: bytes) -> int:
    return await import_file(kind, name, data, ctx=await make_context(chains=CHAINS), limits=LIMITS)


def _report(error: pytest.ExceptionInfo[ImportRejected]) -> list[tuple[str, str, str]]:
    return [(p.row, p.column, p.message) for p in error.value.problems]


async def test_enterprise_workbook_creates_organizations_and_profiles(db):
    first, second = next_uscc(), next_uscc()
    data = workbook(["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "所属产业链", "高新技术企业（取得日期）"],
                    [first, "甲科技有限公司", 5200.5, "新材料、集成电路", "2024-01-05"],
                    [second, "乙科技有限公司", "300", None, None])

    count = await _import("enterprises", "企业.xlsx", data)

    assert count == 2
    profile = await EnterpriseProfile.get(organization__uscc=first)
    assert (profile.revenue, profile.industry_chains) == (52_005_000, ["新材料", "集成电路"])
    assert profile.qualifications == {"高新技术企业": {"obtained": "2024-01-05"}}
    assert (await Organization.get(uscc=second)).kind == OrganizationKind.ENTERPRISE


async def test_one_bad_row_refuses_the_whole_file_with_row_and_column(db):
    data = workbook(["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "成立日期"],
                    [next_uscc(), "好企业", 100, "2020-01-01"],
                    [next_uscc(), "坏企业", "100万左右", "2999-01-01"])

    with pytest.raises(ImportRejected) as error:
        await _import("enterprises", "企业.xlsx", data)

    assert _report(error) == [
        ("第 3 行", "上年度营业收入（万元）",
         "上年度营业收入（万元）：应为数字，如 5200，不要带单位或文字（填写的是“100万左右”）"),
        ("第 3 行", "成立日期", "成立日期：不能晚于今天")]
    assert await Organization.all().count() == 0


async def test_unknown_and_missing_columns_are_reported_on_the_header_row(db):
    data = workbook(["企业名称", "营收"], ["甲", 1])

    with pytest.raises(ImportRejected) as error:
        await _import("enterprises", "企业.xlsx", data)

    assert _report(error) == [("第 1 行", "营收", "未知的列，请使用模板中的表头"),
                              ("第 1 行", "统一社会信用代码", "缺少必填的列")]


async def test_a_formula_in_a_cell_is_refused(db):
    data = workbook(["统一社会信用代码", "企业名称", "职工人数"], [next_uscc(), "甲", "=10*10"])

    with pytest.raises(ImportRejected) as error:
        await _import("enterprises", "企业.xlsx", data)

    assert _report(error) == [("文件", "", "第 2 行「职工人数」含公式，请复制后“选择性粘贴为数值”再导入")]


async def test_not_a_workbook_zip_bomb_and_too_many_rows_are_refused_before_parsing(db):
    bomb = io.BytesIO()
    with zipfile.ZipFile(bomb, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        archive.writestr("xl/worksheets/sheet1.xml", b"\0" * 50_000_000)
    many = io.BytesIO()  # 200,000 rows, written as raw sheet XML: the count happens before any parsing
    with zipfile.ZipFile(many, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("[Content_Types].xml", "<Types/>")
        archive.writestr("xl/workbook.xml", "<workbook/>")
        rows = "".join(f'<row r="{n}"><c r="A{n}" t="inlineStr"><is><t>x</t></is></c></row>' for n in range(1, 200_002))
        archive.writestr("xl/worksheets/sheet1.xml", f"<worksheet><sheetData>{rows}</sheetData></worksheet>")
    limits = Limits(max_bytes=50 * 1024 * 1024, max_rows=50_000)
    ctx = await make_context(chains=CHAINS)

    messages = []
    for name, data in [("a.xlsx", b"PK\x03\x04 not really"), ("b.xlsx", "统一社会信用代码,企业名称\n".encode()),
                       ("c.xlsx", bomb.getvalue()), ("d.xlsx", many.getvalue())]:
        with pytest.raises(ImportRejected) as error:
            await import_file("enterprises", name, data, ctx=ctx, limits=limits)
        messages.append(error.value.problems[0].message)

    assert messages[0] == "不是 Excel 工作簿（.xlsx）文件，请用 Excel 或 WPS 另存为 .xlsx 后再导入"
    assert messages[1] == messages[0]
    assert messages[2] == "工作簿压缩比异常（疑似压缩炸弹），已拒绝"
    assert messages[3] == "数据行数超过上限 50000 行，请分批导入"


async def test_export_writes_formula_like_text_as_text_and_round_trips(db):
    uscc = next_uscc()
    await _import("enterprises", "企业.json", json.dumps({"items": [
        {"uscc": uscc, "name": "=HYPERLINK(\"http://evil\")", "revenue": 12_000_000, "last_round": "@A轮",
         "profitable": True}]}).encode())

    data = await export_file("enterprises", ".xlsx", ctx=await make_context(chains=CHAINS))

    sheet = load_workbook(io.BytesIO(data)).active
    headers = [cell.value for cell in sheet[1]]
    name_cell = sheet.cell(2, headers.index("企业名称") + 1)
    revenue_cell = sheet.cell(2, headers.index("上年度营业收入（万元）") + 1)
    assert (name_cell.value, name_cell.data_type) == ('=HYPERLINK("http://evil")', "s")
    assert revenue_cell.value == 1200
    exported = json.loads(await export_file("enterprises", ".json", ctx=await make_context(chains=CHAINS)))
    assert exported["items"][0]["revenue"] == 12_000_000 and exported["items"][0]["last_round"] == "@A轮"


async def test_products_and_policies_import_with_criteria_and_needs_need_their_enterprise(db):
    await Organization.create(kind=OrganizationKind.BANK, name="星河银行")
    await Organization.create(kind=OrganizationKind.GOVERNMENT, name="科技局", is_organizer=True)
    criteria = {"id": "r", "field": "rd_ratio", "op": "ge", "value": 3}
    products = {"items": [{"institution": "星河银行", "name": "科创贷", "kind": "credit_loan", "criteria": criteria,
                           "amount_rule": {"max": 10_000_000}, "status": "published"}]}
    policies = workbook(["政策名称", "政策工具", "准入条件（JSON）", "状态"],
                        ["贴息", "贷款贴息", json.dumps(criteria), "已发布"])

    await _import("products", "产品.json", json.dumps(products).encode())
    await _import("policies", "政策.xlsx", policies)
    with pytest.raises(ImportRejected) as error:
        await _import("needs", "需求.xlsx", workbook(["企业统一社会信用代码", "需求名称", "融资方式", "金额（万元）",
                                                       "期限（月）"], [next_uscc(), "流动资金", "信用贷款", 100, 12]))

    assert (await Product.get()).criteria == criteria
    assert (await Policy.get()).status == "published"
    assert _report(error)[0][1] == "企业统一社会信用代码"
    assert "平台上没有代码为" in _report(error)[0][2]
    assert await FinancingNeed.all().count() == 0


async def test_template_has_chinese_headers_and_an_example_row(db):
    data = template_workbook("needs", ctx=await make_context(chains=CHAINS))

    sheet = load_workbook(io.BytesIO(data)).active
    assert [c.value for c in sheet[1]][:4] == ["企业统一社会信用代码", "需求名称", "融资方式", "金额（万元）"]
    assert [c.value for c in sheet[2]][2:4] == ["信用贷款", 500]


async def test_the_template_says_an_import_changes_only_what_it_contains(db):
    data = template_workbook("enterprises", ctx=await make_context(chains=CHAINS))

    book = load_workbook(io.BytesIO(data))
    assert book.sheetnames[1] == "填写说明"
    lines = [row[0].value for row in book["填写说明"].iter_rows()]
    assert "2. 文件只改动它包含的列：没有的列、留空的单元格都保持原值不变。" in lines
    assert "3. 要清空某项已有的值，请在单元格中填写“（清空）”或“(clear)”。" in lines
