"""Custom fields declared on needs (issue 14): a declaration says what it describes (target
"profile", as every existing one, or "need"), and a need keeps the values of the need fields."""

from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0017_notice_message')]

    initial = False

    operations = [
        ops.AddField(
            model_name='CustomField',
            name='target',
            field=fields.CharField(default='profile', max_length=10, db_default='profile'),
        ),
        ops.AddField(
            model_name='FinancingNeed',
            name='custom',
            field=fields.JSONField(default=dict, db_default='{}', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
