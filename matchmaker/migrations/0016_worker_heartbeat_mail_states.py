from tortoise import migrations
from tortoise.migrations import operations as ops
from matchmaker.models.outbox import OutboxState
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0015_schedule_run_jobs')]

    initial = False

    operations = [
        ops.CreateModel(
            name='WorkerHeartbeat',
            fields=[
                ('worker_id', fields.CharField(primary_key=True, unique=True, db_index=True, max_length=100)),
                ('host', fields.CharField(default='', max_length=255)),
                ('pid', fields.IntField(default=0)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('seen_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'worker_heartbeat', 'app': 'matchmaker', 'pk_attr': 'worker_id', 'table_description': 'A running background worker: when it was last seen alive.'},
            bases=['Model'],
        ),
        ops.AlterField(
            model_name='OutboxMail',
            name='state',
            field=fields.CharEnumField(default=OutboxState.QUEUED, description='QUEUED: queued\nSENDING: sending\nIN_FLIGHT: inflight\nSENT: sent\nFAILED: failed\nDEAD: dead\nIN_DOUBT: in_doubt', enum_type=OutboxState, max_length=8),
        ),
    ]
