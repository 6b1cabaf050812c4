"""On a freshly loaded demo, programme 1 (holding last month's docking event) shows real figures
on its statistics page, its 考核 ranking and both reports: intent, approvals and disbursements,
several institutions ranked, disputed figures apart from the totals, no negative durations."""

from __future__ import annotations

import io
import re

import docx
import openpyxl

from matchmaker.demo.city import load_demo
from matchmaker.demo.past_event import ORGANIZER_EMAIL
from matchmaker.models import Event, EventStatus

DEMO_PASSWORD = "matchmaker-demo"


def _number(text: str) -> float | None:
    text = text.replace(",", "").strip()
    return float(text) if text else None


def _line(page: str, key: str) -> list[float | None]:
    """The headline table's row: total, confirmed, one-sided, disputed."""
    row = re.search(rf'<tr data-key="{key}">(.*?)</tr>', page, re.S).group(1)
    cells = [re.sub(r"<.*?>", "", c).strip() for c in re.findall(r"<td.*?</td>", row, re.S)]
    return [_number(c) for c in cells[2:]]


async def test_the_demo_programme_shows_real_figures_on_the_page_and_in_both_reports(db, settings, client):
    await load_demo(settings.var_dir)
    past = await Event.get(status=EventStatus.CLOSED)
    assert past.programme_id == 1
    await client.login(ORGANIZER_EMAIL, DEMO_PASSWORD)

    page = await client.get("/reports/programmes/1")
    event_page = await client.get(f"/reports/events/{past.pk}")
    assessment = await client.get("/reports/programmes/1/assessment")
    workbook = await client.job_file(await client.submit("/reports/programmes/1/report.xlsx"))
    report = await client.job_file(await client.submit("/reports/programmes/1/report.docx"))
    assert [r.status_code for r in (page, event_page, assessment, workbook, report)] == [200] * 5

    figures = {key: _line(page.text, key) for key in ("intent_amount", "approved_amount", "disbursed_amount",
                                                      "meetings_held", "first_loans", "response_hours")}
    for key in ("intent_amount", "approved_amount", "disbursed_amount", "meetings_held", "first_loans"):
        assert figures[key][0] > 0, key
    # Disputed figures are shown apart and left out of the total (DESIGN §9).
    disputed = [figures[key][3] or 0 for key in ("intent_amount", "approved_amount", "disbursed_amount")]
    assert sum(disputed) > 0
    assert figures["disbursed_amount"][0] == (figures["disbursed_amount"][1] or 0) + (figures["disbursed_amount"][2] or 0)
    assert figures["response_hours"][0] >= 0
    assert _line(event_page.text, "disbursed_amount")[0] > 0

    ranked = re.findall(r"<tr><td>(\d+)</td><td>(.*?)</td>", assessment.text)
    assert len(ranked) >= 5 and ranked[0][0] == "1" and len({name for _, name in ranked}) == len(ranked)

    book = openpyxl.load_workbook(io.BytesIO(workbook.content))
    summary = {row[0]: row[2:6] for row in book["汇总"].iter_rows(values_only=True) if row and row[0]}
    for label, key in (("意向金额", "intent_amount"), ("授信金额", "approved_amount"), ("放款金额", "disbursed_amount")):
        assert summary[label][0] == figures[key][0] > 0, label
        assert (summary[label][3] or 0) == (figures[key][3] or 0)
    ranking_rows = [row for row in book["机构考核"].iter_rows(min_row=2, values_only=True) if row and
                    isinstance(row[0], int)]
    assert len(ranking_rows) == len(ranked) and ranking_rows[0][1] == ranked[0][1]
    assert book["对接线索"].max_row > 10 and book["洽谈与出席"].max_row > 10

    document = docx.Document(io.BytesIO(report.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert f"{figures['disbursed_amount'][0]:,.2f} 万元" in text
    assert "提出异议" in text  # 四、存在的问题 names the disputed figures
    assert len(document.tables[0].rows) == len(ranked) + 1
    assert len(document.inline_shapes) == 3
