from tortoise import migrations
from tortoise.migrations import operations as ops
from matchmaker.models.outbox import OutboxState
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0003_matching')]

    initial = False

    operations = [
        ops.CreateModel(
            name='OutboxMail',
            fields=[
                ('id', fields.BigIntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('idempotency_key', fields.CharField(unique=True, max_length=200)),
                ('kind', fields.CharField(db_index=True, max_length=32)),
                ('organization', fields.ForeignKeyField('matchmaker.Organization', source_field='organization_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('event_id', fields.IntField(null=True, db_index=True)),
                ('recipient_email', fields.CharField(max_length=254)),
                ('recipient_name', fields.CharField(default='', max_length=200)),
                ('language', fields.CharField(default='zh', max_length=8)),
                ('subject', fields.TextField(unique=False)),
                ('text', fields.TextField(unique=False)),
                ('html', fields.TextField(unique=False)),
                ('ics', fields.TextField(null=True, unique=False)),
                ('message_id', fields.CharField(unique=True, max_length=255)),
                ('state', fields.CharEnumField(default=OutboxState.QUEUED, description='QUEUED: queued\nSENDING: sending\nSENT: sent\nFAILED: failed\nDEAD: dead', enum_type=OutboxState, max_length=8)),
                ('attempts', fields.IntField(default=0)),
                ('next_attempt_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('lease_owner', fields.CharField(null=True, max_length=100)),
                ('lease_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('last_error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('sent_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'outbox_mail', 'app': 'matchmaker', 'indexes': [Index(fields=['state', 'next_attempt_at']), Index(fields=['organization_id', 'state'])], 'pk_attr': 'id', 'table_description': 'A message as it will be sent, written in the same transaction as the change it reports.'},
            bases=['Model'],
        ),
    ]
