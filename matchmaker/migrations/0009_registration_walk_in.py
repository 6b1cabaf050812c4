from tortoise import migrations
from tortoise.migrations import operations as ops
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0008_eventday_outcomes_programmes')]

    initial = False

    operations = [
        ops.AddField(
            model_name='Registration',
            name='walk_in',
            field=fields.BooleanField(default=False),
        ),
    ]
