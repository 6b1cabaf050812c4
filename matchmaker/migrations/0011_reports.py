from tortoise import migrations
from tortoise.migrations import operations as ops
import functools
from json import dumps, loads
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0010_leads_from_requests_and_claims')]

    initial = False

    operations = [
        ops.CreateModel(
            name='ProgrammePartner',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('programme', fields.ForeignKeyField('matchmaker.Programme', source_field='programme_id', db_constraint=True, to_field='id', related_name='partners', on_delete=OnDelete.CASCADE)),
                ('organization', fields.ForeignKeyField('matchmaker.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'programme_partner', 'app': 'matchmaker', 'unique_together': (('programme', 'organization'),), 'pk_attr': 'id', 'table_description': "A partner department (人行分支机构, 金融监管局, 财政局) that may read a programme's statistics"},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Programme',
            name='assessment_weights',
            field=fields.JSONField(default=dict, description='考核 weights by indicator key (matchmaker.stats.assessment), empty for the default ones.', encoder=functools.partial(dumps, separators=(',', ':')), decoder=loads),
        ),
    ]
