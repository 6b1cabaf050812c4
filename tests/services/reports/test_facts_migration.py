"""Migration 0019 computes the stored facts of the leads a database already holds: an existing
installation's statistics are right on the first page after `migrate`."""

from __future__ import annotations

from tortoise import Tortoise
from tortoise.migrations.api.migrate import migrate as run_migrations

from matchmaker.db import tortoise_config
from matchmaker.models import DisbursementFact, LeadFact
from matchmaker.services.outcomes.facts import refresh_all_facts
from tests.factories import make_organizer
from tests.services.outcomes.test_facts import stored
from tests.services.reports.factories import load_fixture


async def test_migrating_to_0019_fills_the_facts_of_the_existing_leads(settings):
    config = tortoise_config(settings)
    await run_migrations(config=config, target="matchmaker.0018_need_custom_fields")
    await Tortoise.close_connections()
    await Tortoise.init(config=config)
    try:
        await load_fixture(await make_organizer(), refresh=False)  # rows of a database before 0019
    finally:
        await Tortoise.close_connections()

    await run_migrations(config=config)

    await Tortoise.init(config=config)
    try:
        assert await LeadFact.all().count() == 12  # the fixture's twelve leads
        assert await DisbursementFact.all().count() == 6  # its live disbursements (not the superseded one)
        migrated = await stored()
        await refresh_all_facts()
        assert migrated == await stored()  # what the outcomes service would have kept
    finally:
        await Tortoise.close_connections()
