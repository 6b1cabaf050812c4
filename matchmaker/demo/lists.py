"""The demo's lists (名单): a red list with scheduling and ranking priority, the 金种子 list and
the listing reserve pool, their members picked from the demo enterprises' profiles (and a few
enterprises not registered on the platform, as real lists have)."""

from __future__ import annotations

from datetime import date

from matchmaker.models import EnterpriseProfile, ListKind, ListMember, Organization, RegistryList
from matchmaker.uscc import make_uscc

LISTS = (
    # key, name, kind, issuer, document, from, until, priority
    ("red2026", "2026年度星河市科技型企业守信红名单", ListKind.RED, "星河市科学技术局、星河市发展和改革委员会",
     "星科发〔2026〕12号《关于公布2026年度科技型企业守信红名单的通知》", date(2026, 3, 1), date(2027, 2, 28), True),
    ("golden_seed", "星河市金种子企业名单（第三批）", ListKind.GOLDEN_SEED, "星河市地方金融管理局",
     "星金管〔2025〕41号", date(2025, 11, 1), date(2027, 10, 31), False),
    ("listing_reserve", "星河市挂牌上市后备企业库", ListKind.LISTING_RESERVE, "星河市地方金融管理局",
     "星金管〔2026〕5号", date(2026, 1, 1), None, False),
)
#: Listed but not registered on the platform (real lists name enterprises that never signed up).
UNREGISTERED = (("星河市晨曦光电有限公司", "91330199MA2X0001R"), ("星河市远帆精密机械有限公司", "91330199MA2X0002R"))


async def load_lists(*, organizer: Organization, enterprises: list[Organization]) -> int:
    profiles = {p.organization_id: p for p in await EnterpriseProfile.filter(
        organization_id__in=[e.pk for e in enterprises])}

    def picked(test) -> list[Organization]:
        return [e for e in enterprises if e.pk in profiles and test(profiles[e.pk])]

    members = {
        # a red list names a few: the first twelve A-rated enterprises with a clean record
        "red2026": picked(lambda p: p.tax_rating == "A" and not p.dishonest_debtor and not p.serious_violation)[:12],
        "golden_seed": picked(lambda p: bool(p.vc_backed)) or enterprises[:8],
        "listing_reserve": picked(lambda p: (p.revenue or 0) >= 50_000_000),
    }
    for key, name, kind, issuer, document, start, end, priority in LISTS:
        row = await RegistryList.create(key=key, name=name, kind=kind, issuer=issuer, source_document=document,
                                        valid_from=start, valid_until=end, priority=priority, organization=organizer)
        listed = [ListMember(registry_list=row, uscc=e.uscc, name=e.name.removesuffix("（演示）"),
                             added_on=start or date(2026, 1, 1)) for e in members[key] if e.uscc]
        if key == "golden_seed":
            listed += [ListMember(registry_list=row, uscc=make_uscc(code[:17]), name=label, note="未在平台注册",
                                  added_on=start) for label, code in UNREGISTERED]
        await ListMember.bulk_create(listed)
    return len(LISTS)
