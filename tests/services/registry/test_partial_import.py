"""A partial file (a tax bureau's 纳税信用 feed: uscc, name, tax_rating) changes only what it
names: every other field of the profile keeps its value, an empty cell keeps its value too, and
only a cell that says （清空）/(clear) empties a field. The dry run shows the same, writing nothing."""

from __future__ import annotations

import json

import pytest

from matchmaker.models import AuditLog, CustomField, EnterpriseProfile, Organization, ProfileRevision
from matchmaker.services.registry import profiles
from matchmaker.services.registry.io.registries import FieldChange
from matchmaker.services.registry.io.transfer import ImportRejected, import_file, make_context, preview_import
from tests.conftest import next_uscc
from tests.services.registry.test_registry_io import CHAINS, LIMITS, workbook

FULL_HEADERS = ["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "所属产业链", "纳税信用等级",
                "高新技术企业（取得日期）", "职工人数"]


async def _import(name: str, data: bytes) -> int:
    return await import_file("enterprises", name, data, ctx=await make_context(chains=CHAINS), limits=LIMITS)


async def _stored(uscc: str) -> dict:
    profile = await EnterpriseProfile.get(organization__uscc=uscc)
    return profiles.flat_values(profile, await CustomField.all())


@pytest.fixture
async def enterprise(db):
    """An enterprise with a full profile and a custom field value, as if it had filled in its page."""
    organizer = await Organization.create(kind="government", name="星河市科学技术局", is_organizer=True)
    await CustomField.create(key="whitelist", label="白名单", type="bool", created_by=organizer)
    uscc = next_uscc()
    await _import("企业.xlsx", workbook(FULL_HEADERS, [uscc, "甲科技有限公司", 5200, "新材料、集成电路", "B",
                                                       "2024-01-05", 12]))
    profile = await EnterpriseProfile.get(organization__uscc=uscc)
    profile.custom = {"whitelist": True, "retired_field": "kept"}
    await profile.save()
    return uscc


HEADERS_PRESENT = {"上年度营业收入（万元）", "纳税信用等级"}


async def test_a_tax_feed_changes_the_tax_rating_and_keeps_every_other_field(enterprise):
    before = await _stored(enterprise)

    count = await _import("税务纳税信用.xlsx", workbook(["统一社会信用代码", "企业名称", "纳税信用等级"],
                                                        [enterprise, "甲科技有限公司", "A"]))

    after = await _stored(enterprise)
    assert count == 1
    assert (before["tax_rating"], after["tax_rating"]) == ("B", "A")
    assert {key: value for key, value in after.items() if key != "tax_rating"} == {
        key: value for key, value in before.items() if key != "tax_rating"}
    assert (after["revenue"], after["industry_chains"], after["employees"]) == (52_000_000, ["新材料", "集成电路"], 12)
    assert after["qual.高新技术企业"].isoformat() == "2024-01-05"
    profile = await EnterpriseProfile.get(organization__uscc=enterprise)
    assert profile.custom == {"whitelist": True, "retired_field": "kept"}
    assert await ProfileRevision.filter(profile=profile).count() == 2  # the import keeps a revision
    audit = await AuditLog.filter(action="profile.import").order_by("-id").first()
    assert audit.after == {"changed": ["tax_rating"]}


async def test_an_empty_cell_keeps_the_value_and_a_clear_mark_empties_it(enterprise):
    await _import("更新.xlsx", workbook(["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "纳税信用等级"],
                                          [enterprise, "甲科技有限公司", None, "（清空）"]))

    after = await _stored(enterprise)
    assert (after["revenue"], after["tax_rating"]) == (52_000_000, "")  # as an emptied form field stores it


async def test_english_clear_mark_in_json(enterprise):
    document = {"format": "matchmaker.registry/1", "kind": "enterprises",
                "items": [{"uscc": enterprise, "name": "甲科技有限公司", "revenue": "(clear)", "employees": 30}]}

    await _import("更新.json", json.dumps(document).encode())

    after = await _stored(enterprise)
    assert (after["revenue"], after["employees"], after["tax_rating"]) == (None, 30, "B")


async def test_a_bad_cell_in_a_partial_file_still_refuses_the_whole_file(enterprise):
    other = next_uscc()
    data = workbook(["统一社会信用代码", "企业名称", "纳税信用等级"],
                    [enterprise, "甲科技有限公司", "A"], [other, "乙科技有限公司", "Z"])

    with pytest.raises(ImportRejected) as error:
        await _import("税务.xlsx", data)

    assert [(p.row, p.column) for p in error.value.problems] == [("第 3 行", "纳税信用等级")]
    assert (await _stored(enterprise))["tax_rating"] == "B"
    assert not await Organization.filter(uscc=other).exists()


async def test_the_dry_run_shows_each_change_from_what_to_what_and_writes_nothing(enterprise):
    new = next_uscc()
    data = workbook(["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "纳税信用等级"],
                    [enterprise, "甲科技有限公司", 6000, "B"], [new, "乙科技有限公司", None, "A"])
    revisions = await ProfileRevision.all().count()

    preview = await preview_import("enterprises", "税务.xlsx", data, ctx=await make_context(chains=CHAINS),
                                   limits=LIMITS)

    assert [(row.label, row.title, row.creates, row.changes) for row in preview] == [
        ("第 2 行", f"甲科技有限公司（{enterprise}）", False,
         [FieldChange("上年度营业收入（万元）", "5200", "6000")]),  # the rating stays B: not a change
        ("第 3 行", f"乙科技有限公司（{new}）", True, [FieldChange("纳税信用等级", "", "A")]),
    ]
    assert (await _stored(enterprise))["revenue"] == 52_000_000
    assert not await Organization.filter(uscc=new).exists()
    assert await ProfileRevision.all().count() == revisions
