"""Inbox notices keep a message code with its arguments (issue 15), so a notice is shown in the
reader's language when it is read; `text` stays the Chinese rendering and is what rows written
before this migration (message NULL) keep showing."""

from tortoise import fields, migrations
from tortoise.migrations import operations as ops


class Migration(migrations.Migration):
    dependencies = [('matchmaker', '0016_worker_heartbeat_mail_states')]

    initial = False

    operations = [
        ops.AddField(model_name='Notification', name='message', field=fields.JSONField(null=True)),
    ]
