"""Small but real business-plan PDFs for the demo roadshow's pitches (商业计划书), drawn with
ReportLab in its built-in Chinese font (STSong-Light, a CID font every PDF reader has), so no
font file ships with the project."""

from __future__ import annotations

import io
from dataclasses import dataclass

from reportlab.lib.pagesizes import A4
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.pdfbase import pdfmetrics
from reportlab.pdfbase.cidfonts import UnicodeCIDFont
from reportlab.platypus import Paragraph, SimpleDocTemplate, Spacer, Table, TableStyle

FONT = "STSong-Light"


@dataclass(frozen=True)
class BusinessPlan:
    enterprise: str
    title: str
    chain: str
    round: str
    amount_wan: int
    equity_percent: float
    summary: str
    technology: str
    market: str
    use_of_funds: tuple[tuple[str, int], ...]  # (use, percent)
    team: str


def _styles() -> dict[str, ParagraphStyle]:
    if FONT not in pdfmetrics.getRegisteredFontNames():
        pdfmetrics.registerFont(UnicodeCIDFont(FONT))
    base = ParagraphStyle("body", fontName=FONT, fontSize=10.5, leading=17, wordWrap="CJK", spaceAfter=6)
    return {"title": ParagraphStyle("title", parent=base, fontSize=20, leading=28, spaceAfter=4),
            "subtitle": ParagraphStyle("subtitle", parent=base, fontSize=12, leading=18, spaceAfter=14),
            "heading": ParagraphStyle("heading", parent=base, fontSize=13, leading=20, spaceBefore=10, spaceAfter=4),
            "body": base,
            "note": ParagraphStyle("note", parent=base, fontSize=8.5, leading=13, spaceBefore=18)}


def business_plan_pdf(plan: BusinessPlan) -> bytes:
    """The plan as a PDF of one or two A4 pages."""
    styles = _styles()
    buffer = io.BytesIO()
    document = SimpleDocTemplate(buffer, pagesize=A4, leftMargin=20 * mm, rightMargin=20 * mm, topMargin=20 * mm,
                                 bottomMargin=18 * mm, title=f"{plan.title} 商业计划书", author=plan.enterprise,
                                 subject="商业计划书（演示）")
    facts = Table([["所属产业链", plan.chain, "融资轮次", plan.round],
                   ["拟融资金额", f"{plan.amount_wan:,} 万元", "拟出让股权", f"{plan.equity_percent:g}%"]],
                  colWidths=[28 * mm, 57 * mm, 28 * mm, 57 * mm])
    facts.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10.5), ("GRID", (0, 0), (-1, -1), 0.5, "#9aa5b1"),
                               ("BACKGROUND", (0, 0), (0, -1), "#eef2f6"), ("BACKGROUND", (2, 0), (2, -1), "#eef2f6"),
                               ("TOPPADDING", (0, 0), (-1, -1), 5), ("BOTTOMPADDING", (0, 0), (-1, -1), 5)]))
    uses = Table([["资金用途", "占比"], *[[use, f"{percent}%"] for use, percent in plan.use_of_funds]],
                 colWidths=[130 * mm, 40 * mm])
    uses.setStyle(TableStyle([("FONT", (0, 0), (-1, -1), FONT, 10.5), ("GRID", (0, 0), (-1, -1), 0.5, "#9aa5b1"),
                              ("BACKGROUND", (0, 0), (-1, 0), "#eef2f6"), ("ALIGN", (1, 0), (1, -1), "RIGHT")]))
    story = [
        Paragraph(plan.title, styles["title"]),
        Paragraph(f"{plan.enterprise} · 商业计划书", styles["subtitle"]),
        facts,
        Paragraph("项目概要", styles["heading"]), Paragraph(plan.summary, styles["body"]),
        Paragraph("核心技术与产品", styles["heading"]), Paragraph(plan.technology, styles["body"]),
        Paragraph("市场与客户", styles["heading"]), Paragraph(plan.market, styles["body"]),
        Paragraph("融资计划与资金用途", styles["heading"]),
        Paragraph(f"本轮（{plan.round}）拟融资 {plan.amount_wan:,} 万元，拟出让股权 {plan.equity_percent:g}%，"
                  "资金用途如下：", styles["body"]), uses, Spacer(1, 4),
        Paragraph("核心团队", styles["heading"]), Paragraph(plan.team, styles["body"]),
        Paragraph("本计划书为星河市科技金融服务平台演示数据，企业及数据均为虚构。", styles["note"]),
    ]
    document.build(story)
    return buffer.getvalue()
