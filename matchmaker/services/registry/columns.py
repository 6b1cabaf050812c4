"""One description per registry field, shared by the web forms, the Excel/JSON import and export,
and the API: its key, its Chinese header, its kind and how a raw value becomes a stored value.

Raw values come in three shapes: form text ("120.5"), Excel cells (numbers, datetimes, text)
and JSON values. The one difference that matters is money: people type 万元 (forms, Excel),
while JSON carries integer 元 like the database and the criteria language (`json=True`).
Every parse failure is a ValueError whose message is shown to the user as is, in Chinese.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from matchmaker.text import clean_text
from matchmaker.errors import InvalidInput

TEXT, MONEY, INTEGER, PERCENT, DECIMAL, DATE, BOOL, CHOICE, LIST = (
    "text", "money", "integer", "percent", "decimal", "date", "bool", "choice", "list")

TRUE_WORDS = frozenset({"是", "有", "true", "yes", "y", "1", "√", "✓"})
FALSE_WORDS = frozenset({"否", "无", "false", "no", "n", "0", "×"})
LIST_SEPARATORS = re.compile(r"[、,，;；\n]+")
#: 万元 amounts: up to 1,000,000 万元 (100 亿) per figure is plenty for a tech SME programme and
#: keeps a typo of a few extra digits from going unnoticed.
MAX_WAN = Decimal(100_000_000)
#: Counts are 32-bit integer columns.
MAX_INTEGER = 2**31 - 1


@dataclass(frozen=True)
class Column:
    key: str
    header: str
    kind: str = TEXT
    required: bool = False
    choices: tuple[str, ...] = ()
    max_length: int = 200
    minimum: float | None = 0
    maximum: float | None = None
    example: Any = ""
    hint: str = ""

    def parse(self, raw: Any, *, json: bool = False) -> Any:
        """The stored value for `raw` (None when left empty); ValueError with a Chinese message."""
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            if self.required:
                raise ValueError("必填")
            return [] if self.kind == LIST else (None if self.kind not in (TEXT, CHOICE) else "")
        parser = _PARSERS[self.kind]
        return parser(self, raw, json)

    def show(self, value: Any) -> Any:
        """`value` as a person types it (money in 万元, lists joined with 、, bools as 是/否)."""
        if value is None:
            return ""
        if self.kind == MONEY:
            return wan_text(value)
        if self.kind == BOOL:
            return "是" if value else "否"
        if self.kind == LIST:
            return "、".join(value)
        if self.kind == DATE:
            return value.isoformat() if isinstance(value, date) else str(value)
        if self.kind in (PERCENT, DECIMAL) and isinstance(value, float):
            return f"{value:g}"
        return value


def wan_text(amount_yuan: int) -> str:
    """12_345_600 元 -> "1234.56" (万元, no trailing zeros)."""
    text = f"{Decimal(amount_yuan) / 10000:f}"
    return text.rstrip("0").rstrip(".") if "." in text else text


def _number(column: Column, raw: Any) -> Decimal:
    if isinstance(raw, bool):
        raise ValueError("应为数字")
    if isinstance(raw, (int, float)):
        if isinstance(raw, float) and not math.isfinite(raw):
            raise ValueError("应为数字")
        number = Decimal(str(raw))
    else:
        text = str(raw).strip().replace(",", "").replace("，", "")
        try:
            number = Decimal(text)
        except InvalidOperation:
            raise ValueError(f"应为数字，如 {column.example or '120.5'}，不要带单位或文字（填写的是“{raw}”）") from None
        if not number.is_finite():
            raise ValueError("应为数字")
    if column.minimum is not None and number < Decimal(str(column.minimum)):
        raise ValueError("不能为负数" if column.minimum == 0 else f"不能小于 {column.minimum:g}")
    if column.maximum is not None and number > Decimal(str(column.maximum)):
        raise ValueError(f"不能大于 {column.maximum:g}")
    return number


def _parse_money(column: Column, raw: Any, json: bool) -> int:
    if json:
        if isinstance(raw, bool) or not isinstance(raw, int):
            raise ValueError("应为整数（单位：元）")
        if raw < 0:
            raise ValueError("金额不能为负数")
        if raw > MAX_WAN * 10000:
            raise ValueError("金额过大")
        return raw
    wan = _number(column, raw)
    if wan > MAX_WAN:
        raise ValueError("金额过大，请以万元为单位填写")
    return int((wan * 10000).to_integral_value())


def _parse_integer(column: Column, raw: Any, json: bool) -> int:
    number = _number(column, raw)
    if number != number.to_integral_value():
        raise ValueError("应为整数")
    if number > MAX_INTEGER:
        raise ValueError("数值过大")
    return int(number)


def _parse_decimal(column: Column, raw: Any, json: bool) -> float:
    return float(_number(column, raw))


def _parse_percent(column: Column, raw: Any, json: bool) -> float:
    if isinstance(raw, str):
        raw = raw.strip().removesuffix("%").removesuffix("％")
    number = _number(column, raw)
    if number > 100:
        raise ValueError("百分比应在 0 到 100 之间（填 3.5 表示 3.5%）")
    return float(number)


def _parse_date(column: Column, raw: Any, json: bool) -> date:
    if isinstance(raw, datetime):
        return raw.date()
    if isinstance(raw, date):
        return raw
    text = str(raw).strip().replace("/", "-").replace(".", "-")
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise ValueError(f"应为日期，格式 2024-06-30（填写的是“{raw}”）") from None


def _parse_bool(column: Column, raw: Any, json: bool) -> bool:
    if isinstance(raw, bool):
        return raw
    word = str(raw).strip().lower()
    if word in TRUE_WORDS:
        return True
    if word in FALSE_WORDS:
        return False
    raise ValueError(f"应填“是”或“否”（填写的是“{raw}”）")


def refuse_control_characters(text: str) -> str:
    """The one text sanitiser (matchmaker/text.py), as every column parses its text."""
    return clean_text(text)


def _parse_text(column: Column, raw: Any, json: bool) -> str:
    if not isinstance(raw, (str, int)) or isinstance(raw, bool):
        raise ValueError("应为文字")
    text = refuse_control_characters(str(raw).strip())
    if len(text) > column.max_length:
        raise ValueError(f"不能超过 {column.max_length} 个字")
    return text


def _parse_choice(column: Column, raw: Any, json: bool) -> str:
    text = _parse_text(column, raw, json)
    if text not in column.choices:
        raise ValueError(f"应为 {'、'.join(column.choices)} 之一（填写的是“{text}”）")
    return text


def _parse_list(column: Column, raw: Any, json: bool) -> list[str]:
    items = raw if isinstance(raw, list) else LIST_SEPARATORS.split(str(raw))
    values = [refuse_control_characters(str(item).strip()) for item in items if str(item).strip()]
    if column.choices:
        unknown = [v for v in values if v not in column.choices]
        if unknown:
            raise ValueError(f"“{'、'.join(unknown)}”不在可选范围内（可选：{'、'.join(column.choices)}）")
    return list(dict.fromkeys(values))


_PARSERS = {TEXT: _parse_text, MONEY: _parse_money, INTEGER: _parse_integer, PERCENT: _parse_percent,
            DECIMAL: _parse_decimal, DATE: _parse_date, BOOL: _parse_bool, CHOICE: _parse_choice, LIST: _parse_list}


def parse_values(columns: Iterable[Column], raw: Mapping[str, Any], *, json: bool = False,
                 only_present: bool = False) -> dict[str, Any]:
    """Parse every column of `raw`; InvalidInput(key -> "表头：message") listing every problem.

    `only_present`: columns missing from `raw` are left out (a partial update from the API).
    """
    values, problems = parse_each(columns, raw, json=json, only_present=only_present)
    if problems:
        raise InvalidInput(problems)
    return values


def parse_each(columns: Iterable[Column], raw: Mapping[str, Any], *, json: bool = False,
               only_present: bool = False) -> tuple[dict[str, Any], dict[str, str]]:
    """(the values that parsed, the problems of the others): for checks across fields."""
    values: dict[str, Any] = {}
    problems: dict[str, str] = {}
    for column in columns:
        if only_present and column.key not in raw:
            continue
        try:
            values[column.key] = column.parse(raw.get(column.key), json=json)
        except ValueError as error:
            problems[column.key] = f"{column.header}：{error}"
    return values, problems
