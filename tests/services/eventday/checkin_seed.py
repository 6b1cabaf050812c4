"""A docking event held today (Asia/Shanghai) with a published schedule: two enterprises, a
bank with two tables and a guarantor with one, for the check-in desk and hall-table tests."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from matchmaker.models import (
    EnterpriseProfile,
    Event,
    Meeting,
    Membership,
    Organization,
    Role,
    ScheduleVersion,
    User,
    VersionState,
)
from matchmaker.services.accounts.passwords import hash_password
from matchmaker.services.eventday.desk import desk_day
from matchmaker.services.events.slots import SHANGHAI
from tests.conftest import PASSWORD
from tests.factories import organization_of
from tests.services.events.factories import approve, make_event


@dataclass
class DeskEvent:
    organizer: User
    event: Event
    alpha: Organization    # 星河科技甲: contact 张三, 13800001111, meets the bank at 09:00
    beta: Organization     # 星河科技乙: contact 李四, meets the guarantor at 09:20
    bank: Organization     # two tables: A01, A02
    guarantor: Organization  # one table: A03


def at(hour: int, minute: int) -> datetime:
    day = desk_day()
    return datetime(day.year, day.month, day.day, hour, minute, tzinfo=SHANGHAI)


async def desk_event(make_organization, *, organizer: User | None = None) -> DeskEvent:
    organizer = organizer or await make_organization("government", is_organizer=True)
    event = await make_event(organizer, days=desk_day().isoformat())
    alpha = await organization_of(await make_organization("enterprise", name="星河科技甲"))
    beta = await organization_of(await make_organization("enterprise", name="星河科技乙"))
    bank = await organization_of(await make_organization("bank", name="星河银行"))
    guarantor = await organization_of(await make_organization("guarantor", name="星河担保"))
    await EnterpriseProfile.create(organization=alpha, contact_name="张三", contact_phone="138-0000-1111")
    await EnterpriseProfile.create(organization=beta, contact_name="李四", contact_phone="13900002222")
    for company in (alpha, beta):
        await approve(event, company)
    await approve(event, bank, tables=2)
    await approve(event, guarantor, tables=1)
    version = await ScheduleVersion.create(event=event, number=1, published_number=1, state=VersionState.PUBLISHED,
                                           published_at=at(8, 0))
    for enterprise, institution, start, table in ((alpha, bank, at(9, 0), 2), (beta, guarantor, at(9, 20), 1),
                                                  (beta, bank, at(9, 40), 1)):
        await Meeting.create(version=version, event=event, enterprise=enterprise, institution=institution,
                             slot=f"d1-{start:%H%M}", starts_at=start, ends_at=start + timedelta(minutes=20),
                             table=table)
    return DeskEvent(organizer, event, alpha, beta, bank, guarantor)


async def make_staff(organizer: User, email: str = "staff@example.cn") -> User:
    """A 现场工作人员 of the organizer's organization."""
    user = await User.create(email=email, name="签到员小王", password_hash=await hash_password(PASSWORD))
    await Membership.create(user=user, organization=await organization_of(organizer), role=Role.STAFF)
    return user
