from tortoise import migrations
from tortoise.migrations import operations as ops
from matchmaker.models.accounts import Role
from matchmaker.models.eventday import CheckInMethod
from matchmaker.models.outcomes import Confirmation, DeclineReason, LeadOrigin, LeadStage, Side
from tortoise.fields.base import OnDelete
from tortoise import fields
from tortoise.indexes import Index

class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0007_drop_matching_notice')]

    initial = False

    operations = [
        ops.CreateModel(
            name='CheckIn',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='checkins', on_delete=OnDelete.CASCADE)),
                ('organization', fields.ForeignKeyField('matchmaker.Organization', source_field='organization_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('day', fields.DateField()),
                ('person', fields.CharField(default='', max_length=60)),
                ('phone', fields.CharField(default='', max_length=30)),
                ('method', fields.CharEnumField(default=CheckInMethod.QR, description='QR: qr\nSEARCH: search\nWALK_IN: walk_in', enum_type=CheckInMethod, max_length=8)),
                ('desk', fields.CharField(default='', max_length=30)),
                ('note', fields.CharField(default='', max_length=200)),
                ('client_key', fields.CharField(null=True, unique=True, max_length=64)),
                ('checked_in_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('recorded_by', fields.ForeignKeyField('matchmaker.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'checkin', 'app': 'matchmaker', 'unique_together': (('event', 'organization', 'person', 'day'),), 'pk_attr': 'id', 'table_description': 'A person of a participating organization arrived on one day of an event. One row per'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='FinancingLead',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('enterprise', fields.ForeignKeyField('matchmaker.Organization', source_field='enterprise_id', db_constraint=True, to_field='id', related_name='enterprise_leads', on_delete=OnDelete.CASCADE)),
                ('institution', fields.ForeignKeyField('matchmaker.Organization', source_field='institution_id', db_constraint=True, to_field='id', related_name='institution_leads', on_delete=OnDelete.CASCADE)),
                ('need', fields.ForeignKeyField('matchmaker.FinancingNeed', source_field='need_id', db_constraint=True, to_field='id', related_name='leads', on_delete=OnDelete.CASCADE)),
                ('product', fields.ForeignKeyField('matchmaker.Product', source_field='product_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('origin', fields.CharEnumField(description='REQUEST: request\nMEETING: meeting\nCLAIM: claim\nENTERPRISE: enterprise', enum_type=LeadOrigin, max_length=10)),
                ('first_event', fields.ForeignKeyField('matchmaker.Event', source_field='first_event_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('stage', fields.CharEnumField(default=LeadStage.CONTACT, db_index=True, description='CONTACT: contact\nINTENT: intent\nACCEPTED: accepted\nAPPROVED: approved\nDISBURSED: disbursed\nDECLINED: declined\nWITHDRAWN: withdrawn', enum_type=LeadStage, max_length=10)),
                ('first_contact_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('stage_changed_at', fields.DatetimeField(auto_now=False, auto_now_add=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'financing_lead', 'app': 'matchmaker', 'unique_together': (('enterprise', 'institution', 'need'),), 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='HallTable',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', db_constraint=True, to_field='id', related_name='hall_tables', on_delete=OnDelete.CASCADE)),
                ('institution', fields.ForeignKeyField('matchmaker.Organization', source_field='institution_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('table', fields.IntField()),
                ('hall', fields.CharField(default='', max_length=60)),
                ('label', fields.CharField(max_length=16)),
            ],
            options={'table': 'hall_table', 'app': 'matchmaker', 'unique_together': (('event', 'institution', 'table'), ('event', 'hall', 'label')), 'pk_attr': 'id', 'table_description': 'One physical table of an institution at an event, with the label printed on the floor plan'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadLink',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('matchmaker.FinancingLead', source_field='lead_id', db_constraint=True, to_field='id', related_name='links', on_delete=OnDelete.CASCADE)),
                ('kind', fields.CharEnumField(description='REQUEST: request\nMEETING: meeting\nCLAIM: claim\nENTERPRISE: enterprise', enum_type=LeadOrigin, max_length=10)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('request', fields.ForeignKeyField('matchmaker.MeetingRequest', source_field='request_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('meeting', fields.ForeignKeyField('matchmaker.Meeting', source_field='meeting_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('claim', fields.ForeignKeyField('matchmaker.NeedClaim', source_field='claim_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'lead_link', 'app': 'matchmaker', 'pk_attr': 'id', 'table_description': 'What joined the two sides on a lead: a request, a meeting or a claim, at some event.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='LeadRecord',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('lead', fields.ForeignKeyField('matchmaker.FinancingLead', source_field='lead_id', db_constraint=True, to_field='id', related_name='records', on_delete=OnDelete.CASCADE)),
                ('stage', fields.CharEnumField(description='CONTACT: contact\nINTENT: intent\nACCEPTED: accepted\nAPPROVED: approved\nDISBURSED: disbursed\nDECLINED: declined\nWITHDRAWN: withdrawn', enum_type=LeadStage, max_length=10)),
                ('occurred_on', fields.DateField()),
                ('amount', fields.BigIntField(null=True)),
                ('product', fields.ForeignKeyField('matchmaker.Product', source_field='product_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('rate_bp', fields.IntField(null=True)),
                ('term_months', fields.IntField(null=True)),
                ('guarantee', fields.CharField(default='', max_length=30)),
                ('next_step', fields.CharField(default='', max_length=200)),
                ('reason_category', fields.CharEnumField(null=True, description='QUALIFICATION: qualification\nAMOUNT: amount\nCOLLATERAL: collateral\nWITHDRAWN: withdrawn\nOTHER: other', enum_type=DeclineReason, max_length=14)),
                ('note', fields.CharField(default='', max_length=300)),
                ('first_loan', fields.BooleanField(default=False, description='A disbursement to an enterprise whose profile said 首贷户 at the time it was recorded.')),
                ('recorded_side', fields.CharEnumField(description='ENTERPRISE: enterprise\nINSTITUTION: institution\nORGANIZER: organizer', enum_type=Side, max_length=12)),
                ('recorded_by', fields.ForeignKeyField('matchmaker.User', source_field='recorded_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('recorded_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
                ('confirmation', fields.CharEnumField(default=Confirmation.PENDING, description='PENDING: pending\nCONFIRMED: confirmed\nDISPUTED: disputed', enum_type=Confirmation, max_length=10)),
                ('answered_by', fields.ForeignKeyField('matchmaker.User', source_field='answered_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('answered_at', fields.DatetimeField(null=True, auto_now=False, auto_now_add=False)),
                ('dispute_reason', fields.CharField(default='', max_length=300)),
                ('corrects', fields.ForeignKeyField('matchmaker.LeadRecord', source_field='corrects_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('correction_reason', fields.CharField(default='', max_length=300)),
                ('superseded', fields.BooleanField(default=False)),
            ],
            options={'table': 'lead_record', 'app': 'matchmaker', 'indexes': [Index(fields=['lead_id', 'stage']), Index(fields=['stage', 'occurred_on'])], 'pk_attr': 'id', 'table_description': 'One stage record of a lead, appended and never overwritten.'},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='MeetingFeedback',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('meeting', fields.ForeignKeyField('matchmaker.Meeting', source_field='meeting_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('enterprise', fields.ForeignKeyField('matchmaker.Organization', source_field='enterprise_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('institution', fields.ForeignKeyField('matchmaker.Organization', source_field='institution_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('event', fields.ForeignKeyField('matchmaker.Event', source_field='event_id', db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.CASCADE)),
                ('satisfaction', fields.SmallIntField()),
                ('follow_up', fields.BooleanField(default=False)),
                ('text', fields.CharField(default='', max_length=500)),
                ('by', fields.ForeignKeyField('matchmaker.User', source_field='by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'meeting_feedback', 'app': 'matchmaker', 'unique_together': (('meeting', 'enterprise'),), 'pk_attr': 'id', 'table_description': "The enterprise's short word on a meeting: 满意度 1–5, whether it goes on, free text."},
            bases=['Model'],
        ),
        ops.CreateModel(
            name='Programme',
            fields=[
                ('id', fields.IntField(generated=True, primary_key=True, unique=True, db_index=True)),
                ('organizer', fields.ForeignKeyField('matchmaker.Organization', source_field='organizer_id', db_constraint=True, to_field='id', related_name='programmes', on_delete=OnDelete.CASCADE)),
                ('name', fields.CharField(max_length=120)),
                ('starts_on', fields.DateField()),
                ('ends_on', fields.DateField()),
                ('description', fields.TextField(default='', unique=False)),
                ('created_at', fields.DatetimeField(auto_now=False, auto_now_add=True)),
            ],
            options={'table': 'programme', 'app': 'matchmaker', 'pk_attr': 'id'},
            bases=['Model'],
        ),
        ops.AddField(
            model_name='Event',
            name='programme',
            field=fields.ForeignKeyField('matchmaker.Programme', source_field='programme_id', null=True, db_constraint=True, to_field='id', related_name='events', on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='Invitation',
            name='role',
            field=fields.CharEnumField(default=Role.MEMBER, description='ADMIN: admin\nMEMBER: member\nSTAFF: staff', enum_type=Role, max_length=8),
        ),
        ops.AddField(
            model_name='Meeting',
            name='absent_side',
            field=fields.CharField(default='', max_length=12),
        ),
        ops.AddField(
            model_name='Meeting',
            name='attendance_at',
            field=fields.DatetimeField(null=True, auto_now=False, auto_now_add=False),
        ),
        ops.AddField(
            model_name='Meeting',
            name='attendance_by',
            field=fields.ForeignKeyField('matchmaker.User', source_field='attendance_by_id', null=True, db_constraint=True, to_field='id', related_name=False, on_delete=OnDelete.SET_NULL),
        ),
        ops.AlterField(
            model_name='Membership',
            name='role',
            field=fields.CharEnumField(default=Role.MEMBER, description='ADMIN: admin\nMEMBER: member\nSTAFF: staff', enum_type=Role, max_length=8),
        ),
    ]
