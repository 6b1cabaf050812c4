"""The statistics cache (issue 13): the computed figures of a scope and period, shared by the
web processes, and the epoch that database triggers raise on every write to a table the
statistics read, so that no write (a service's, an import's, a bulk refresh's) leaves a stale
figure cached. PostgreSQL raises it once per transaction, at commit (a deferred constraint
trigger: the epoch row is locked last, after every other lock the transaction took, so writers
only queue on it and cannot deadlock); SQLite serialises writers anyway and raises it per row.
And an index on lead_fact (first_contact_on, lead_id) for the workbook's per-lead sheet."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

#: Every table `services/reports/data.py` and `statistics.py` read for the figures.
SOURCES = ("event", "programme", "registration", "checkin", "schedule_version", "meeting", "meeting_request",
           "need_claim", "lead_link", "lead_fact", "disbursement_fact", "meeting_feedback", "organization",
           "enterprise_profile", "financing_need")

BUMP_FUNCTION = """
CREATE OR REPLACE FUNCTION statistics_epoch_bump() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF current_setting('matchmaker.statistics_bumped', true) IS DISTINCT FROM 'yes' THEN
    PERFORM set_config('matchmaker.statistics_bumped', 'yes', true);
    UPDATE statistics_epoch SET value = value + 1;
  END IF;
  RETURN NULL;
END $$"""


async def create_triggers(apps, schema_editor) -> None:
    client = schema_editor.client
    await client.execute_query("INSERT INTO statistics_epoch (id, value) VALUES (1, 0)")
    if client.capabilities.dialect == "postgres":
        await client.execute_query(BUMP_FUNCTION)
        for table in SOURCES:
            await client.execute_query(
                f'CREATE CONSTRAINT TRIGGER statistics_epoch_bump AFTER INSERT OR UPDATE OR DELETE ON "{table}" '
                "DEFERRABLE INITIALLY DEFERRED FOR EACH ROW EXECUTE FUNCTION statistics_epoch_bump()")
        return
    for table in SOURCES:
        for operation in ("INSERT", "UPDATE", "DELETE"):
            await client.execute_query(
                f'CREATE TRIGGER statistics_epoch_{table}_{operation.lower()} AFTER {operation} ON "{table}" '
                "BEGIN UPDATE statistics_epoch SET value = value + 1; END")


async def drop_triggers(apps, schema_editor) -> None:
    """Before the tables go (a trigger left behind would fail every write to its table)."""
    client = schema_editor.client
    if client.capabilities.dialect == "postgres":
        for table in SOURCES:
            await client.execute_query(f'DROP TRIGGER IF EXISTS statistics_epoch_bump ON "{table}"')
        await client.execute_query("DROP FUNCTION IF EXISTS statistics_epoch_bump()")
        return
    for table in SOURCES:
        for operation in ("insert", "update", "delete"):
            await client.execute_query(f"DROP TRIGGER IF EXISTS statistics_epoch_{table}_{operation}")

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0020_background_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='StatisticsCache',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=200)),
                ('epoch', fields.BigIntField()),
                ('valid_until', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('figures', fields.TextField(unique=False)),
                ('computed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'statistics_cache', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': 'The figures of one scope and period (stats.codec JSON) as computed at `epoch`: they hold'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='StatisticsEpoch',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('value', fields.BigIntField(default=0)),
            ],
            options={'table': 'statistics_epoch', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': 'One row whose `value` database triggers raise on every write to a table the statistics'},
            bases=['Model'],
        ),
        ops.RunPython(create_triggers, drop_triggers),
        # The workbook's per-lead sheet reads the facts oldest first in chunks: an index walk
        # per chunk instead of a sort of all of them.
        ops.AddIndex(
            model_name='LeadFact',
            index=Index(fields=['first_contact_on', 'lead_id']),
        ),
    ]
