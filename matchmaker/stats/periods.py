"""Calendar periods: a month (2026-11), a quarter (2026-Q4), a year (2026) or a date range
(2026-10-08..2026-12-31), each a closed interval of dates."""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import date, timedelta


class BadPeriod(ValueError):
    """The text names no period."""


@dataclass(frozen=True)
class Period:
    start: date
    end: date  # inclusive
    label: str

    def __contains__(self, day: object) -> bool:
        return isinstance(day, date) and self.start <= day <= self.end

    @property
    def title(self) -> str:
        """The period in Chinese, as a 通报 names it."""
        if re.fullmatch(r"\d{4}", self.label):
            return f"{self.label}年"
        if m := re.fullmatch(r"(\d{4})-Q([1-4])", self.label):
            return f"{m[1]}年第{'一二三四'[int(m[2]) - 1]}季度"
        if m := re.fullmatch(r"(\d{4})-(\d{2})", self.label):
            return f"{m[1]}年{int(m[2])}月"
        return f"{self.start.isoformat()} 至 {self.end.isoformat()}"


def month(year: int, number: int) -> Period:
    last = calendar.monthrange(year, number)[1]
    return Period(date(year, number, 1), date(year, number, last), f"{year}-{number:02d}")


def quarter(year: int, number: int) -> Period:
    first = 3 * (number - 1) + 1
    return Period(date(year, first, 1), month(year, first + 2).end, f"{year}-Q{number}")


def year(number: int) -> Period:
    return Period(date(number, 1, 1), date(number, 12, 31), f"{number}")


def date_range(start: date, end: date) -> Period:
    if end < start:
        raise BadPeriod("结束日期早于开始日期")
    return Period(start, end, f"{start.isoformat()}..{end.isoformat()}")


def parse_period(text: str) -> Period:
    """`2026`, `2026-Q4`, `2026-11` or `2026-10-08..2026-12-31`; BadPeriod otherwise."""
    text = text.strip()
    try:
        if m := re.fullmatch(r"(\d{4})", text):
            return year(int(m[1]))
        if m := re.fullmatch(r"(\d{4})-[Qq]([1-4])", text):
            return quarter(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4})-(\d{1,2})", text):
            return month(int(m[1]), int(m[2]))
        if m := re.fullmatch(r"(\d{4}-\d{2}-\d{2})\s*(?:\.\.|~|至)\s*(\d{4}-\d{2}-\d{2})", text):
            return date_range(date.fromisoformat(m[1]), date.fromisoformat(m[2]))
    except ValueError as error:
        raise BadPeriod(f"无法识别的期间：{text}") from error
    raise BadPeriod(f"无法识别的期间：{text}（示例：2026、2026-Q4、2026-11、2026-10-01..2026-12-31）")


def months_of(period: Period) -> list[Period]:
    """The calendar months the period touches, clipped to it (for a monthly trend)."""
    result = []
    current = date(period.start.year, period.start.month, 1)
    while current <= period.end:
        whole = month(current.year, current.month)
        start, end = max(whole.start, period.start), min(whole.end, period.end)
        result.append(Period(start, end, whole.label))
        current = whole.end + timedelta(days=1)
    return result
