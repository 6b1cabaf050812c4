"""The headline figures as labelled lines, the same for the page, the workbook and the 通报
(amounts in 万元 with two decimals, rates in percent)."""

from __future__ import annotations

from dataclasses import dataclass

from matchmaker.stats.indicators import Split
from matchmaker.stats.summary import Headline


def wan(amount: int) -> float:
    """元 -> 万元, as shown everywhere (two decimals)."""
    return round(amount / 10_000, 2)


def percent(ratio: float | None) -> float | None:
    return None if ratio is None else round(ratio * 100, 2)


@dataclass(frozen=True)
class Line:
    key: str
    label: str
    unit: str
    value: float | int | None  # what stands: confirmed + one-sided (disputed left out)
    confirmed: float | int | None = None
    one_sided: float | int | None = None
    disputed: float | int | None = None


def _amount_lines(key: str, label: str, split: Split) -> list[Line]:
    return [
        Line(f"{key}_count", f"{label}笔数", "笔", split.recorded.count, split.confirmed.count,
             split.one_sided.count, split.disputed.count),
        Line(f"{key}_amount", f"{label}金额", "万元", wan(split.recorded.amount), wan(split.confirmed.amount),
             wan(split.one_sided.amount), wan(split.disputed.amount)),
    ]


def headline_lines(figures: Headline) -> list[Line]:
    att = figures.attendance
    lines = [
        Line("events_held", "对接活动", "场", figures.events_held),
        Line("meetings_held", "洽谈场次", "场", figures.meetings_held),
        Line("enterprises_served", "服务企业数", "家", figures.enterprises_served),
        Line("checkin_rate", "签到率（签到/报名通过）", "%", percent(att.checkin_rate)),
        Line("no_show_rate", "洽谈缺席率（缺席/计划）", "%", percent(att.no_show_rate)),
        Line("leads", "对接线索", "条", figures.leads),
        *_amount_lines("intent", "意向", figures.intent),
        *_amount_lines("approved", "授信", figures.approved),
        *_amount_lines("disbursed", "放款", figures.disbursed.split),
        Line("disbursed_enterprises", "获得放款企业数", "家", figures.disbursed.enterprises,
             figures.disbursed.confirmed_enterprises),
        Line("first_loans", "首贷户数", "家", figures.first_loans.enterprises, figures.first_loans.confirmed_enterprises),
        Line("first_loans_amount", "首贷金额", "万元", wan(figures.first_loans.split.recorded.amount),
             wan(figures.first_loans.split.confirmed.amount), wan(figures.first_loans.split.one_sided.amount),
             wan(figures.first_loans.split.disputed.amount)),
        Line("credit_share", "信用贷款占比", "%", percent(figures.credit_loan_share.ratio)),
        Line("average_rate", "平均利率", "%", None if figures.average_rate is None else round(figures.average_rate, 2)),
        Line("days_to_disburse", "放款用时中位数", "天", figures.days_to_disburse),
        Line("response_rate", "按时响应率", "%", percent(figures.responsiveness.rate)),
        Line("response_hours", "响应用时中位数", "小时", figures.responsiveness.median_hours),
        Line("satisfaction", "企业评价（1–5 分）", "分",
             None if figures.satisfaction is None else round(figures.satisfaction, 2)),
    ]
    return lines


def by_key(lines: list[Line]) -> dict[str, Line]:
    return {line.key: line for line in lines}
