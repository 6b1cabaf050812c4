"""Benchmark of the matching engine: all verdicts and scores for many enterprises × products.

    .venv/bin/python bench/matching.py [--enterprises 10000] [--products 2000] [--seed 1]

Targets (2-core machine): 10,000 enterprises × 2,000 products with nested criteria (10 % of
them with arithmetic criteria and formula amount rules, `--expr-share`), every verdict
(eligible + failed criteria, need amount and term held against the product) and fit score in
≤ 5 s and ≤ 2 GB peak; one enterprise
against 2,000 products (the recommendation page) in ≤ 200 ms of engine time. Prints one table.
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import sys
import time
from datetime import date, timedelta
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from matchmaker.matching.compiled import compile_offers  # noqa: E402
from matchmaker.matching.criteria import parse_criteria  # noqa: E402
from matchmaker.matching.evaluate import Subject, explain  # noqa: E402
from matchmaker.matching.expressions import parse_expr  # noqa: E402
from matchmaker.matching.model import (  # noqa: E402
    KINDS,
    AmountRule,
    AmountTier,
    EnterpriseProfile,
    FinancingNeed,
    PlatformRule,
    Product,
    Region,
    TermRule,
)
from matchmaker.matching.fields import FieldType, custom_field, default_fields  # noqa: E402
from matchmaker.matching.vectorized import MatchIndex  # noqa: E402

AS_OF = date(2026, 12, 1)
CITIES = {"浙江省": ["杭州市", "宁波市", "温州市"], "江苏省": ["南京市", "苏州市"], "广东省": ["深圳市", "广州市"]}
DISTRICTS = ["一区", "二区", "三区", "四区"]
CHAINS = ["集成电路", "生物医药", "人工智能", "新能源汽车", "高端装备", "新材料"]
QUALS = ["高新技术企业", "科技型中小企业", "专精特新中小企业", "专精特新“小巨人”企业", "创新型中小企业", "瞪羚企业"]
INDUSTRIES = ["C3911", "C3971", "C2720", "I6513", "C3562", "M7320", "C3841"]


def make_enterprise(rng: random.Random, i: int) -> EnterpriseProfile:
    province = rng.choice(list(CITIES))
    maybe = lambda value, p=0.92: value if rng.random() < p else None  # noqa: E731
    revenue = int(rng.lognormvariate(16.5, 1.3))
    quals = {q: AS_OF - timedelta(days=rng.randint(0, 2000)) for q in QUALS if rng.random() < 0.3}
    return EnterpriseProfile(
        uscc=f"E{i:06d}", name=f"企业{i}",
        region=Region(province, rng.choice(CITIES[province]), rng.choice(DISTRICTS)),
        industry=rng.choice(INDUSTRIES), industry_chains=tuple(rng.sample(CHAINS, rng.randint(0, 2))),
        size_class=rng.choice("中小小微微"), established=AS_OF - timedelta(days=rng.randint(100, 7000)),
        employees=rng.randint(3, 800), rd_staff_ratio=maybe(round(rng.uniform(0, 60), 1)),
        revenue=maybe(revenue), total_assets=maybe(int(revenue * rng.uniform(0.5, 3))),
        rd_ratio=maybe(round(rng.uniform(0, 25), 1)), profitable=maybe(rng.random() < 0.6),
        tax_rating=maybe(rng.choice("AABBMCD")), invention_patents=maybe(rng.randint(0, 20)),
        utility_patents=maybe(rng.randint(0, 40)), software_copyrights=maybe(rng.randint(0, 30)),
        ic_layouts=rng.choice([0, 0, 0, 1, 2]), qualifications=quals,
        dishonest_debtor=rng.random() < 0.02, serious_violation=rng.random() < 0.01,
        current_overdue=rng.random() < 0.05, overdue_count_2y=rng.choice([0, 0, 0, 1, 2, 4]),
        first_loan=rng.random() < 0.3, existing_debt=maybe(int(revenue * rng.uniform(0, 1.2))),
        vc_backed=rng.random() < 0.2, valuation=maybe(revenue * rng.randint(2, 20), 0.3),
        phd_count=rng.randint(0, 10), high_level_talent_count=rng.choice([0, 0, 1, 2]),
        custom={"白名单": rng.random() < 0.3, "创新积分": rng.randint(0, 100)},
    )


def make_need(rng: random.Random, i: int) -> FinancingNeed | None:
    if rng.random() < 0.25:
        return None
    return FinancingNeed(f"N{i}", rng.choice(list(KINDS)), rng.randint(5, 300) * 100000, rng.choice([6, 12, 24, 36]),
                         collateral_value=rng.choice([None, rng.randint(1, 50) * 1000000]))


def field(key: str) -> dict:
    return {"field": key}


def op(name: str, *args: object) -> dict:
    return {"op": name, "args": list(args)}


def formula_criteria(rng: random.Random) -> list[dict]:
    """Arithmetic criteria of real programmes, thresholds varied per product."""
    return [
        {"id": "debt_rev", "text": "(现有负债+本次需求)/营业收入不超过一定比例", "op": "le", "value": rng.choice([50, 60, 80]),
         "expr": op("div", op("add", field("existing_debt"), field("need.amount")), field("revenue"))},
        {"id": "ip_staff", "text": "每百名职工发明专利", "op": "ge", "value": rng.choice([1, 2, 5]),
         "expr": op("div", op("mul", field("invention_patents"), 100), field("employees"))},
        {"id": "net", "text": "资产扣除负债后不低于", "op": "ge", "value": rng.choice([1, 5, 10]) * 1_000_000,
         "expr": op("sub", op("min", field("total_assets"), op("mul", {"percent": 80}, field("revenue"))),
                    field("existing_debt"))},
        {"id": "score", "text": "科创积分达标", "field": "innovation_score", "op": "ge", "value": rng.choice([30, 40, 50])},
    ][: rng.randint(2, 4)]


def make_product(rng: random.Random, i: int, with_formulas: bool = False) -> Product:
    """Nested criteria in the shape of real programmes, with thresholds varied per product."""
    c = lambda cid, field, op, value=None: {"id": cid, "field": field, "op": op, "value": value}  # noqa: E731
    criteria = [
        c("age", "years_established", "ge", rng.choice([1, 2, 3])),
        c("tax", "tax_rating", "in", rng.choice([["A", "B"], ["A", "B", "M"]])),
        {"id": "tech", "text": "高企或研发指标", "any": [
            c("hnte", "qualifications", "contains", "高新技术企业"),
            {"id": "ind", "all": [c("rd", "rd_ratio", "ge", rng.choice([3, 4, 5, 6])),
                                  c("ip1", "ip_class1", "ge", rng.randint(1, 3))]},
            c("srdi", "qualifications", "in", ["专精特新中小企业", "专精特新“小巨人”企业"]),
        ]},
        {"id": "credit", "not": {"id": "bad", "any": [c("ov", "current_overdue", "true"),
                                                     c("ovn", "overdue_count_2y", "gt", rng.choice([2, 3]))]}},
        c("rev", "revenue", "ge", rng.choice([0, 2_000_000, 5_000_000, 10_000_000])),
        c("debt", "debt_ratio_after_loan", "le", rng.choice([60, 70, 80])),
    ]
    if rng.random() < 0.5:
        criteria.append(c("chain", "industry_chains", "in", rng.sample(CHAINS, 2)))
    if rng.random() < 0.3:
        criteria.append(c("wl", "custom.白名单", "true"))
    if rng.random() < 0.3:
        criteria.append({"id": "list", "basis": "process", "text": "纳入合作银行白名单 (名单制)"})
    if with_formulas:
        criteria += formula_criteria(rng)
    tree = parse_criteria({"id": "root", "all": criteria})
    tiers = (AmountTier(10_000_000, parse_criteria(c("t1", "revenue", "ge", 50_000_000)), "营收5000万以上"),
             AmountTier(5_000_000, parse_criteria(c("t2", "first_loan", "true")), "首贷户"),
             AmountTier(3_000_000))
    amount = rng.choice([AmountRule(tiers=tiers, min=500_000), AmountRule(max=rng.randint(1, 30) * 1_000_000),
                         AmountRule(share_field="need.collateral_value", share_percent=50, max=20_000_000)])
    if with_formulas and rng.random() < 0.5:  # cap = 50% × valuation (or revenue) − existing debt
        base = rng.choice(["valuation", "revenue"])
        amount = AmountRule(expr=parse_expr(op("sub", op("mul", {"percent": rng.choice([30, 50])}, field(base)),
                                                  field("existing_debt")), "amount.expr", {}),
                            max=rng.randint(5, 30) * 1_000_000, min=300_000)
    province = rng.choice(list(CITIES))
    regions = rng.choice([(), (province,), (f"{province}/{rng.choice(CITIES[province])}",)])
    return Product(f"P{i:04d}", f"产品{i}", f"银行{i % 40}", rng.choice(list(KINDS)), tree, amount,
                   TermRule(rng.choice([3, 6]), rng.choice([12, 24, 36, 60])), regions,
                   tuple(rng.sample(CHAINS, rng.randint(0, 2))))


PLATFORM_RULES = [
    PlatformRule("dishonest", "失信被执行人不参与对接", parse_criteria({"id": "d", "field": "dishonest_debtor", "op": "false"})),
    PlatformRule("violation", "严重违法失信主体不参与对接",
                 parse_criteria({"id": "v", "field": "serious_violation", "op": "false"})),
]


def peak_rss_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--enterprises", type=int, default=10_000)
    parser.add_argument("--products", type=int, default=2_000)
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--expr-share", type=float, default=0.1, help="share of products with formulas")
    parser.add_argument("--singles", type=int, default=20, help="enterprises timed alone")
    args = parser.parse_args()
    rng = random.Random(args.seed)
    enterprises = [make_enterprise(rng, i) for i in range(args.enterprises)]
    needs = [make_need(rng, i) for i in range(args.enterprises)]
    products = [make_product(rng, i, rng.random() < args.expr_share) for i in range(args.products)]
    with_formulas = sum(1 for p in products if p.criteria and any(
        getattr(n, "expr", None) is not None for n in getattr(p.criteria, "children", ())))
    rows: list[tuple[str, str, str]] = []

    started = time.perf_counter()
    fields = default_fields().with_custom([custom_field("白名单", FieldType.BOOL),
                                           custom_field("创新积分", FieldType.NUMBER)])
    compiled = compile_offers(products, fields, rules=PLATFORM_RULES)
    compile_s = time.perf_counter() - started
    rows.append(("compile products", f"{args.products} products ({with_formulas} with formulas)",
                 f"{compile_s * 1000:.0f} ms"))

    started, cpu = time.perf_counter(), time.process_time()
    index = MatchIndex(enterprises, AS_OF, needs=needs)
    matrix = index.evaluate(compiled)
    eligible = matrix.eligible
    all_s, all_cpu = time.perf_counter() - started, time.process_time() - cpu
    pairs = args.enterprises * args.products
    rows.append(("all verdicts + scores", f"{args.enterprises} × {args.products}",
                 f"{all_s:.2f} s wall, {all_cpu:.2f} s CPU  (target ≤ 5 s; {eligible.sum()} eligible of {pairs})"))

    singles, single_cpu = [], []
    for e, n in list(zip(enterprises, needs))[: args.singles]:
        started, cpu = time.perf_counter(), time.process_time()
        single = MatchIndex([e], AS_OF, needs=[n]).evaluate(compiled)
        ranked = single.ranked(0)
        near = single.near_misses(0)
        singles.append(time.perf_counter() - started)
        single_cpu.append(time.process_time() - cpu)
    singles.sort()
    single_cpu.sort()
    rows.append(("one enterprise × products", f"1 × {args.products} (median of {args.singles})",
                 f"{singles[len(singles) // 2] * 1000:.0f} ms wall, {single_cpu[len(single_cpu) // 2] * 1000:.0f} ms CPU  (target ≤ 200 ms; "
                 f"{len(ranked)} eligible, {len(near)} near misses)"))

    started = time.perf_counter()
    subject = Subject(enterprises[0], needs[0], AS_OF)
    verdicts = [explain(subject, offer) for offer in compiled]
    explain_s = time.perf_counter() - started
    rows.append(("reasons, one enterprise", f"1 × {args.products} explained",
                 f"{explain_s * 1000:.0f} ms  ({sum(len(v.reasons) for v in verdicts)} reasons)"))
    rows.append(("peak memory (RSS)", "whole run", f"{peak_rss_mb():.0f} MB  (target ≤ 2048 MB)"))
    rows.append(("load average (1 min)", "2-core machine", f"{os.getloadavg()[0]:.1f}  (other work inflates wall time)"))

    width = max(len(r[0]) for r in rows), max(len(r[1]) for r in rows)
    print(f"{'measure':<{width[0]}}  {'size':<{width[1]}}  result")
    for name, size, result in rows:
        print(f"{name:<{width[0]}}  {size:<{width[1]}}  {result}")


if __name__ == "__main__":
    main()
