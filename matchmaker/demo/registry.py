"""The demo city's registries: 62 enterprises across the ten chains with plausible figures, 16
institutions, 32 products whose criteria read like real programme rules, 10 policies, platform
rules and some needs. Figures are drawn from a fixed seed, so every demo load is the same.

Called by `load_demo` inside its transaction. Every criteria tree here is checked against the
matching engine by tests/registry/test_demo.py.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from matchmaker.models import (
    EnterpriseProfile,
    FinancingNeed,
    Organization,
    PlatformRule,
    Policy,
    Product,
    ProfileRevision,
    PublicationStatus,
)

CHAINS = ("新材料", "新医药", "新能源", "装备制造", "信息产业", "集成电路", "人工智能", "节能环保", "航空航天", "现代农业")
INDUSTRIES = {
    "新材料": ("C2653", "C3091", "C3985", "C2669"), "新医药": ("C2761", "C2720", "C3581", "M7340"),
    "新能源": ("C3841", "C3825", "D4416", "C3612"), "装备制造": ("C3491", "C3421", "C3599", "C3493"),
    "信息产业": ("I6513", "I6531", "I6450", "C3914"), "集成电路": ("I6520", "C3973", "C3562", "C3972"),
    "人工智能": ("I6513", "C3964", "I6450", "C3963"), "节能环保": ("C3591", "N7721", "M7514", "C4021"),
    "航空航天": ("C3744", "C3743", "I6339", "C3963"), "现代农业": ("A0511", "C2632", "C3572", "M7330"),
}
#: Name stems per chain for the generated enterprises (all fictional).
STEMS = {
    "新材料": ("碳纤", "晶瓷", "高分子", "稀土功能", "膜材料"), "新医药": ("康源生物", "瑞霖医疗", "和济药业", "安诺基因", "博衡医械"),
    "新能源": ("储能电池", "光储", "氢源", "风电装备", "智慧能源"), "装备制造": ("数控机床", "精工传动", "智能产线", "激光装备", "增材制造"),
    "信息产业": ("云图软件", "数据智联", "物联科技", "信创系统", "工业互联"), "集成电路": ("微电子", "芯片设计", "封测", "半导体设备", "功率器件"),
    "人工智能": ("视觉智能", "语音科技", "机器人", "智能驾驶", "算法"), "节能环保": ("水处理", "固废资源", "节能技术", "环境监测", "低碳科技"),
    "航空航天": ("无人机", "卫星应用", "航空部件", "导航科技", "遥感"), "现代农业": ("种业", "智慧农业", "生物农药", "农机", "冷链"),
}
PREFIXES = ("星河", "启明", "澜湾", "曜阳", "青禾", "北辰", "云栈", "数衡", "穹顶", "禾丰", "远山", "嘉木", "泓川", "朗峰",
            "海晏", "清源", "鼎新", "瀚海", "熠星", "桐溪")
DISTRICTS = ("高新区", "滨湖区", "临港新区", "经开区", "东城区")
QUALIFICATION_NAMES = ("高新技术企业", "科技型中小企业", "专精特新中小企业", "专精特新“小巨人”企业", "创新型中小企业", "瞪羚企业")

#: The institutions added to the foundation's eight (kind, name, licence name).
MORE_INSTITUTIONS = (
    ("bank", "华信银行星河分行（演示）", "华信银行股份有限公司星河分行"),
    ("bank", "东方商业银行星河科技支行（演示）", "东方商业银行股份有限公司星河科技支行"),
    ("bank", "星河农商银行科创中心（演示）", "星河农村商业银行股份有限公司"),
    ("bank", "长风银行星河分行（演示）", "长风银行股份有限公司星河分行"),
    ("guarantor", "星河科技融资担保有限公司（演示）", "星河科技融资担保有限公司"),
    ("insurer", "平川财产保险星河分公司（演示）", "平川财产保险股份有限公司星河分公司"),
    ("leasing", "星河金融租赁有限公司（演示）", "星河金融租赁有限公司"),
    ("investor", "启航天使投资基金（演示）", "星河启航天使投资合伙企业（有限合伙）"),
)


def _c(node_id: str, field: str, op: str, value: Any = None, text: str = "") -> dict[str, Any]:
    node: dict[str, Any] = {"id": node_id, "field": field, "op": op}
    if value is not None:
        node["value"] = value
    if text:
        node["text"] = text
    return node


WAN = 10_000
CLEAN_CREDIT = [_c("overdue", "current_overdue", "false", text="无当前逾期"),
                _c("tax", "tax_rating", "in", ["A", "B", "M"], text="纳税信用等级 M 级及以上")]
INNOVATION_PATH = {"id": "innovation", "any": [
    _c("hnte", "qualifications", "contains", "高新技术企业", "有效期内的高新技术企业"),
    _c("tsme", "qualifications", "contains", "科技型中小企业", "入库科技型中小企业"),
    {"id": "indicators", "all": [_c("rd3", "rd_ratio", "ge", 3, "研发投入占营业收入比例不低于3%"),
                                 _c("ip1", "ip_class1", "ge", 1, "拥有Ⅰ类知识产权1件以上")]},
], "text": "具备科技属性（资质或指标之一）"}
LOCAL = _c("city", "city", "eq", "星河市", "注册地在星河市")

#: Product templates: (name, kind, criteria, amount rule, term, rate, instruments).
PRODUCT_TEMPLATES: tuple[tuple[str, str, dict[str, Any], dict[str, Any], tuple[int, int], str, tuple[str, ...]], ...] = (
    ("科创信用贷", "credit_loan",
     {"id": "root", "all": [LOCAL, INNOVATION_PATH, _c("age", "years_established", "ge", 1, "成立满1年"), *CLEAN_CREDIT]},
     {"tiers": [{"when": _c("t_rev", "revenue", "ge", 5000 * WAN), "max": 1000 * WAN, "label": "上年营收5000万元以上"},
                {"when": _c("t_first", "first_loan", "true"), "max": 500 * WAN, "label": "首贷户"},
                {"max": 300 * WAN, "label": "其他"}], "min": 50 * WAN},
     (6, 36), "一年期 LPR 起，首贷户优惠 20BP", ("贴息", "风险补偿资金池")),
    ("知识产权质押贷", "ip_pledge_loan",
     {"id": "root", "all": [_c("ip", "ip_class1", "ge", 2, "拥有有效发明专利等Ⅰ类知识产权2件以上"),
                            _c("coll", "need.collateral", "contains", "知识产权", "以知识产权出质"), *CLEAN_CREDIT]},
     {"share": {"field": "need.collateral_value", "percent": 50}, "max": 2000 * WAN},
     (12, 36), "LPR+30BP 以内", ("贴息", "风险补偿资金池")),
    ("人才贷", "credit_loan",
     {"id": "root", "all": [LOCAL, {"id": "talent", "any": [
         _c("hl", "high_level_talent_count", "ge", 1, "拥有国家或省级高层次人才1名以上"),
         _c("phd", "phd_count", "ge", 3, "博士3名以上")]}, _c("dd", "dishonest_debtor", "false")]},
     {"max": 500 * WAN}, (12, 36), "LPR 起", ("风险补偿资金池",)),
    ("专精特新贷", "credit_loan",
     {"id": "root", "all": [{"id": "srdi", "any": [
         _c("s1", "qualifications", "contains", "专精特新中小企业", "专精特新中小企业"),
         _c("s2", "qualifications", "contains", "专精特新“小巨人”企业", "专精特新“小巨人”企业")]},
         _c("rev", "revenue", "ge", 1000 * WAN, "上年度营业收入1000万元以上"), *CLEAN_CREDIT]},
     {"tiers": [{"when": _c("t_giant", "qualifications", "contains", "专精特新“小巨人”企业"), "max": 3000 * WAN,
                 "label": "小巨人企业"}, {"max": 1000 * WAN, "label": "专精特新中小企业"}]},
     (12, 36), "LPR-10BP 起", ("贴息",)),
    ("政府性融资担保贷", "guaranteed_loan",
     {"id": "root", "all": [_c("size", "size_class", "in", ["小", "微"], "小微企业"), LOCAL,
                            _c("debt", "debt_ratio_after_loan", "le", 70, "贷后资产负债率不超过70%"),
                            _c("over", "overdue_count_2y", "lt", 3, "近两年逾期不满3次")]},
     {"max": 1000 * WAN, "min": 100 * WAN}, (12, 24), "担保费率不超过1%", ("政府性融资担保",)),
    ("首贷户专享贷", "credit_loan",
     {"id": "root", "all": [_c("first", "first_loan", "true", text="从未在银行取得贷款"), LOCAL,
                            _c("emp", "employees", "ge", 10, "职工人数10人以上"), *CLEAN_CREDIT]},
     {"max": 300 * WAN}, (6, 12), "一年期 LPR", ("贴息",)),
    ("科技保险（研发费用损失险）", "insurance",
     {"id": "root", "all": [_c("rd", "rd_ratio", "gt", 5, "研发投入占比超过5%"), INNOVATION_PATH]},
     {"max": 500 * WAN}, (12, 12), "费率0.8%—1.5%", ("保费补贴",)),
    ("设备融资租赁", "leasing",
     {"id": "root", "all": [_c("age", "years_established", "ge", 2, "成立满2年"),
                            _c("profit", "profitable", "true", text="上年度盈利"),
                            {"id": "no_violation", "not": _c("sv", "serious_violation", "true"),
                             "text": "未列入严重违法失信名单"}]},
     {"share": {"field": "total_assets", "percent": 30}, "max": 5000 * WAN}, (24, 60), "综合年化成本 5% 起", ()),
)
PRODUCT_ISSUERS = ("bank1", "bank2", "华信银行", "东方商业银行", "星河农商银行", "长风银行", "guarantor", "星河科技融资担保",
                   "insurer", "平川财产保险", "leasing", "星河金融租赁")


def _profile(rng: random.Random, chain: str, index: int) -> dict[str, Any]:
    size = rng.choices(("微", "小", "中", "大"), weights=(2, 5, 3, 1))[0]
    scale = {"微": 0.3, "小": 1.0, "中": 4.0, "大": 15.0}[size]
    revenue = int(rng.uniform(300, 5000) * scale) * WAN
    assets = int(revenue * rng.uniform(0.8, 2.2))
    established = date(2026, 6, 30) - timedelta(days=rng.randint(400, 6000))
    held = {}
    for name in QUALIFICATION_NAMES:
        if rng.random() < (0.55 if name in ("高新技术企业", "科技型中小企业") else 0.18):
            obtained = date(2026, 6, 1) - timedelta(days=rng.randint(30, 1000))
            held[name] = {"obtained": max(obtained, established).isoformat()}
    return {
        "province": "浙江省", "city": "星河市", "district": DISTRICTS[index % len(DISTRICTS)],
        "industry_code": rng.choice(INDUSTRIES[chain]), "industry_chains": [chain], "size_class": size,
        "established_on": established, "employees": int(rng.uniform(12, 180) * scale),
        "rd_staff_ratio": round(rng.uniform(8, 60), 1), "revenue": revenue, "total_assets": assets,
        "rd_ratio": round(rng.uniform(1.5, 18), 1), "profitable": rng.random() < 0.7,
        "tax_rating": rng.choices(("A", "B", "M", "C"), weights=(5, 4, 2, 1))[0],
        "invention_patents": rng.randint(0, 25), "utility_patents": rng.randint(0, 60),
        "design_patents": rng.randint(0, 8), "software_copyrights": rng.randint(0, 40), "ic_layouts": 0,
        "plant_varieties": rng.randint(0, 3) if chain == "现代农业" else 0, "trademarks": rng.randint(0, 12),
        "qualifications": held, "dishonest_debtor": rng.random() < 0.03, "serious_violation": False,
        "current_overdue": rng.random() < 0.05, "overdue_count_2y": rng.choices((0, 1, 3), weights=(8, 2, 1))[0],
        "first_loan": rng.random() < 0.35, "existing_debt": int(assets * rng.uniform(0.1, 0.6)),
        "vc_backed": rng.random() < 0.3, "last_round": rng.choice(("", "天使轮", "A轮", "B轮")),
        "valuation": int(revenue * rng.uniform(3, 10)) if rng.random() < 0.3 else None,
        "phd_count": rng.randint(0, 8), "high_level_talent_count": rng.randint(0, 2),
        "contact_name": "", "contact_phone": f"0571-8{index:03d}{rng.randint(1000, 9999)}",
    }


def generated_enterprise_names(count: int) -> list[tuple[str, str]]:
    """(name, chain) for the enterprises beyond the foundation's fourteen."""
    names = []
    for index in range(count):
        chain = CHAINS[index % len(CHAINS)]
        stem = STEMS[chain][(index // len(CHAINS)) % len(STEMS[chain])]
        names.append((f"{PREFIXES[index % len(PREFIXES)]}{stem}科技有限公司", chain))
    return names


POLICIES = (
    ("科技型中小企业贷款贴息", "贷款贴息", "按一年期 LPR 的 50% 贴息，单户每年最高 50 万元",
     {"id": "root", "all": [_c("tsme", "qualifications", "contains", "科技型中小企业"), LOCAL]}, {"max": 50 * WAN}),
    ("首贷户贴息", "贷款贴息", "首笔银行贷款按实际利息的 30% 贴息", {"id": "root", "all": [_c("first", "first_loan", "true"), LOCAL]},
     {"max": 30 * WAN}),
    ("科技保险保费补贴", "保费补贴", "按实际保费的 50% 补贴，单户最高 20 万元", INNOVATION_PATH, {"max": 20 * WAN}),
    ("知识产权质押融资风险补偿", "风险补偿", "合作银行不良损失由资金池补偿 40%", {"id": "root", "all": [_c("ip", "ip_class1", "ge", 1)]}, {}),
    ("担保费补贴", "担保费补贴", "担保费率超过 1% 的部分全额补贴", {"id": "root", "all": [_c("size", "size_class", "in", ["小", "微"])]},
     {"max": 10 * WAN}),
    ("专精特新企业融资奖励", "奖励补助", "按年度新增贷款的 1% 奖励，最高 30 万元",
     {"id": "root", "any": [_c("s1", "qualifications", "contains", "专精特新中小企业"),
                            _c("s2", "qualifications", "contains", "专精特新“小巨人”企业")]}, {"max": 30 * WAN}),
    ("高新技术企业认定奖励", "奖励补助", "首次认定奖励 20 万元", {"id": "root", "all": [_c("hnte", "qualifications", "contains", "高新技术企业")]},
     {"max": 20 * WAN}),
    ("天使投资风险补偿", "风险补偿", "投资种子期、初创期科技企业的损失补偿 50%",
     {"id": "root", "all": [_c("age", "years_established", "lt", 5, "成立不满5年"), _c("vc", "vc_backed", "true")]}, {}),
    ("人才企业贷款贴息", "贷款贴息", "高层次人才创办企业贷款全额贴息，最高 100 万元",
     {"id": "root", "all": [_c("hl", "high_level_talent_count", "ge", 1), LOCAL]}, {"max": 100 * WAN}),
    ("绿色技术企业融资支持", "贷款贴息", "节能环保、新能源企业贷款贴息 40%",
     {"id": "root", "all": [_c("chain", "industry_chains", "in", ["节能环保", "新能源"])]}, {"max": 50 * WAN}),
)


async def load_registries(*, organizer: Organization, enterprises: list[Organization],
                          institutions: dict[str, Organization]) -> dict[str, int]:
    """Profiles, needs, products, policies and platform rules for the demo organizations."""
    rng = random.Random(20261208)
    for index, enterprise in enumerate(enterprises):
        chain = CHAINS[index % len(CHAINS)]
        row = _profile(rng, chain, index)
        profile = await EnterpriseProfile.create(organization=enterprise, **row)
        await ProfileRevision.create(profile=profile, data={k: v.isoformat() if isinstance(v, date) else v
                                                            for k, v in row.items()})
        if index % 3 != 2:
            await FinancingNeed.create(
                enterprise=enterprise, title=rng.choice(("研发投入流动资金", "新产线设备购置", "扩产周转资金", "中试基地建设")),
                kind=rng.choice(("credit_loan", "credit_loan", "ip_pledge_loan", "guaranteed_loan", "equity")),
                amount=rng.choice((200, 300, 500, 800, 1000, 2000)) * WAN, term_months=rng.choice((6, 12, 24, 36)),
                purpose_category=rng.choice(("流动资金", "研发投入", "设备购置", "扩大产能")),
                collateral=rng.choice((["知识产权"], ["应收账款"], [], ["设备"])),
                collateral_value=rng.choice((None, 600 * WAN, 1500 * WAN)), acceptable_rate=rng.choice((3.5, 4.0, 4.5)))
    products = 0
    for round_number in range(4):
        for offset, template in enumerate(PRODUCT_TEMPLATES):
            issuer_key = PRODUCT_ISSUERS[(offset + round_number * 5) % len(PRODUCT_ISSUERS)]
            issuer = institutions.get(issuer_key) or next(o for k, o in institutions.items() if issuer_key in k)
            name, kind, criteria, amount_rule, (low, high), rate, instruments = template
            if kind in ("insurance",) and issuer.kind not in ("insurer",):
                issuer = institutions["insurer"]
            if kind == "leasing" and issuer.kind != "leasing":
                issuer = institutions["leasing"]
            await Product.create(
                organization=issuer, name=f"{name}" + ("" if round_number == 0 else f"（{round_number + 1}号）"),
                kind=kind, description=f"{issuer.name}面向星河市科技企业的{name}", amount_rule=amount_rule,
                term_min_months=low, term_max_months=high, rate_text=rate, regions=["浙江省/星河市"] if round_number else [],
                industry_chains=[CHAINS[(offset + round_number) % len(CHAINS)]], policy_instruments=list(instruments),
                criteria=criteria, status=PublicationStatus.PUBLISHED)
            products += 1
    for name, instrument, support, criteria, amount_rule in POLICIES:
        await Policy.create(organization=organizer, name=name, instrument=instrument, support=support,
                            criteria=criteria, amount_rule=amount_rule, regions=["浙江省/星河市"],
                            valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31),
                            status=PublicationStatus.PUBLISHED)
    await PlatformRule.create(text="失信被执行人不得参与银企对接", created_by=organizer,
                              criteria=_c("dishonest", "dishonest_debtor", "false"))
    await PlatformRule.create(text="列入严重违法失信名单的企业不得参与", created_by=organizer,
                              criteria=_c("violation", "serious_violation", "false"))
    return {"products": products, "policies": len(POLICIES)}
