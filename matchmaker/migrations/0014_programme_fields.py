"""Fields programmes test that the registry lacked (issue 14): the legal representative's age and
shareholding, current overdue of 30 / 90 days, 连三累六, the 经营异常名录, last year's tax paid and
taxable sales, profitability over two years, new hires; on needs, the pledged patents' remaining
term and appraised value. Every column is nullable (未填写), so existing rows keep their meaning."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0013_lists')]

    initial = False

    operations = [
        ops.AddField(model_name='EnterpriseProfile', name='legal_rep_age', field=fields.IntField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='legal_rep_share', field=fields.FloatField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='overdue_30d', field=fields.BooleanField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='overdue_90d', field=fields.BooleanField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='overdue_3x6', field=fields.BooleanField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='abnormal_operation', field=fields.BooleanField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='tax_paid', field=fields.BigIntField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='taxable_sales', field=fields.BigIntField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='profitable_2y', field=fields.BooleanField(null=True)),
        ops.AddField(model_name='EnterpriseProfile', name='new_hires', field=fields.IntField(null=True)),
        ops.AddField(model_name='FinancingNeed', name='pledged_ip_remaining_years',
                     field=fields.FloatField(null=True)),
        ops.AddField(model_name='FinancingNeed', name='pledged_ip_value', field=fields.BigIntField(null=True)),
    ]
