from tortoise import migrations
from tortoise.migrations import operations as ops
from matchmaker.models.registry import ListKind
from tortoise.fields.base import OnDelete
from tortoise import fields

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0012_provenance')]

    initial = False

    operations = [
        ops.CreateModel(
            name='RegistryList',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('key', fields.CharField(unique=True, max_length=40)),
                ('name', fields.CharField(max_length=100)),
                ('kind', fields.CharEnumField(description='WHITE: white\nKEY_SUPPORT: key_support\nRED: red\nBLACK: black\nLISTING_RESERVE: listing_reserve\nGOLDEN_SEED: golden_seed\nOTHER: other', enum_type=ListKind, max_length=16)),
                ('issuer', fields.CharField(default='', max_length=100)),
                ('source_document', fields.CharField(default='', max_length=300)),
                ('source_file_name', fields.CharField(default='', max_length=200)),
                ('source_file', fields.BinaryField(null=True)),
                ('valid_from', fields.DateField(null=True)),
                ('valid_until', fields.DateField(null=True)),
                ('priority', fields.BooleanField(default=False)),
                ('organization', fields.ForeignKeyField('matchmaker.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name='registry_lists', on_delete=OnDelete.CASCADE)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('updated_at', fields.DatetimeField(auto_now=True, auto_now_add=False)),
            ],
            options={'table': 'registry_list', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': '名单: a dated list of enterprises (by USCC) issued by a department, kept by an organizer.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='ListMember',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('registry_list', fields.ForeignKeyField('matchmaker.RegistryList', source_field='registry_list_id', db_constraint=True, to_field='id', related_name='members', on_delete=OnDelete.CASCADE)),
                ('uscc', fields.CharField(db_index=True, max_length=18)),
                ('name', fields.CharField(default='', max_length=100)),
                ('note', fields.CharField(default='', max_length=200)),
                ('added_on', fields.DateField()),
            ],
            options={'table': 'list_member', 'app': 'matchmaker', 'unique_together': (('registry_list', 'uscc'),), 'pk_attr': 'id', 'table_description': 'One enterprise on a list, by its 统一社会信用代码 (it need not be registered on the platform).'},
            bases=['Model'],
        ),
    ]
