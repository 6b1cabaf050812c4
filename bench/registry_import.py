"""Benchmark of the registries: a 5,000-enterprise workbook import, and the product library page
with 1,000 published products.

    .venv/bin/python bench/registry_import.py [--enterprises 5000] [--products 1000]

Targets (2-core machine): the import in ≤ 15 s and ≤ 500 MB peak (max RSS of this process);
GET /products with 1,000 products in ≤ 150 ms server time (median of 10, in-process ASGI).
Runs on a fresh SQLite file in a temporary directory. Prints one table.
"""

from __future__ import annotations

import argparse
import asyncio
import io
import resource
import statistics
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402
from openpyxl import Workbook  # noqa: E402
from tortoise import Tortoise  # noqa: E402

from matchmaker.config import load_settings  # noqa: E402
from matchmaker.db import migrate, tortoise_config  # noqa: E402
from matchmaker.models import Organization, OrganizationKind, Product, PublicationStatus  # noqa: E402
from matchmaker.demo.registry import PRODUCT_TEMPLATES  # noqa: E402
from matchmaker.services.registry.io.transfer import Limits, import_file, make_context  # noqa: E402
from matchmaker.uscc import make_uscc  # noqa: E402

CHAINS = ("新材料", "新医药", "新能源", "装备制造", "信息产业", "集成电路", "人工智能", "节能环保", "航空航天", "现代农业")
HEADERS = ["统一社会信用代码", "企业名称", "所在省份", "所在城市", "国民经济行业（GB/T 4754 小类代码）", "所属产业链", "企业规模",
           "成立日期", "职工人数", "研发人员占比（%）", "上年度营业收入（万元）", "资产总额（万元）", "研发投入占营业收入比例（%）",
           "上年度是否盈利", "纳税信用等级", "发明专利（件）", "首贷户（从未在银行贷款）", "高新技术企业（取得日期）"]


def enterprise_workbook(count: int) -> bytes:
    book = Workbook(write_only=True)
    sheet = book.create_sheet("企业")
    sheet.append(HEADERS)
    for n in range(count):
        sheet.append([make_uscc(f"91330106MA{n:07d}"), f"基准测试科技{n}号有限公司", "浙江省", "星河市", "C3911",
                      CHAINS[n % 10], "小", "2018-03-01", 50 + n % 200, 25.5, 1200 + n, 3000 + n, 6.5, "是", "A",
                      n % 20, "否" if n % 3 else "是", "2024-11-20" if n % 2 else None])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


async def bench_import(count: int) -> tuple[float, int]:
    data = enterprise_workbook(count)
    ctx = await make_context(chains=CHAINS)
    started = time.perf_counter()
    written = await import_file("enterprises", "bench.xlsx", data, ctx=ctx,
                                limits=Limits(max_bytes=50 * 1024 * 1024, max_rows=50_000))
    return time.perf_counter() - started, written


async def bench_library(app, products: int) -> tuple[float, int]:
    bank = await Organization.create(kind=OrganizationKind.BANK, name="基准测试银行")
    rows = []
    for n in range(products):
        name, kind, criteria, amount_rule, (low, high), rate, instruments = PRODUCT_TEMPLATES[n % len(PRODUCT_TEMPLATES)]
        rows.append(Product(organization=bank, name=f"{name}{n}", kind=kind, amount_rule=amount_rule, criteria=criteria,
                            term_min_months=low, term_max_months=high, rate_text=rate,
                            policy_instruments=list(instruments), status=PublicationStatus.PUBLISHED))
    await Product.bulk_create(rows, batch_size=500)
    timings = []
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=app), base_url="http://bench") as client:
        await client.get("/products")  # warm the template cache
        for _ in range(10):
            started = time.perf_counter()
            response = await client.get("/products")
            timings.append(time.perf_counter() - started)
            assert response.status_code == 200
    return statistics.median(timings), response.text.count('class="card product-card"')


async def main(args: argparse.Namespace) -> None:
    from asgi_lifespan import LifespanManager

    from matchmaker.app import create_app

    with tempfile.TemporaryDirectory() as tmp:
        settings = load_settings(database_url=f"sqlite://{tmp}/bench.sqlite3", paths_var_dir=tmp)
        await migrate(settings)
        await Tortoise.init(config=tortoise_config(settings))
        seconds, written = await bench_import(args.enterprises)
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        await Tortoise.close_connections()
        app = create_app(settings)
        async with LifespanManager(app):
            page_seconds, shown = await bench_library(app, args.products)
    print(f"{'benchmark':<42}{'result':>14}{'target':>12}")
    print(f"{'import ' + str(written) + ' enterprises (.xlsx)':<42}{seconds:>12.2f} s{'≤ 15 s':>12}")
    print(f"{'peak memory (max RSS)':<42}{peak_mb:>11.0f} MB{'≤ 500 MB':>12}")
    print(f"{'GET /products: ' + str(args.products) + ' published, ' + str(shown) + ' shown':<42}{page_seconds * 1000:>11.0f} ms{'≤ 150 ms':>12}")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--enterprises", type=int, default=5000)
    parser.add_argument("--products", type=int, default=1000)
    asyncio.run(main(parser.parse_args()))
