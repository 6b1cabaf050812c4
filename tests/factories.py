"""ORM-row factories shared by the test packages: organizations, needs, products, events and
registrations made straight through the ORM, with defaults that pass the usual criteria.
(tests/events/factories.py goes through the event services instead, with event defaults.)"""

from __future__ import annotations

import io
import itertools
from datetime import date
from typing import Any

from openpyxl import Workbook

from matchmaker.models import (
    EnterpriseProfile,
    Event,
    FinancingNeed,
    Membership,
    Organization,
    OrganizationKind,
    PlatformRule,
    Policy,
    Product,
    PublicationStatus,
    Registration,
    RegistrationStatus,
    Role,
    User,
)
from tests.conftest import next_uscc

AS_OF = date(2026, 6, 30)
_numbers = itertools.count(1)

RD_AT_LEAST_3 = {"id": "root", "all": [
    {"id": "rd", "text": "研发投入占比不低于3%", "field": "rd_ratio", "op": "ge", "value": 3},
]}
REVENUE_AT_LEAST_20M = {"id": "root", "all": [
    {"id": "rev", "text": "上年营业收入2000万元以上", "field": "revenue", "op": "ge", "value": 20_000_000},
]}


async def organization_of(user: User) -> Organization:
    """The organization a user made by the `make_organization` fixture belongs to."""
    return (await Membership.get(user=user).prefetch_related("organization")).organization


async def make_enterprise(name: str | None = None, *, profile: bool = True, **fields: Any) -> Organization:
    organization = await Organization.create(kind=OrganizationKind.ENTERPRISE, name=name or f"企业{next(_numbers)}",
                                             uscc=next_uscc())
    if profile:
        values: dict[str, Any] = dict(province="浙江省", city="杭州市", district="滨江区", industry_code="C3911",
                                      industry_chains=["集成电路"], size_class="小",
                                      established_on=date(2019, 5, 1), rd_ratio=5.0, revenue=36_000_000,
                                      total_assets=52_000_000, existing_debt=8_000_000, dishonest_debtor=False,
                                      serious_violation=False, contact_name="林晓峰", contact_phone="13800001234",
                                      contact_email="lin@example.cn")
        values.update(fields)
        await EnterpriseProfile.create(organization=organization, **values)
    return organization


async def make_institution(name: str | None = None, kind: OrganizationKind = OrganizationKind.BANK) -> Organization:
    return await Organization.create(kind=kind, name=name or f"银行{next(_numbers)}")


async def make_organizer() -> Organization:
    return await Organization.create(kind=OrganizationKind.GOVERNMENT, name="星河市科学技术局", is_organizer=True)


async def make_user(organization: Organization) -> User:
    number = next(_numbers)
    user = await User.create(email=f"m{number}@example.cn", name=f"用户{number}", password_hash="x")
    await Membership.create(user=user, organization=organization, role=Role.ADMIN)
    return user


async def make_need(enterprise: Organization, **fields: Any) -> FinancingNeed:
    values: dict[str, Any] = dict(title="研发扩产流动资金", kind="credit_loan", amount=3_000_000, term_months=12)
    values.update(fields)
    return await FinancingNeed.create(enterprise=enterprise, **values)


async def make_product(institution: Organization, criteria: dict | None = None, **fields: Any) -> Product:
    values: dict[str, Any] = dict(name=f"科技贷{next(_numbers)}", kind="credit_loan", criteria=criteria,
                                  amount_rule={"max": 5_000_000}, term_min_months=6, term_max_months=36,
                                  status=PublicationStatus.PUBLISHED)
    values.update(fields)
    return await Product.create(organization=institution, **values)


async def make_policy(organizer: Organization, criteria: dict | None = None, **fields: Any) -> Policy:
    values: dict[str, Any] = dict(name=f"贷款贴息{next(_numbers)}", instrument="贷款贴息", support="按 LPR 的 50% 贴息",
                                  criteria=criteria, status=PublicationStatus.PUBLISHED)
    values.update(fields)
    return await Policy.create(organization=organizer, **values)


async def make_platform_rule(organizer: Organization) -> PlatformRule:
    return await PlatformRule.create(text="失信被执行人不得参与对接", created_by=organizer,
                                     criteria={"id": "d", "field": "dishonest_debtor", "op": "false"})


async def make_event(organizer: Organization, title: str = "星河市银企对接会") -> Event:
    return await Event.create(organizer=organizer, title=title)


async def register(event: Event, organization: Organization,
                   status: RegistrationStatus = RegistrationStatus.APPROVED, *,
                   needs: tuple[FinancingNeed, ...] = ()) -> Registration:
    return await Registration.create(event=event, organization=organization, status=status,
                                     need_ids=[need.id for need in needs])


def workbook_bytes(headers: list, *rows: list) -> bytes:
    """An .xlsx file with one sheet: the header row, then `rows`, as an upload sends it."""
    book = Workbook()
    book.active.append(headers)
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
