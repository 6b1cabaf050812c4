"""A realistic, clearly fictional city programme for trying the platform: 星河市科技金融服务平台.

Every name is invented; the 统一社会信用代码 are made up but carry valid check characters.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from tortoise.transactions import in_transaction

from matchmaker.models import Membership, Organization, OrganizationKind, Role, User
from matchmaker.demo import registry as demo_registry
from matchmaker.services.audit import audit
from matchmaker.demo.events import load_demo_events
from matchmaker.demo.leads import load_demo_leads
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

#: Contact people of the foundation's fourteen enterprises (names, chains and classes: registry.py).
FOUNDATION_CONTACTS = ("林晓峰", "陈雨桐", "赵静怡", "孙浩然", "王子涵", "刘思远", "黄建国", "吴佳琪", "郑一鸣", "冯可欣",
                       "许文博", "何雅琴", "马骁", "高晓燕")
ENTERPRISES = [
    DemoOrganization(OrganizationKind.ENTERPRISE, name, f"e{index:02d}@demo.matchmaker.cn",
                     FOUNDATION_CONTACTS[index - 1] if index <= len(FOUNDATION_CONTACTS) else demo_registry.demo_person(index))
    for index, (name, _chain, _industry) in enumerate(demo_registry.demo_enterprises(62), start=1)
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


#: Beyond the eight above: more institutions for the registries.
INSTITUTIONS += [
    DemoOrganization(OrganizationKind(kind), name, f"inst{index:02d}@demo.matchmaker.cn", demo_registry.demo_person(100 + index),
                     licence_name=licence)
    for index, (kind, name, licence) in enumerate(demo_registry.MORE_INSTITUTIONS, start=1)
]


def demo_uscc(index: int) -> str:
    """A made-up USCC with a valid check character: 91 + division code + organization code."""
    return make_uscc(f"91{REGION}MA2H{index:04d}K")


async def demo_is_loaded() -> bool:
    return await User.exists(email=ORGANIZER.email)


async def load_demo(var_dir: Path) -> int:
    """Create the demo programme in one transaction; returns the number of organizations in it.
    The roadshow's business-plan PDFs are written under `var_dir` (see events.py)."""
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
        await load_demo_events(var_dir)
        await load_past_event()  # the programme and last month's event, held and followed up
        await load_demo_leads()  # then the open events' accepted requests become leads
    return await Organization.all().count()
