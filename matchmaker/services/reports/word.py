"""The 通报 draft (.docx, python-docx) in the form a city office sends upward: 一、总体情况,
二、分机构情况, 三、首贷户与重点产业链, 四、存在的问题, with charts drawn on the server. The
office edits and signs it; every figure comes from the same statistics as the page."""

from __future__ import annotations

import io
from datetime import datetime

from docx import Document
from docx.enum.text import WD_ALIGN_PARAGRAPH
from docx.oxml.ns import qn
from docx.shared import Cm, Pt

from matchmaker.services.reports import charts
from matchmaker.services.reports.figures import by_key, headline_lines, percent, wan
from matchmaker.services.reports.statistics import OVERDUE_DAYS, Statistics
from matchmaker.stats.assessment import formula

BODY_FONT = "仿宋"
HEADING_FONT = "黑体"


def _font(run, name: str, size: float, bold: bool = False) -> None:
    run.font.name = name
    run.font.size = Pt(size)
    run.font.bold = bold
    run._element.rPr.rFonts.set(qn("w:eastAsia"), name)


def _paragraph(document, text: str, *, font: str = BODY_FONT, size: float = 16, bold: bool = False,
               center: bool = False, indent: bool = True):
    paragraph = document.add_paragraph()
    if center:
        paragraph.alignment = WD_ALIGN_PARAGRAPH.CENTER
    elif indent:
        paragraph.paragraph_format.first_line_indent = Pt(size * 2)
    _font(paragraph.add_run(text), font, size, bold)
    return paragraph


def _number(value) -> str:
    if value is None:
        return "—"
    if isinstance(value, float):
        return f"{value:,.2f}"
    return f"{value:,}"


def _table(document, headers: list[str], rows: list[list]) -> None:
    table = document.add_table(rows=1, cols=len(headers))
    table.style = "Table Grid"
    for cell, text in zip(table.rows[0].cells, headers):
        cell.text = ""
        _font(cell.paragraphs[0].add_run(text), HEADING_FONT, 10.5, True)
    for row in rows:
        cells = table.add_row().cells
        for cell, value in zip(cells, row):
            cell.text = ""
            _font(cell.paragraphs[0].add_run(value if isinstance(value, str) else _number(value)), BODY_FONT, 10.5)


def problems_found(statistics: Statistics, *, now: datetime) -> list[str]:
    """四、存在的问题: facts the office should look at, generated from the figures (the overdue
    leads as of when the figures were computed: `Statistics.overdue_leads`)."""
    found = []
    for scored in statistics.ranking:
        rate = scored.values.get("on_time_rate")
        if rate is not None and rate < 80:
            found.append(f"{scored.name}按时响应率为 {rate:.2f}%，低于 80%。")
    overdue = statistics.overdue_leads  # counted in SQL when the figures were (stats.sql.overdue_sql)
    if overdue:
        found.append(f"有 {overdue} 条对接线索超过 {OVERDUE_DAYS} 天未更新进展，需督促金融机构跟进。")
    h = statistics.headline
    disputed = [("意向", h.intent.disputed), ("授信", h.approved.disputed), ("放款", h.disbursed.split.disputed)]
    disputes = [f"{label} {t.count} 笔、{_number(wan(t.amount))} 万元" for label, t in disputed if t.count]
    if disputes:
        found.append("企业对以下填报数据提出异议，未计入合计：" + "；".join(disputes) + "。")
    one_sided = h.disbursed.split.one_sided
    if one_sided.count:
        found.append(f"有 {one_sided.count} 笔放款（{_number(wan(one_sided.amount))} 万元）仅由机构单方填报，尚待企业确认。")
    if h.attendance.no_show_rate is not None and h.attendance.no_show_rate > 0.1:
        found.append(f"洽谈缺席率为 {percent(h.attendance.no_show_rate):.2f}%，高于 10%。")
    return found or ["本期未发现需要特别说明的问题。"]


def build_report(statistics: Statistics, *, now: datetime | None = None) -> bytes:
    now = now or statistics.generated_at
    h = statistics.headline
    lines = by_key(headline_lines(h))
    document = Document()
    for section in document.sections:
        section.page_height, section.page_width = Cm(29.7), Cm(21.0)
        section.left_margin = section.right_margin = Cm(2.6)
        section.top_margin, section.bottom_margin = Cm(3.7), Cm(3.5)
    _paragraph(document, f"关于{statistics.scope.title}{statistics.period.title}开展情况的通报",
               font="方正小标宋简体", size=22, center=True)
    _paragraph(document, f"（{statistics.scope.organizer}　草稿）", size=14, center=True)

    _paragraph(document, "一、总体情况", font=HEADING_FONT)
    rate = lines["checkin_rate"].value
    _paragraph(document, (
        f"{statistics.period.title}，共举办对接活动 {h.events_held} 场，开展一对一洽谈 {h.meetings_held} 场，"
        f"服务企业 {h.enterprises_served} 家，签到率 {_number(rate)}%。形成对接线索 {h.leads} 条，"
        f"意向融资 {_number(lines['intent_amount'].value)} 万元（其中双方确认 "
        f"{_number(lines['intent_amount'].confirmed)} 万元）。"))
    _paragraph(document, (
        f"金融机构授信 {lines['approved_count'].value} 笔、{_number(lines['approved_amount'].value)} 万元"
        f"（双方确认 {_number(lines['approved_amount'].confirmed)} 万元）；放款 {lines['disbursed_count'].value} 笔、"
        f"{_number(lines['disbursed_amount'].value)} 万元（双方确认 {_number(lines['disbursed_amount'].confirmed)} 万元，"
        f"单方填报 {_number(lines['disbursed_amount'].one_sided)} 万元），惠及企业 {h.disbursed.enterprises} 家；"
        f"信用贷款占比 {_number(lines['credit_share'].value)}%，平均利率 {_number(lines['average_rate'].value)}%，"
        f"放款用时中位数 {_number(lines['days_to_disburse'].value)} 天。"))
    document.add_picture(io.BytesIO(charts.funnel_png(h.funnel)), width=Cm(15))
    document.add_picture(io.BytesIO(charts.trend_png(statistics.trend)), width=Cm(15))

    _paragraph(document, "二、分机构情况", font=HEADING_FONT)
    _paragraph(document, "各金融机构考核排名如下。" + formula(statistics.weights))
    _table(document, ["名次", "机构", "综合得分", "洽谈场次", "授信（万元）", "放款（万元）", "首贷户"],
           [[s.rank, s.name, s.score, int(s.values["meetings_held"] or 0), s.values["approved_amount"],
             s.values["disbursed_amount"], int(s.values["first_loans"] or 0)] for s in statistics.ranking])
    by_institution = statistics.breakdowns["institution"]
    if by_institution.rows:
        document.add_picture(io.BytesIO(charts.institutions_png(by_institution)), width=Cm(15))

    _paragraph(document, "三、首贷户与重点产业链", font=HEADING_FONT)
    _paragraph(document, (
        f"本期支持首贷户 {h.first_loans.enterprises} 家，首贷金额 {_number(lines['first_loans_amount'].value)} 万元"
        f"（双方确认 {h.first_loans.confirmed_enterprises} 家）。分产业链情况如下（一家企业可属多条产业链）。"))
    chains = statistics.breakdowns["chain"]
    _table(document, ["产业链", "服务企业", "线索", "授信（万元）", "放款（万元）", "首贷户"],
           [[r.label, r.enterprises_served, r.leads, wan(r.approved.recorded.amount),
             wan(r.disbursed.split.recorded.amount), r.first_loans.enterprises] for r in chains.rows])

    _paragraph(document, "四、存在的问题", font=HEADING_FONT)
    for index, text in enumerate(problems_found(statistics, now=now), start=1):
        _paragraph(document, f"{index}. {text}")
    _paragraph(document, f"{statistics.scope.organizer}", indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    _paragraph(document, now.strftime("%Y年%m月%d日"), indent=False).alignment = WD_ALIGN_PARAGRAPH.RIGHT
    buffer = io.BytesIO()
    document.save(buffer)
    return buffer.getvalue()
