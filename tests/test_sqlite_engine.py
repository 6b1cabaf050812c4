"""matchmaker/sqlite_engine.py: a statement's row count is its own rows, not its triggers' too."""

from __future__ import annotations

import pytest
from tortoise.transactions import in_transaction

from matchmaker.models import Organization, OrganizationKind, StatisticsEpoch


@pytest.fixture
def sqlite(settings) -> None:
    if not settings.database_url.startswith("sqlite://"):
        pytest.skip("SQLite's row counts (PostgreSQL's never counted its triggers' rows)")


async def test_an_update_of_one_row_counts_one_although_the_epoch_trigger_writes_another(db, sqlite):
    organization = await Organization.create(kind=OrganizationKind.BANK, name="星河银行")
    epoch = (await StatisticsEpoch.get(id=1)).value
    for transaction in (False, True):  # on the connection and inside a transaction alike
        if transaction:
            async with in_transaction():
                changed = await Organization.filter(id=organization.pk).update(name="星河银行科技支行")
        else:
            changed = await Organization.filter(id=organization.pk).update(name="星河银行总行")
        assert changed == 1
    assert (await StatisticsEpoch.get(id=1)).value > epoch  # the trigger did write
    assert await Organization.filter(id=-1).update(name="无") == 0
