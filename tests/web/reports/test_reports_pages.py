"""Statistics pages, their Excel and Word files (re-read and compared with the page), programmes,
partner departments and 考核, on the hand-computed fixture."""

from __future__ import annotations

import io
import re

import docx
import openpyxl

from matchmaker.models import Event, Membership, Programme, ProgrammePartner
from tests.factories import organization_of
from tests.services.reports.factories import load_fixture


def _cell(page: str, key: str) -> list[str]:
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', page, re.S).group(1)
    return [re.sub(r"<.*?>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]


async def _organizer_with_fixture(client, make_organization):
    user = await make_organization("government", is_organizer=True)
    loaded = await load_fixture(await organization_of(user))
    await client.login(user.email)
    return user, loaded


async def test_programme_page_and_both_files_show_the_same_figures(client, make_organization):
    _, loaded = await _organizer_with_fixture(client, make_organization)
    base = f"/reports/programmes/{loaded.programme.pk}"

    page = await client.get(f"{base}?period=2026-Q4")
    workbook = await client.job_file(await client.submit(f"{base}/report.xlsx", {"period": "2026-Q4"}))
    report = await client.job_file(await client.submit(f"{base}/report.docx", {"period": "2026-Q4"}))

    assert page.status_code == workbook.status_code == report.status_code == 200
    assert _cell(page.text, "disbursed_amount") == ["放款金额", "万元", "550.00", "400.00", "150.00", "250.00"]
    assert _cell(page.text, "meetings_held")[:3] == ["洽谈场次", "场", "4"]
    assert _cell(page.text, "intent_amount")[2:] == ["2,250.00", "1,250.00", "1,000.00", "200.00"]
    assert 'id="chart-funnel"' in page.text and "vendor/echarts/echarts.min.js" in page.text
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    summary = {row[0]: row[2:6] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    assert summary["放款金额"] == (550.0, 400.0, 150.0, 250.0)
    assert summary["洽谈场次"][0] == 4 and summary["服务企业数"][0] == 6 and summary["首贷户数"][:2] == (1, 1)
    by_bank = list(book["分机构"].iter_rows(values_only=True))
    assert by_bank[0][0] == "名称" and by_bank[1][:2] == ("甲银行", 3) and by_bank[-1][0] == "合计"
    assert by_bank[-1][9] == 550.0 and book["分机构"].freeze_panes == "B2"
    assert book["汇总"]["C12"].number_format in ("#,##0", "#,##0.00", "General")
    assert [r[1] for r in book["转化漏斗"].iter_rows(min_row=2, values_only=True)] == [10, 8, 5, 4, 3]
    assert {"洽谈与出席", "对接线索", "机构考核"} <= set(book.sheetnames)
    text = "\n".join(p.text for p in docx.Document(io.BytesIO(report.content)).paragraphs)
    assert "一、总体情况" in text and "二、分机构情况" in text and "三、首贷户与重点产业链" in text
    assert "开展一对一洽谈 4 场" in text and "放款 4 笔、550.00 万元（双方确认 400.00 万元" in text
    assert "本期支持首贷户 1 家，首贷金额 100.00 万元" in text
    assert "放款 1 笔、250.00 万元" in text  # 四、存在的问题: the disputed disbursement
    ranking = docx.Document(io.BytesIO(report.content)).tables[0]
    assert [c.text for c in ranking.rows[1].cells][:2] == ["1", "甲银行"]
    assert len(docx.Document(io.BytesIO(report.content)).inline_shapes) == 3


async def test_event_page_and_a_bad_period(client, make_organization):
    _, loaded = await _organizer_with_fixture(client, make_organization)
    event = loaded.events[1]

    page = await client.get(f"/reports/events/{event.pk}?period=2026-10")
    bad = await client.get(f"/reports/events/{event.pk}?period=2026-13")

    assert page.status_code == 200 and _cell(page.text, "meetings_held")[2] == "3"
    assert bad.status_code == 400 and "无法识别的期间" in bad.text


async def test_partner_department_reads_statistics_without_enterprise_details(client, other_client,
                                                                              make_organization):
    user, loaded = await _organizer_with_fixture(client, make_organization)
    partner = await make_organization("government", name="中国人民银行星河市分行")
    outsider = await make_organization("government", name="星河市财政局")
    partner_org = await organization_of(partner)
    added = await client.submit(f"/reports/programmes/{loaded.programme.pk}/partners",
                                {"partner_id": str(partner_org.pk)})
    await other_client.login(partner.email)
    base = f"/reports/programmes/{loaded.programme.pk}"

    page = await other_client.get(f"{base}?period=2026-Q4")
    workbook = await other_client.job_file(await other_client.submit(f"{base}/report.xlsx", {"period": "2026-Q4"}))
    edit = await other_client.get(f"{base}/edit")

    assert added.status_code == 303 and await ProgrammePartner.filter(organization=partner_org).count() == 1
    assert page.status_code == 200 and _cell(page.text, "disbursed_amount")[2] == "550.00"
    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    assert "对接线索" not in book.sheetnames and "洽谈与出席" not in book.sheetnames
    everything = "".join(str(c) for s in book.worksheets for r in s.iter_rows(values_only=True) for c in r)
    assert "企业一" not in everything and "987654321" not in everything and "98,765" not in page.text
    assert edit.status_code == 403
    await other_client.post("/logout", data={"csrftoken": await other_client.csrf()})
    await other_client.login(outsider.email)
    assert (await other_client.get(base)).status_code == 404


async def test_institution_sees_its_own_rank_and_the_organizer_sets_weights(client, other_client,
                                                                          make_organization):
    _, loaded = await _organizer_with_fixture(client, make_organization)
    bank = loaded.organizations[102]
    bank_user = await make_organization("bank")
    await Membership.filter(user=bank_user).update(organization_id=bank.pk)
    await other_client.login(bank_user.email)
    base = f"/reports/programmes/{loaded.programme.pk}/assessment?period=2026-Q4"

    organizer_view = await client.get(base)
    own_view = await other_client.get(base)
    bad = await client.submit(f"/reports/programmes/{loaded.programme.pk}/assessment", {"w_first_loans": "abc"})
    saved = await client.submit(f"/reports/programmes/{loaded.programme.pk}/assessment", {"w_first_loans": "1"})
    reranked = await other_client.get(base)

    assert "甲银行" in organizer_view.text and "70.0" in organizer_view.text and "综合得分 = (" in organizer_view.text
    assert "贵机构排名：2 / 3" in own_view.text and "甲银行" not in own_view.text
    assert bad.status_code == 400 and "请填写 0 到 100 之间的数字" in bad.text
    assert saved.status_code == 303
    assert (await Programme.get(id=loaded.programme.pk)).assessment_weights == {"first_loans": 1.0}
    assert "贵机构排名：1 / 3" in reranked.text
    assert (await other_client.get(f"/reports/programmes/{loaded.programme.pk}")).status_code == 403


async def test_programme_form_keeps_an_event_in_one_programme(client, make_organization):
    _, loaded = await _organizer_with_fixture(client, make_organization)
    lone = await Event.create(organizer_id=loaded.programme.organizer_id, title="路演")
    form = {"name": "第二个专项", "starts_on": "2026-01-01", "ends_on": "2026-12-31"}

    taken = await client.submit("/reports/programmes", {**form, "event_ids": str(loaded.events[1].pk)})
    backwards = await client.submit("/reports/programmes", {**form, "ends_on": "2025-01-01"})
    created = await client.submit("/reports/programmes", {**form, "event_ids": str(lone.pk)})

    assert taken.status_code == 400 and "已属于其他专项活动" in taken.text
    assert backwards.status_code == 400 and "结束日期不能早于开始日期" in backwards.text
    assert created.status_code == 303 and await Programme.all().count() == 2
    assert (await Event.get(id=lone.pk)).programme_id == int(created.headers["location"].rsplit("/", 1)[1])


async def test_a_write_changes_the_next_statistics_page_although_the_figures_are_cached(client, make_organization):
    from matchmaker.models import Meeting, StatisticsCache

    _, loaded = await _organizer_with_fixture(client, make_organization)
    page = f"/reports/programmes/{loaded.programme.pk}?period=2026-Q4"
    first = await client.get(page)
    assert _cell(first.text, "meetings_held")[:3] == ["洽谈场次", "场", "4"]
    assert await StatisticsCache.all().count() == 1  # what the next page reads

    meeting = await Meeting.filter(event_id__in=[e.pk for e in loaded.events.values()]).exclude(state="held").first()
    await Meeting.filter(id=meeting.pk).update(state="held")  # straight into the table
    assert _cell((await client.get(page)).text, "meetings_held")[:3] == ["洽谈场次", "场", "5"]
