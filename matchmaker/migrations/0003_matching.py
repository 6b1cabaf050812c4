from tortoise import migrations
from tortoise.migrations import operations as ops
from matchmaker.models.matching import ClaimState
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0002_registries')]

    initial = False

    operations = [
        ops.CreateModel(
            name='MatchingNotice',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organization', fields.ForeignKeyField('matchmaker.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='matching_notices', on_delete=OnDelete.CASCADE)),
                ('text', fields.CharField(max_length=300)),
                ('link', fields.CharField(default='', max_length=200)),
                ('created_at', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=True)),
                ('read_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'matching_notice', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': 'An in-app notice to one organization, listed on its dashboard (claims received, answers).'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='NeedClaim',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('institution', fields.ForeignKeyField('matchmaker.Organization', source_field='institution_id', db_constraint=True, to_field='id', related_name='claims_made', on_delete=OnDelete.CASCADE)),
                ('need', fields.ForeignKeyField('matchmaker.FinancingNeed', source_field='need_id', db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('matchmaker.Product', source_field='product_id', db_constraint=True, to_field='id', related_name='claims', on_delete=OnDelete.CASCADE)),
                ('claimed_by', fields.ForeignKeyField('matchmaker.User', source_field='claimed_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('claimed_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('response_deadline', fields.DatetimeField(db_index=True, auto_now=False, auto_now_add=False)),
                ('state', fields.CharEnumField(default=ClaimState.OPEN, description='OPEN: open\nANSWERED: answered\nEXPIRED: expired', enum_type=ClaimState, max_length=10)),
                ('accepted', fields.BooleanField(null=True)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
            ],
            options={'table': 'need_claim', 'app': 'matchmaker', 'unique_together': (('institution', 'need', 'product'),), 'pk_attr': 'id', 'table_description': 'An institution claims (抢单) an open need for one of its products. The enterprise is told'},
            bases=['Model'],
        ),
    ]
