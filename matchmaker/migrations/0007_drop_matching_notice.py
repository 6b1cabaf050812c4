from tortoise import migrations
from tortoise.migrations import operations as ops

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0006_schedules')]

    initial = False

    operations = [
        ops.DeleteModel(name='MatchingNotice'),
    ]
