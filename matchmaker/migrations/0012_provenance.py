from tortoise import migrations
from tortoise.migrations import operations as ops
from matchmaker.models.registry import ValueOrigin
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0011_reports')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProfileValueSource',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('profile', fields.ForeignKeyField('matchmaker.EnterpriseProfile', source_field='profile_id', db_constraint=True, to_field='id', related_name='sources', on_delete=OnDelete.CASCADE)),
                ('field', fields.CharField(max_length=80)),
                ('origin', fields.CharEnumField(description='SELF: self\nIMPORT: import\nAPI: api\nDERIVED: derived', enum_type=ValueOrigin, max_length=8)),
                ('source', fields.CharField(default='', max_length=120)),
                ('file_name', fields.CharField(default='', max_length=200)),
                ('verified', fields.BooleanField(default=False)),
                ('recorded_by', fields.ForeignKeyField('matchmaker.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'profile_value_source', 'app': 'matchmaker', 'unique_together': (('profile', 'field'),), 'pk_attr': 'id', 'table_description': 'Where the current value of one profile field came from, one row per field. A value the'},
            bases=['Model'],
        ),
    ]
