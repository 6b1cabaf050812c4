"""A realistic, clearly fictional city programme for trying the platform: 星河市科技金融服务平台.

Every name is invented; the 统一社会信用代码 are made up but carry valid check characters.
"""

from __future__ import annotations

from dataclasses import dataclass

from tortoise.transactions import in_transaction

from matchmaker.models import Membership, Organization, OrganizationKind, Role, User
from matchmaker.demo import registry as demo_registry
from matchmaker.services.audit import audit
from matchmaker.demo.events import load_demo_events
from matchmaker.demo.past_event import load_past_event
from matchmaker.services.accounts.passwords import hash_password
from matchmaker.uscc import make_uscc

DEMO_PASSWORD = "matchmaker-demo"
REGION = "330106"  # a division code in the right shape; the city itself is fictional


@dataclass(frozen=True)
class DemoOrganization:
    kind: OrganizationKind
    name: str
    email: str
    contact: str
    licence_name: str = ""
    is_organizer: bool = False


ORGANIZER = DemoOrganization(OrganizationKind.GOVERNMENT, "星河市科学技术局（演示）", "organizer@demo.matchmaker.cn",
                             "周明远", is_organizer=True)

ENTERPRISES = [
    DemoOrganization(OrganizationKind.ENTERPRISE, name, f"e{index:02d}@demo.matchmaker.cn", contact)
    for index, (name, contact) in enumerate([
        ("星河纳米新材料科技有限公司", "林晓峰"),        # 新材料
        ("启明石墨烯应用技术有限公司", "陈雨桐"),        # 新材料
        ("澜湾生物医药有限公司", "赵静怡"),              # 新医药
        ("康瑞精准诊断技术有限公司", "孙浩然"),          # 新医药
        ("曜阳光伏储能科技有限公司", "王子涵"),          # 新能源
        ("青禾氢能动力有限公司", "刘思远"),              # 新能源
        ("铸远智能装备制造有限公司", "黄建国"),          # 装备制造
        ("北辰精密机器人有限公司", "吴佳琪"),            # 装备制造
        ("云栈工业软件有限公司", "郑一鸣"),              # 信息产业
        ("芯途集成电路设计有限公司", "冯可欣"),          # 集成电路
        ("数衡智能科技有限公司", "许文博"),              # 人工智能
        ("绿源环保技术有限公司", "何雅琴"),              # 节能环保
        ("穹顶卫星通信技术有限公司", "马骁"),            # 航空航天
        ("禾丰现代农业科技有限公司", "高晓燕"),          # 现代农业
    ], start=1)
]

INSTITUTIONS = [
    DemoOrganization(OrganizationKind.BANK, "星河银行科技支行（演示）", "bank1@demo.matchmaker.cn", "钱立新",
                     licence_name="星河银行股份有限公司科技支行"),
    DemoOrganization(OrganizationKind.BANK, "江海农商银行星河分行（演示）", "bank2@demo.matchmaker.cn", "孔令仪",
                     licence_name="江海农村商业银行股份有限公司星河分行"),
    DemoOrganization(OrganizationKind.GUARANTOR, "星河市融资担保有限公司（演示）", "guarantor@demo.matchmaker.cn",
                     "曹永康", licence_name="星河市融资担保有限公司"),
    DemoOrganization(OrganizationKind.INSURER, "安泰科技保险星河中心支公司（演示）", "insurer@demo.matchmaker.cn",
                     "严红梅", licence_name="安泰财产保险股份有限公司星河中心支公司"),
    DemoOrganization(OrganizationKind.LEASING, "恒信融资租赁有限公司（演示）", "leasing@demo.matchmaker.cn", "华振宇",
                     licence_name="恒信融资租赁有限公司"),
    DemoOrganization(OrganizationKind.SMALL_LOAN, "星河科创小额贷款有限公司（演示）", "smallloan@demo.matchmaker.cn",
                     "金晓丽", licence_name="星河科创小额贷款有限公司"),
    DemoOrganization(OrganizationKind.INVESTOR, "星河产业引导基金（演示）", "fund@demo.matchmaker.cn", "魏东",
                     licence_name="星河市产业投资引导基金管理有限公司"),
    DemoOrganization(OrganizationKind.INVESTOR, "远望创业投资合伙企业（演示）", "vc@demo.matchmaker.cn", "陶然",
                     licence_name="远望创业投资合伙企业（有限合伙）"),
]


#: Beyond the fourteen above: more enterprises (e15 … e62) and institutions for the registries.
ENTERPRISES += [
    DemoOrganization(OrganizationKind.ENTERPRISE, name, f"e{index:02d}@demo.matchmaker.cn", f"联系人{index:02d}")
    for index, (name, _chain) in enumerate(demo_registry.generated_enterprise_names(48), start=15)
]
INSTITUTIONS += [
    DemoOrganization(OrganizationKind(kind), name, f"inst{index:02d}@demo.matchmaker.cn", f"客户经理{index:02d}",
                     licence_name=licence)
    for index, (kind, name, licence) in enumerate(demo_registry.MORE_INSTITUTIONS, start=1)
]


def demo_uscc(index: int) -> str:
    """A made-up USCC with a valid check character: 91 + division code + organization code."""
    return make_uscc(f"91{REGION}MA2H{index:04d}K")


async def demo_is_loaded() -> bool:
    return await User.exists(email=ORGANIZER.email)


async def load_demo() -> int:
    """Create the demo programme in one transaction; returns the number of organizations in it."""
    password_hash = await hash_password(DEMO_PASSWORD)
    organizations = [ORGANIZER, *ENTERPRISES, *INSTITUTIONS]
    created: dict[str, Organization] = {}
    async with in_transaction():
        for index, demo in enumerate(organizations):
            organization = await Organization.create(
                kind=demo.kind, name=demo.name, licence_name=demo.licence_name, is_organizer=demo.is_organizer,
                uscc=demo_uscc(index) if demo.kind == OrganizationKind.ENTERPRISE else None,
            )
            user = await User.create(email=demo.email, name=demo.contact, password_hash=password_hash)
            await Membership.create(user=user, organization=organization, role=Role.ADMIN)
            created[demo.email] = organization
        institutions = {demo.email.split("@")[0] if not demo.email.startswith("inst") else demo.name:
                        created[demo.email] for demo in INSTITUTIONS}
        registries = await demo_registry.load_registries(
            organizer=created[ORGANIZER.email], enterprises=[created[demo.email] for demo in ENTERPRISES],
            institutions=institutions)
        await audit(None, "demo.load", after={"organizations": len(organizations), **registries})
        # Events last: they look up the organizations above by e-mail and add any they still need.
        await load_demo_events()
        await load_past_event()  # issue 13: the programme and last month's event
    return await Organization.all().count()
