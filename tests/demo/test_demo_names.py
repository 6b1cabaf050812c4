"""The demo city reads like a real programme: names that fit each other, products that fit their
institutions, enterprises whose name, GB/T 4754 class and chain agree, no clones, no enum fragments
and no doubled words. The tables here are a reader's expectations, written apart from the demo's
own tables so that they check them."""

from __future__ import annotations

import re

from matchmaker.demo.city import load_demo
from matchmaker.models import EnterpriseProfile, FinancingKind, FinancingNeed, Organization, Pitch, Product, User
from matchmaker.services.registry.industries import industry_classes

#: What a kind of institution sells (a bank may also lend against a guarantee).
FITTING_KINDS = {
    "bank": {"credit_loan", "ip_pledge_loan", "guaranteed_loan"}, "guarantor": {"guaranteed_loan"},
    "insurer": {"insurance"}, "leasing": {"leasing"}, "small_loan": {"credit_loan"}, "investor": {"equity"},
}
#: A chain's GB/T 4754 classes (code prefixes) and the words an enterprise name in it carries.
CHAIN_CLASSES = {
    "新材料": ("C26", "C28", "C30", "C31", "C32", "C3985", "M7513"),
    "新医药": ("C27", "C358", "M734"),
    "新能源": ("C381", "C382", "C384", "C3612", "D441", "M7515"),
    "装备制造": ("C34", "C35"),
    "信息产业": ("I64", "I65", "C391"),
    "集成电路": ("I6520", "C397", "C3562", "C3563"),
    "人工智能": ("I65", "C396"),
    "节能环保": ("N77", "C3591", "C4021", "M7514", "M7516", "D462"),
    "航空航天": ("C374", "C3963", "C394", "I633", "I6571"),
    "现代农业": ("A0", "C2631", "C2632", "C357", "C4026", "M7330", "M7511"),
}
CHAIN_WORDS = {
    "新材料": ("材料", "石墨", "陶瓷", "纤维", "高分子", "膜", "纳米"),
    "新医药": ("生物", "医", "药", "诊断", "基因"),
    "新能源": ("能", "光伏", "电池", "风电"),
    "装备制造": ("装备", "机床", "传动", "机器人", "制造"),
    "信息产业": ("软件", "数据", "物联网", "信息", "工控"),
    "集成电路": ("电子", "半导体", "集成电路", "芯", "封装"),
    "人工智能": ("智能", "算法", "机器人", "视觉"),
    "节能环保": ("环保", "水处理", "固废", "节能", "环境"),
    "航空航天": ("航空", "航天", "卫星", "无人机", "遥感"),
    "现代农业": ("农", "种业"),
}
DOUBLED = re.compile(r"(.{2,})\1")  # 科技科技, 有限公司有限公司
CLONE = re.compile(r"[（(]\d+号[）)]")
ENUM_WORDS = {kind.value for kind in FinancingKind} | {kind.value[:4] for kind in FinancingKind}


def _reads_like_chinese(name: str) -> bool:
    """No run of lower-case Latin letters like an identifier's (`cred`, `credit_loan`): a brand's
    letter (e贷), a round (Pre-A) or an acronym (GLP-1) may stand; and no enum fragment."""
    return not re.search(r"[a-z_]{3,}", name) and not any(word in name for word in ENUM_WORDS)


async def test_demo_names_fit_each_other(db, settings):
    await load_demo(settings.var_dir)

    organizations = await Organization.all()
    products = await Product.all().prefetch_related("organization")
    profiles = await EnterpriseProfile.all().prefetch_related("organization")
    texts = [*(o.name for o in organizations), *(p.name for p in products),
             *(n.title for n in await FinancingNeed.all()), *(p.title for p in await Pitch.all())]

    for text in texts:
        assert not DOUBLED.search(text), text
        assert not CLONE.search(text), text
        assert _reads_like_chinese(text), text
    assert len({o.name for o in organizations}) == len(organizations)
    assert len({p.name for p in products}) == len(products)
    for product in products:
        assert product.kind.value in FITTING_KINDS[product.organization.kind.value], \
            (product.organization.name, product.name, product.kind)
    classes = industry_classes()
    assert len(profiles) == 62
    for profile in profiles:
        name, (chain,) = profile.organization.name, profile.industry_chains
        assert profile.industry_code in classes, name
        assert profile.industry_code.startswith(CHAIN_CLASSES[chain]), (name, profile.industry_code, chain)
        assert any(word in name for word in CHAIN_WORDS[chain]), (name, chain)
    people = [u.name for u in await User.all()]
    assert not [p for p in people if re.search(r"联络人|客户经理\d|联系人\d", p)]


async def test_demo_enterprises_and_classes_agree_beyond_the_name_words(db, settings):
    """A class name and a chain say the same thing: no 功率器件 · 种子种苗."""
    await load_demo(settings.var_dir)
    classes = industry_classes()
    pairs = {(p.industry_chains[0], classes[p.industry_code]) for p in await EnterpriseProfile.all()}
    assert ("集成电路", "种子种苗培育活动") not in pairs
    assert {chain for chain, _class in pairs} == set(CHAIN_CLASSES)
