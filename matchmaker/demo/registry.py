"""The demo city's registries: 62 enterprises across the ten chains with plausible figures, 16
institutions, 32 products whose criteria read like real programme rules, 10 policies, platform
rules and some needs. Figures are drawn from a fixed seed, so every demo load is the same.

Called by `load_demo` inside its transaction. Every criteria tree here is checked against the
matching engine by tests/demo/test_demo.py, and its names by tests/demo/test_demo_names.py.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from typing import Any

from matchmaker.demo.lists import load_lists
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
#: The generated enterprises' trades per chain: (trade and legal form, GB/T 4754 class), each
#: trade worded to fit its class, so that name, class and chain agree.
TRADES: dict[str, tuple[tuple[str, str], ...]] = {
    "新材料": (("碳纤维复合材料有限公司", "C3091"), ("特种陶瓷科技有限公司", "C3073"), ("高分子材料有限公司", "C2651"),
            ("稀土功能材料有限公司", "C3240"), ("分离膜材料科技有限公司", "C2669")),
    "新医药": (("生物制药有限公司", "C2761"), ("医疗器械有限公司", "C3584"), ("药业有限公司", "C2720"),
            ("基因药物有限公司", "C2762"), ("体外诊断技术有限公司", "C3581")),
    "新能源": (("储能电池有限公司", "C3841"), ("光伏科技有限公司", "C3825"), ("氢燃料电池有限公司", "C3849"),
            ("风电装备有限公司", "C3811"), ("智慧能源科技有限公司", "M7515")),
    "装备制造": (("数控机床有限公司", "C3421"), ("精密传动科技有限公司", "C3453"), ("工业机器人有限公司", "C3491"),
             ("激光装备有限公司", "C3599"), ("增材制造技术有限公司", "C3493")),
    "信息产业": (("工业软件有限公司", "I6513"), ("数据科技有限公司", "I6450"), ("物联网技术有限公司", "I6532"),
             ("信息系统集成有限公司", "I6531"), ("工控系统有限公司", "C3914")),
    "集成电路": (("微电子有限公司", "I6520"), ("半导体有限公司", "C3973"), ("封装测试有限公司", "C3973"),
             ("半导体设备有限公司", "C3562"), ("功率半导体有限公司", "C3972")),
    "人工智能": (("视觉智能科技有限公司", "I6513"), ("智能语音科技有限公司", "I6513"), ("服务机器人有限公司", "C3964"),
             ("智能驾驶科技有限公司", "C3962"), ("人工智能算法有限公司", "I6519")),
    "节能环保": (("水处理技术有限公司", "N7721"), ("固废资源科技有限公司", "N7723"), ("节能技术有限公司", "M7514"),
             ("环境监测仪器有限公司", "C4021"), ("环保装备有限公司", "C3591")),
    "航空航天": (("无人机有限公司", "C3963"), ("卫星应用科技有限公司", "I6339"), ("航空部件有限公司", "C3744"),
             ("航天电子有限公司", "C3743"), ("遥感信息科技有限公司", "I6571")),
    "现代农业": (("种业有限公司", "A0511"), ("智慧农业科技有限公司", "C4026"), ("生物农药有限公司", "C2632"),
             ("农业装备有限公司", "C3572"), ("农业科学研究有限公司", "M7330")),
}
PREFIXES = ("远山", "嘉木", "泓川", "朗峰", "海晏", "清源", "鼎新", "澄明", "熠星", "桐溪", "知微", "长庚", "明湖", "银杉",
            "松涛", "望舒", "临川", "景行", "若水", "致远")
#: The foundation's fourteen enterprises (see city.py): (name, chain, GB/T 4754 class).
FOUNDATION_ENTERPRISES = (
    ("星河纳米新材料科技有限公司", "新材料", "C2669"), ("启明石墨烯应用技术有限公司", "新材料", "C3091"),
    ("澜湾生物医药有限公司", "新医药", "C2761"), ("康瑞精准诊断技术有限公司", "新医药", "C3581"),
    ("曜阳光伏储能科技有限公司", "新能源", "C3825"), ("青禾氢能动力有限公司", "新能源", "C3849"),
    ("铸远智能装备制造有限公司", "装备制造", "C3599"), ("北辰精密机器人有限公司", "装备制造", "C3491"),
    ("云栈工业软件有限公司", "信息产业", "I6513"), ("芯途集成电路设计有限公司", "集成电路", "I6520"),
    ("数衡智能科技有限公司", "人工智能", "I6513"), ("绿源环保技术有限公司", "节能环保", "C3591"),
    ("穹顶卫星通信技术有限公司", "航空航天", "I6339"), ("禾丰现代农业科技有限公司", "现代农业", "M7330"),
)
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
#: The library's products: (issuer, product name, template name, kind when it differs from the
#: template's). The issuer is a demo admin's mailbox name or a word of an institution's name.
#: Each kind fits its issuer: banks lend, guarantors guarantee, insurers insure, lessors lease.
PRODUCTS: tuple[tuple[str, str, str, str], ...] = (
    ("bank1", "星河科创信用贷", "科创信用贷", ""), ("bank1", "星河知识产权质押融资", "知识产权质押贷", ""),
    ("bank1", "星河人才贷", "人才贷", ""), ("bank1", "星河专精特新贷", "专精特新贷", ""),
    ("bank2", "江海首贷通", "首贷户专享贷", ""), ("bank2", "江海知识产权质押贷", "知识产权质押贷", ""),
    ("bank2", "江海政银担科技贷", "政府性融资担保贷", ""),
    ("华信银行", "华信科技e贷", "科创信用贷", ""), ("华信银行", "华信专精特新贷", "专精特新贷", ""),
    ("华信银行", "华信人才创业贷", "人才贷", ""), ("华信银行", "华信知识产权质押融资", "知识产权质押贷", ""),
    ("东方商业银行", "东方科创信用贷", "科创信用贷", ""), ("东方商业银行", "东方知产融", "知识产权质押贷", ""),
    ("东方商业银行", "东方首贷户专享贷", "首贷户专享贷", ""),
    ("星河农商银行", "农商科技贷", "科创信用贷", ""), ("星河农商银行", "农商政银担保贷", "政府性融资担保贷", ""),
    ("长风银行", "长风专精特新贷", "专精特新贷", ""), ("长风银行", "长风人才贷", "人才贷", ""),
    ("guarantor", "科技型小微企业政府性融资担保", "政府性融资担保贷", ""),
    ("guarantor", "首贷户担保服务", "首贷户专享贷", "guaranteed_loan"),
    ("guarantor", "专精特新担保贷", "专精特新贷", "guaranteed_loan"),
    ("星河科技融资担保", "科技人才创业担保", "人才贷", "guaranteed_loan"),
    ("星河科技融资担保", "知识产权质押融资担保", "知识产权质押贷", "guaranteed_loan"),
    ("insurer", "科技保险（研发费用损失险）", "科技保险（研发费用损失险）", ""),
    ("insurer", "科技履约保证保险", "科技保险（研发费用损失险）", ""),
    ("平川财产保险", "关键研发设备保险", "科技保险（研发费用损失险）", ""),
    ("平川财产保险", "知识产权侵权责任保险", "科技保险（研发费用损失险）", ""),
    ("leasing", "设备融资租赁", "设备融资租赁", ""), ("leasing", "研发设备直租", "设备融资租赁", ""),
    ("星河金融租赁", "生产线售后回租", "设备融资租赁", ""), ("星河金融租赁", "科创设备融资租赁", "设备融资租赁", ""),
    ("长风银行", "长风科创积分贷", "科创信用贷", ""),
)
#: What each kind of institution may offer (banks also lend against a guarantee).
KINDS_BY_INSTITUTION = {
    "bank": {"credit_loan", "ip_pledge_loan", "guaranteed_loan"}, "guarantor": {"guaranteed_loan"},
    "insurer": {"insurance"}, "leasing": {"leasing"}, "small_loan": {"credit_loan"}, "investor": {"equity"},
}
#: A financing need's shape: (title, kind, purpose category, collateral).
NEED_SHAPES = (
    ("研发投入流动资金贷款", "credit_loan", "研发投入", []), ("扩产周转资金贷款", "credit_loan", "流动资金", ["应收账款"]),
    ("发明专利质押融资", "ip_pledge_loan", "研发投入", ["知识产权"]),
    ("新产线设备购置贷款", "guaranteed_loan", "设备购置", ["设备"]), ("中试基地建设股权融资", "equity", "扩大产能", []),
)


def _profile(rng: random.Random, chain: str, industry_code: str, index: int) -> dict[str, Any]:
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
        "industry_code": industry_code, "industry_chains": [chain], "size_class": size,
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


#: Contact people for the generated enterprises and the institutions.
SURNAMES = "张李王刘陈杨赵黄周吴徐孙胡朱高林何郭马罗梁宋郑谢韩唐冯于董萧程曹袁邓许傅沈曾彭吕苏卢蒋蔡贾丁魏薛叶阎"
GIVEN_NAMES = ("伟", "芳", "晨曦", "子轩", "雅婷", "俊杰", "思琪", "浩宇", "欣怡", "志强", "婉清", "立群", "嘉豪", "梦洁",
               "文涛", "海燕", "启航", "佳慧", "泽宇", "若兰", "建华", "静雯", "天佑")


def demo_person(index: int) -> str:
    """A plausible Chinese name, the same for the same index."""
    return SURNAMES[(index * 7) % len(SURNAMES)] + GIVEN_NAMES[(index * 5) % len(GIVEN_NAMES)]


def generated_enterprise_names(count: int) -> list[tuple[str, str, str]]:
    """(name, chain, GB/T 4754 class) for the enterprises beyond the foundation's fourteen."""
    names = []
    for index in range(count):
        chain = CHAINS[index % len(CHAINS)]
        trade, industry_code = TRADES[chain][(index // len(CHAINS)) % len(TRADES[chain])]
        names.append((f"{PREFIXES[index % len(PREFIXES)]}{trade}", chain, industry_code))
    return names


def demo_enterprises(count: int) -> list[tuple[str, str, str]]:
    """(name, chain, GB/T 4754 class) of every demo enterprise, e01 first."""
    return [*FOUNDATION_ENTERPRISES, *generated_enterprise_names(count - len(FOUNDATION_ENTERPRISES))]


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
    for index, (enterprise, (_name, chain, industry_code)) in enumerate(
            zip(enterprises, demo_enterprises(len(enterprises)), strict=True)):
        row = _profile(rng, chain, industry_code, index)
        profile = await EnterpriseProfile.create(organization=enterprise, **row)
        await ProfileRevision.create(profile=profile, data={k: v.isoformat() if isinstance(v, date) else v
                                                            for k, v in row.items()})
        if index % 3 != 2:
            title, kind, purpose, collateral = rng.choice(NEED_SHAPES)
            await FinancingNeed.create(
                enterprise=enterprise, title=title, kind=kind, purpose_category=purpose, collateral=collateral,
                amount=rng.choice((200, 300, 500, 800, 1000, 2000)) * WAN,
                term_months=rng.choice((6, 12, 24, 36)),
                collateral_value=rng.choice((600 * WAN, 1500 * WAN)) if collateral else None,
                acceptable_rate=None if kind == "equity" else rng.choice((3.5, 4.0, 4.5)))
    templates = {template[0]: template for template in PRODUCT_TEMPLATES}
    for number, (issuer_key, name, template_name, kind_override) in enumerate(PRODUCTS):
        issuer = institutions.get(issuer_key) or next(o for k, o in institutions.items() if issuer_key in k)
        _template_name, kind, criteria, amount_rule, (low, high), rate, instruments = templates[template_name]
        kind = kind_override or kind
        await Product.create(
            organization=issuer, name=name, kind=kind,
            description=f"{issuer.name.removesuffix('（演示）')}面向星河市科技企业的{name}", amount_rule=amount_rule,
            term_min_months=low, term_max_months=high,
            rate_text="担保费率不超过1%" if kind == "guaranteed_loan" and issuer.kind == "guarantor" else rate,
            regions=["浙江省/星河市"] if number % 2 else [], industry_chains=[CHAINS[number % len(CHAINS)]],
            policy_instruments=list(instruments), criteria=criteria, status=PublicationStatus.PUBLISHED)
    products = len(PRODUCTS)
    for name, instrument, support, criteria, amount_rule in POLICIES:
        await Policy.create(organization=organizer, name=name, instrument=instrument, support=support,
                            criteria=criteria, amount_rule=amount_rule, regions=["浙江省/星河市"],
                            valid_from=date(2026, 1, 1), valid_until=date(2027, 12, 31),
                            status=PublicationStatus.PUBLISHED)
    await PlatformRule.create(text="失信被执行人不得参与银企对接", created_by=organizer,
                              criteria=_c("dishonest", "dishonest_debtor", "false"))
    await PlatformRule.create(text="列入严重违法失信名单的企业不得参与", created_by=organizer,
                              criteria=_c("violation", "serious_violation", "false"))
    lists = await load_lists(organizer=organizer, enterprises=enterprises)
    return {"products": products, "policies": len(POLICIES), "lists": lists}
