"""Provenance: every filled profile value says where it came from — the enterprise's own form
(企业自报), an organizer's import (source name, file, who, when, 已核验 or not), the API (which
token) or a platform stage (a first disbursement ends 首贷户) — and a later save changes the
source of the values it changes only."""

from __future__ import annotations

from datetime import date

import pytest

from matchmaker.models import EnterpriseProfile, Organization, ProfileValueSource, User, ValueOrigin
from matchmaker.services.registry import profiles, provenance
from matchmaker.services.registry.io.transfer import import_file, make_context
from tests.conftest import next_uscc
from tests.services.registry.test_registry_io import CHAINS, LIMITS, workbook

SETTINGS = profiles.ProfileSettings(industry_chains=CHAINS)


async def _sources(uscc: str) -> dict[str, tuple]:
    profile = await EnterpriseProfile.get(organization__uscc=uscc)
    return {row.field: (row.origin, row.source, row.file_name, row.verified)
            for row in await ProfileValueSource.filter(profile=profile)}


async def _import(name: str, data: bytes, *, source: str = "", verified: bool = False, by: User | None = None):
    ctx = await make_context(chains=CHAINS, by=by, source=provenance.Source.imported(name, source=source,
                                                                                        verified=verified))
    return await import_file("enterprises", name, data, ctx=ctx, limits=LIMITS)


@pytest.fixture
async def enterprise(db):
    """An enterprise that filled in its own page: revenue, tax rating B, staff, the 高企 date."""
    await Organization.create(kind="government", name="星河市科学技术局", is_organizer=True)
    org = await Organization.create(kind="enterprise", name="甲科技有限公司", uscc=next_uscc())
    await profiles.save_profile(org, raw={"revenue": "5200", "tax_rating": "B", "employees": "40",
                                          "qual.高新技术企业": "2024-01-05"}, settings=SETTINGS, by=None)
    return org


async def test_the_enterprises_own_values_are_self_reported(enterprise):
    assert await _sources(enterprise.uscc) == {
        "revenue": (ValueOrigin.SELF, "", "", False), "tax_rating": (ValueOrigin.SELF, "", "", False),
        "employees": (ValueOrigin.SELF, "", "", False), "qual.高新技术企业": (ValueOrigin.SELF, "", "", False)}


async def test_a_verified_tax_feed_stamps_only_its_column_and_a_later_form_save_keeps_the_mark(enterprise):
    officer = await User.create(email="tax@example.cn", name="税务专员", password_hash="x")

    await _import("税务纳税信用.xlsx", workbook(["统一社会信用代码", "企业名称", "纳税信用等级"],
                                                [enterprise.uscc, "甲科技有限公司", "A"]),
                  source="税务数据", verified=True, by=officer)

    sources = await _sources(enterprise.uscc)
    assert sources["tax_rating"] == (ValueOrigin.IMPORT, "税务数据", "税务纳税信用.xlsx", True)
    assert sources["revenue"] == (ValueOrigin.SELF, "", "", False)
    row = await ProfileValueSource.get(field="tax_rating").prefetch_related("recorded_by")
    assert row.recorded_by.name == "税务专员"

    # the enterprise re-saves its page changing the staff count only: the verified rating stays verified
    await profiles.save_profile(enterprise, raw={"revenue": "5200", "tax_rating": "A", "employees": "45",
                                                 "qual.高新技术企业": "2024-01-05"}, settings=SETTINGS, by=None)
    sources = await _sources(enterprise.uscc)
    assert sources["tax_rating"] == (ValueOrigin.IMPORT, "税务数据", "税务纳税信用.xlsx", True)
    assert sources["employees"] == (ValueOrigin.SELF, "", "", False)

    # … and changing the rating itself makes it self-reported, no longer verified
    await profiles.save_profile(enterprise, raw={"revenue": "5200", "tax_rating": "B", "employees": "45",
                                                 "qual.高新技术企业": "2024-01-05"}, settings=SETTINGS, by=None)
    assert (await _sources(enterprise.uscc))["tax_rating"] == (ValueOrigin.SELF, "", "", False)


async def test_an_import_confirming_the_same_value_still_records_the_department(enterprise):
    await _import("rating.xlsx", workbook(["统一社会信用代码", "企业名称", "纳税信用等级"],
                                          [enterprise.uscc, "甲科技有限公司", "B"]), source="税务数据", verified=True)

    assert (await _sources(enterprise.uscc))["tax_rating"] == (ValueOrigin.IMPORT, "税务数据", "rating.xlsx", True)


async def test_a_cleared_value_loses_its_source_and_an_unnamed_import_is_named_by_its_file(enterprise):
    await _import("更新.xlsx", workbook(["统一社会信用代码", "企业名称", "上年度营业收入（万元）", "职工人数"],
                                        [enterprise.uscc, "甲科技有限公司", "（清空）", 50]))

    sources = await _sources(enterprise.uscc)
    assert "revenue" not in sources
    assert sources["employees"] == (ValueOrigin.IMPORT, "更新.xlsx", "更新.xlsx", False)


async def test_new_enterprises_of_an_import_get_sources_for_the_values_the_file_fills(db):
    uscc = next_uscc()

    await _import("科技局名单.xlsx", workbook(["统一社会信用代码", "企业名称", "纳税信用等级", "职工人数", "发明专利（件）"],
                                              [uscc, "新企业", "A", 30, None]), source="科技局", verified=True)

    assert await _sources(uscc) == {"tax_rating": (ValueOrigin.IMPORT, "科技局", "科技局名单.xlsx", True),
                                    "employees": (ValueOrigin.IMPORT, "科技局", "科技局名单.xlsx", True)}


async def test_a_stage_of_the_platform_sets_a_derived_value_and_nothing_else(enterprise):
    await profiles.save_profile(enterprise, raw={"revenue": "5200", "tax_rating": "B", "employees": "40",
                                                 "first_loan": "是"}, settings=SETTINGS, by=None)

    await profiles.record_derived(enterprise, {"first_loan": False}, stage="首次放款（2026-11-20）", by=None)

    profile = await EnterpriseProfile.get(organization=enterprise)
    assert profile.first_loan is False
    assert (await _sources(enterprise.uscc))["first_loan"] == (ValueOrigin.DERIVED, "首次放款（2026-11-20）", "", False)
    assert profile.revenue == 52_000_000  # nothing else changes
    assert (await _sources(enterprise.uscc))["revenue"] == (ValueOrigin.SELF, "", "", False)


def test_changed_fields_between_snapshots():
    before = {"revenue": 1, "tax_rating": "B", "employees": 3}
    after = {"revenue": 1, "tax_rating": "A", "employees": None, "custom.x": True}

    assert provenance.changed_fields(before, after) == ({"tax_rating", "custom.x"}, {"employees"})
    assert provenance.flat_snapshot({"qualifications": {"高新技术企业": {"obtained": "2024-01-05",
                                                                       "valid_until": "2027-01-04"}},
                                     "custom": {"x": 1}, "revenue": 5}) == {
        "revenue": 5, "qual.高新技术企业": "2024-01-05", "qual_valid.高新技术企业": "2027-01-04", "custom.x": 1}
