"""The figures of one scope and period (`summary.Headline`, the trend, the breakdowns, the
考核 ranking) to JSON text and back, for the statistics cache (services/reports/cache.py).

Only the frozen dataclasses listed in `_TYPES` are rebuilt, so a stored text can make nothing
else; tuples, dates and datetimes are tagged so that a decoded figure equals the computed one
(a tuple stays a tuple)."""

from __future__ import annotations

import dataclasses
import json
from datetime import date, datetime

from matchmaker.stats import assessment, indicators, summary
from matchmaker.stats.periods import Period

_TYPES = {cls.__name__: cls for cls in (
    Period, indicators.Tally, indicators.Split, indicators.Attendance, indicators.Disbursed, indicators.FirstLoans,
    indicators.Share, indicators.Responsiveness, indicators.FunnelStep, summary.Headline, summary.TrendPoint,
    summary.BreakdownRow, summary.Breakdown, assessment.Scored)}


def _plain(value):
    if dataclasses.is_dataclass(value) and type(value).__name__ in _TYPES:
        return {"@": type(value).__name__,
                **{f.name: _plain(getattr(value, f.name)) for f in dataclasses.fields(value)}}
    if isinstance(value, tuple):
        return {"@t": [_plain(v) for v in value]}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, datetime):  # before date: a datetime is a date
        return {"@dt": value.isoformat()}
    if isinstance(value, date):
        return {"@d": value.isoformat()}
    if isinstance(value, dict):
        if not all(isinstance(key, str) for key in value):
            raise TypeError("only text keys survive JSON")
        return {"@m": {key: _plain(v) for key, v in value.items()}}
    if value is None or isinstance(value, bool | int | float | str):
        return value
    raise TypeError(f"cannot encode {type(value).__name__}")


def _rebuilt(value):
    if isinstance(value, list):
        return [_rebuilt(v) for v in value]
    if not isinstance(value, dict):
        return value
    if "@t" in value:
        return tuple(_rebuilt(v) for v in value["@t"])
    if "@d" in value:
        return date.fromisoformat(value["@d"])
    if "@dt" in value:
        return datetime.fromisoformat(value["@dt"])
    if "@m" in value:
        return {key: _rebuilt(v) for key, v in value["@m"].items()}
    cls = _TYPES[value["@"]]  # KeyError for anything not listed
    return cls(**{key: _rebuilt(v) for key, v in value.items() if key != "@"})


def dumps(figures: dict) -> str:
    """`figures` (text keys to figures) as JSON text."""
    return json.dumps(_plain(figures), ensure_ascii=False, separators=(",", ":"))


def loads(text: str) -> dict:
    return _rebuilt(json.loads(text))
