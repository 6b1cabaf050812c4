"""The per-lead facts the statistics aggregate (issue 13): tables lead_fact and
disbursement_fact, kept by the outcomes service, and every existing lead's facts computed once."""

from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields
from tortoise.indexes import Index

async def backfill(apps, schema_editor) -> None:
    from matchmaker.services.outcomes.facts import refresh_all_facts

    await refresh_all_facts(schema_editor.client)


class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0018_need_custom_fields')]

    initial = False

    operations = [
        ops.CreateModel(
            name='DisbursementFact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('record_id', fields.IntField(unique=True)),
                ('lead_id', fields.IntField(db_index=True)),
                ('enterprise_id', fields.IntField()),
                ('institution_id', fields.IntField()),
                ('kind', fields.CharField(default='', max_length=20)),
                ('occurred_on', fields.DateField()),
                ('amount', fields.BigIntField(default=0)),
                ('bucket', fields.SmallIntField()),
                ('first_loan', fields.BooleanField(default=False)),
                ('loan', fields.BooleanField(default=False)),
                ('credit', fields.BooleanField(default=False)),
                ('rate_bp', fields.IntField(null=True)),
                ('first_recorded', fields.BooleanField(default=False)),
                ('days', fields.IntField(null=True)),
                ('first_event_id', fields.IntField(null=True)),
                ('month', fields.IntField()),
            ],
            options={'table': 'disbursement_fact', 'app': 'matchmaker', 'indexes': [Index(fields=['first_event_id', 'occurred_on'])], 'pk_attr': 'id', 'table_description': 'One live disbursement with what the amount indicators need (kept with `LeadFact`).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadFact',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead_id', fields.IntField(unique=True, description="The lead's id (no foreign key: rows are only read through the scope's lead ids).")),
                ('enterprise_id', fields.IntField()),
                ('institution_id', fields.IntField()),
                ('kind', fields.CharField(default='', max_length=20)),
                ('first_event_id', fields.IntField(null=True)),
                ('first_contact_on', fields.DateField(null=True)),
                ('furthest', fields.SmallIntField(default=0)),
                ('declined', fields.BooleanField(default=False)),
                ('withdrawn', fields.BooleanField(default=False)),
                ('intent_on', fields.DateField(null=True)),
                ('intent_amount', fields.BigIntField(null=True)),
                ('intent_bucket', fields.SmallIntField(null=True)),
                ('approved_on', fields.DateField(null=True)),
                ('approved_amount', fields.BigIntField(null=True)),
                ('approved_bucket', fields.SmallIntField(null=True)),
                ('disbursements', fields.IntField(default=0)),
                ('disbursed_amount', fields.BigIntField(default=0)),
                ('last_bucket', fields.SmallIntField(null=True)),
                ('contact_month', fields.IntField(null=True)),
                ('approved_month', fields.IntField(null=True)),
            ],
            options={'table': 'lead_fact', 'app': 'matchmaker', 'indexes': [Index(fields=['first_event_id'])], 'pk_attr': 'id', 'table_description': 'What the statistics read of one lead, kept by the outcomes service in the transaction'},
            bases=['Model'],
        ),
        ops.RunPython(backfill, ops.RunPython.noop),
    ]
