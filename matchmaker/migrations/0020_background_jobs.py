"""Background jobs (issue 17): imports and report generation as rows a worker leases."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from matchmaker.models.jobs import JobState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0019_lead_facts')]

    initial = False

    operations = [
        ops.CreateModel(
            name='BackgroundJob',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('kind', fields.CharField(max_length=40)),
                ('organization', fields.ForeignKeyField('matchmaker.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_by', fields.ForeignKeyField('matchmaker.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('state', fields.CharEnumField(default=JobState.QUEUED, db_index=True, description='QUEUED: queued\nRUNNING: running\nDONE: done\nFAILED: failed', enum_type=JobState, max_length=8)),
                ('payload', fields.BinaryField(null=True)),
                ('file_name', fields.CharField(default='', max_length=255)),
                ('options', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('progress', fields.FloatField(default=0.0)),
                ('progress_label', fields.CharField(default='', max_length=100)),
                ('lease_owner', fields.CharField(null=True, max_length=80)),
                ('lease_expires_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('attempts', fields.IntField(default=0)),
                ('result', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('result_file', fields.BinaryField(null=True)),
                ('result_name', fields.CharField(default='', max_length=255)),
                ('result_type', fields.CharField(default='', max_length=100)),
                ('error', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('started_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('expires_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'background_job', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': 'One background job (import or report), as the module docstring says.'},
            bases=['Model'],
        ),
    ]
