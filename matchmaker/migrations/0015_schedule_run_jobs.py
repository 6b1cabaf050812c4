from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0014_programme_fields')]

    initial = False

    operations = [
        ops.AddField(model_name='ScheduleRun', name='job', field=fields.JSONField(null=True)),
        ops.AddField(model_name='ScheduleRun', name='lease_owner', field=fields.CharField(max_length=80, null=True)),
        ops.AddField(model_name='ScheduleRun', name='lease_expires_at', field=fields.DatetimeField(null=True)),
        ops.AddField(model_name='ScheduleRun', name='attempts', field=fields.IntField(default=0, db_default=0)),
    ]
