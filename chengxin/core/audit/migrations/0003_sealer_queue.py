"""The sealer's queue: events wait here, off the request path, for their seal."""

import django.db.models.deletion
from django.db import migrations, models


def queue_unsealed_events(apps, schema_editor):
    """Events committed before the queue existed and never sealed join it, in id order."""
    table = "audit_auditpending"
    schema_editor.execute(
        f"INSERT INTO {table} (event_id) SELECT event.id FROM audit_auditevent event "
        "WHERE NOT EXISTS (SELECT 1 FROM audit_auditseal seal WHERE seal.event_id = event.id)"
    )


class Migration(migrations.Migration):

    dependencies = [
        ('audit', '0002_append_only_triggers'),
    ]

    operations = [
        migrations.CreateModel(
            name='AuditPending',
            fields=[
                ('event', models.OneToOneField(on_delete=django.db.models.deletion.PROTECT, primary_key=True, related_name='pending', serialize=False, to='audit.auditevent', verbose_name='审计事件')),
            ],
            options={
                'verbose_name': '待封存的审计事件',
                'verbose_name_plural': '待封存的审计事件',
            },
        ),
        migrations.RunPython(queue_unsealed_events, migrations.RunPython.noop),
    ]
