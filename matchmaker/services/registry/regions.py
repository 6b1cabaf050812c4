"""The one table of regions (matchmaker/data/regions.csv: province, city, district) behind the
region picker of the product and policy forms and the region cells of their imports.

A served region is stored as a "省/市/区" prefix (matching/regions.py). What a person types is
resolved against the table: a full path must exist level by level; a bare name is accepted when
it names exactly one province, city or district ("星河市" → "浙江省/星河市"); an ambiguous or
unknown name is refused with a Chinese message saying what to write instead. Extend the table
(one row per province, city and district) for a city outside it.
"""

from __future__ import annotations

import csv
import json
from collections.abc import Iterable
from functools import cache, cached_property
from pathlib import Path

DATA_FILE = Path(__file__).resolve().parents[2] / "data" / "regions.csv"

REGION_HINT = "从地区表选取，如“浙江省/星河市”；只写一个不重名的市或区（如“星河市”）也可，保存时补全为完整路径。"


class RegionTable:
    def __init__(self, rows: Iterable[tuple[str, str, str]]) -> None:
        paths: set[tuple[str, ...]] = set()
        for row in rows:
            levels = tuple(level.strip() for level in row if level.strip())
            for depth in range(1, len(levels) + 1):
                paths.add(levels[:depth])
        self.paths = sorted(paths, key=lambda p: (p[0], p[1:]))
        self._known = {"/".join(p) for p in paths}
        self._by_name: dict[str, list[tuple[str, ...]]] = {}
        for path in self.paths:
            self._by_name.setdefault(path[-1], []).append(path)

    def resolve(self, typed: str) -> str:
        """The stored "省/市/区" path for `typed`; ValueError with a Chinese message otherwise."""
        text = typed.strip().strip("/").replace("／", "/")
        if "/" in text:
            path = "/".join(part.strip() for part in text.split("/") if part.strip())
            if path not in self._known:
                raise ValueError(f"“{typed}”不在地区表中，请从地区选择器中选取（省/市/区）")
            return path
        found = self._by_name.get(text, [])
        widest = min(found, key=len, default=None)
        if widest is not None and all(p[:len(widest)] == widest for p in found):
            found = [widest]  # 上海市 the municipality holds 上海市 the city: the municipality is meant
        if len(found) == 1:
            return "/".join(found[0])
        if len(found) > 1:
            options = "、".join("/".join(p) for p in found[:5])
            raise ValueError(f"“{typed}”有多处同名（{options}），请写明上级地区，如“{'/'.join(found[0])}”")
        raise ValueError(f"未知的地区“{typed}”，请写作“省/市/区”，如“浙江省/星河市”")

    def tree(self) -> dict[str, dict[str, list[str]]]:
        """province → city → districts, for the picker."""
        tree: dict[str, dict[str, list[str]]] = {}
        for path in self.paths:
            cities = tree.setdefault(path[0], {})
            if len(path) >= 2:
                districts = cities.setdefault(path[1], [])
                if len(path) == 3:
                    districts.append(path[2])
        return tree

    def options(self, depth: int | None = None) -> list[str]:
        """Every path (or those of at most `depth` levels), for the form's datalist (the picker
        without JavaScript)."""
        return ["/".join(p) for p in self.paths if depth is None or len(p) <= depth]

    @cached_property
    def tree_json(self) -> str:
        """`tree()` as compact UTF-8 JSON safe inside <script> (about 47 KB for all of China, half
        of what escaping every character as \\uXXXX would send), built once per process."""
        text = json.dumps(self.tree(), ensure_ascii=False, separators=(",", ":"))
        return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def region_table() -> RegionTable:
    with DATA_FILE.open(encoding="utf-8", newline="") as handle:
        reader = csv.DictReader(handle)
        return RegionTable((row["province"], row["city"] or "", row["district"] or "") for row in reader)


def resolve_regions(typed: Iterable[str], header: str) -> tuple[list[str], str | None]:
    """(the stored paths, one problem message or None) for a list of typed regions."""
    resolved, problems = [], []
    for region in typed:
        try:
            path = region_table().resolve(region)
        except ValueError as error:
            problems.append(str(error))
            continue
        if path not in resolved:
            resolved.append(path)
    return resolved, (f"{header}：{'；'.join(problems)}" if problems else None)
