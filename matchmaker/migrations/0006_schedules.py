from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from matchmaker.models.schedules import MeetingState, RunKind, RunState, VersionState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0005_events')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ScheduleRun',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='schedule_runs', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(default=RunKind.SOLVE, description='SOLVE: solve\nREPAIR: repair', enum_type=RunKind, max_length=8)),
                ('from_version_id', fields.IntField(null=True)),
                ('started_by', fields.ForeignKeyField('matchmaker.User', source_field='started_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('started_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('finished_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=RunState.RUNNING, description='RUNNING: running\nDONE: done\nFAILED: failed', enum_type=RunState, max_length=8)),
                ('time_limit', fields.FloatField()),
                ('seed', fields.IntField(default=0)),
                ('progress', fields.JSONField(default=list, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('problem', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('solution', fields.JSONField(null=True, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('error', fields.TextField(default='', unique=False)),
            ],
            options={'table': 'schedule_run', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': 'One solver run for an event.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ScheduleVersion',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='schedule_versions', on_delete=OnDelete.CASCADE)),
                ('number', fields.IntField()),
                ('published_number', fields.IntField(null=True)),
                ('state', fields.CharEnumField(default=VersionState.DRAFT, description='DRAFT: draft\nPUBLISHED: published\nSUPERSEDED: superseded', enum_type=VersionState, max_length=10)),
                ('created_from', fields.ForeignKeyField('matchmaker.ScheduleRun', source_field='created_from_id', null=True, db_constraint=True, to_field='id', related_name='versions', on_delete=OnDelete.SET_NULL)),
                ('objective', fields.IntField(default=0)),
                ('upper_bound', fields.IntField(null=True)),
                ('stats', fields.JSONField(default=dict, encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads)),
                ('created_by', fields.ForeignKeyField('matchmaker.User', source_field='created_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('published_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('published_by', fields.ForeignKeyField('matchmaker.User', source_field='published_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
            ],
            options={'table': 'schedule_version', 'app': 'matchmaker', 'unique_together': (('event', 'number'), ('event', 'published_number')), 'pk_attr': 'id', 'table_description': 'A numbered schedule of an event. `number` counts every saved draft (1, 2, 3 ...) and'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Meeting',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('version', fields.ForeignKeyField('matchmaker.ScheduleVersion', source_field='version_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.CASCADE)),
                ('enterprise', fields.ForeignKeyField('matchmaker.Organization', source_field='enterprise_id', db_constraint=True, to_field='id', related_name='enterprise_meetings', on_delete=OnDelete.CASCADE)),
                ('institution', fields.ForeignKeyField('matchmaker.Organization', source_field='institution_id', db_constraint=True, to_field='id', related_name='institution_meetings', on_delete=OnDelete.CASCADE)),
                ('request', fields.ForeignKeyField('matchmaker.MeetingRequest', source_field='request_id', null=True, db_constraint=True, to_field='id', related_name='meetings', on_delete=OnDelete.SET_NULL)),
                ('slot', fields.CharField(max_length=16)),
                ('starts_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('ends_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('table', fields.IntField()),
                ('locked', fields.BooleanField(default=False)),
                ('state', fields.CharEnumField(default=MeetingState.PLANNED, description='PLANNED: planned\nHELD: held\nNO_SHOW: no_show\nCANCELLED: cancelled', enum_type=MeetingState, max_length=10)),
            ],
            options={'table': 'meeting', 'app': 'matchmaker', 'unique_together': (('version', 'enterprise', 'institution'),), 'pk_attr': 'id', 'table_description': "One enterprise meets one institution in one slot at one of the institution's tables."},
            bases=['Model'],
        ),
    ]
