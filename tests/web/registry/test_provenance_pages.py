"""The profile pages show where each value came from: the enterprise's own page with the file and
who imported it, an institution's view with the source and 已核验 beside what it may see, and
nothing about a figure it may not see. A token-written value names its token."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from matchmaker.models import ProfileValueSource, ValueOrigin
from tests.conftest import issued_token
from tests.factories import organization_of, workbook_bytes


def today() -> str:
    """Beijing's date when asked (not at collection: a run may cross Beijing midnight, 16:00 UTC)."""
    return datetime.now(ZoneInfo("Asia/Shanghai")).date().isoformat()


async def _import_tax_feed(client, organizer, uscc: str) -> None:
    await client.login(organizer.email)
    feed = workbook_bytes(["统一社会信用代码", "企业名称", "纳税信用等级", "上年度营业收入（万元）"], [uscc, "甲科技", "A", 5200])
    response = await client.after_job(await client.post("/organizer/import", data={
        "csrftoken": await client.csrf(), "kind": "enterprises", "source": "税务数据", "verified": "1"},
        files={"file": ("税务纳税信用.xlsx", feed)}))
    assert response.status_code == 200 and "导入成功" in response.text


async def test_profile_pages_show_the_source_beside_each_value(client, other_client, make_organization):
    organizer = await make_organization("government", is_organizer=True, name="星河市科学技术局")
    owner = await make_organization("enterprise", name="甲科技")
    bank = await make_organization("bank")
    enterprise = await organization_of(owner)
    await _import_tax_feed(client, organizer, enterprise.uscc)
    await other_client.login(owner.email)
    await other_client.submit("/profile", {"tax_rating": "A", "revenue": "5200", "employees": "40"})

    own_page = (await other_client.get("/profile")).text
    await client.submit("/logout")
    await client.login(bank.email)
    bank_page = (await client.get(f"/enterprises/{enterprise.id}")).text

    assert f"税务数据 {today()} 导入（文件 税务纳税信用.xlsx，{organizer.name}）" in own_page
    assert f"企业自报 {today()}" in own_page  # the employees the enterprise typed itself
    assert own_page.count("已核验</span>") == 2  # tax rating and revenue
    assert f"A <span class=\"provenance muted\">· 税务数据 {today()} 导入</span> <span class=\"badge verified\"" in bank_page
    assert "税务纳税信用.xlsx" not in bank_page  # the file and who imported it are the organizer's business
    assert bank_page.count("已核验</span>") == 1  # revenue is a financial figure: no consent, no value, no mark
    assert "5200" not in bank_page


async def test_a_value_written_through_the_api_names_its_token(client, make_organization):
    owner = await make_organization("enterprise")
    await client.login(owner.email)
    token = issued_token((await client.submit("/account/api-tokens", {"name": "财务系统"})).text)
    await client.submit("/logout")

    response = await client.put("/api/v1/profile", json={"employees": 88},
                                headers={"authorization": f"Bearer {token}"})

    assert response.status_code == 200
    row = await ProfileValueSource.get(field="employees")
    assert (row.origin, row.source) == (ValueOrigin.API, "财务系统")
    await client.login(owner.email)
    assert f"API（令牌 财务系统） {today()}" in (await client.get("/profile")).text
