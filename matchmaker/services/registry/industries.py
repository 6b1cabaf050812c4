"""GB/T 4754-2017 industry classes offered on the enterprise profile, read from
matchmaker/data/gbt4754_classes.csv (section letter + four-digit class, Chinese name).

The file holds the classes a tech-finance programme meets (manufacturing, IT, R&D and technology
services, environment, agriculture); a city adds rows to it without touching code.
"""

from __future__ import annotations

import csv
from functools import cache
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "gbt4754_classes.csv"


@cache
def industry_classes() -> dict[str, str]:
    """code -> name, in file order (e.g. "C3911" -> "计算机整机制造")."""
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        return {row["code"]: row["name"] for row in csv.DictReader(handle)}


def industry_label(code: str) -> str:
    name = industry_classes().get(code)
    return f"{code} {name}" if name else code


def parse_industry(raw: str) -> str:
    """The class code in `raw` ("C3911" or "C3911 计算机整机制造" as the datalist fills it in)."""
    code = raw.strip().split(" ")[0].upper() if raw.strip() else ""
    if code and code not in industry_classes():
        raise ValueError(f"“{raw.strip()}”不是可选的国民经济行业小类，请从列表中选择（如 C3911）")
    return code
