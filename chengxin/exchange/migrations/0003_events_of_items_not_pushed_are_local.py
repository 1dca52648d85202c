"""Events written before the delivery existed for items not pushed upstream become ``local``, so
the new delivery worker does not send them (docs/exchange.md#the-outbox)."""

from django.db import migrations


def events_of_items_not_pushed_are_local(apps, schema_editor):
    CatalogItem = apps.get_model("catalog", "CatalogItem")
    OutboxEvent = apps.get_model("exchange", "OutboxEvent")
    kept_here = list(CatalogItem.objects.filter(push_upstream=False).values_list("code", flat=True))
    if kept_here:
        OutboxEvent.objects.filter(status="pending", payload__item__in=kept_here).update(
            status="local"
        )


def local_events_are_pending_again(apps, schema_editor):
    OutboxEvent = apps.get_model("exchange", "OutboxEvent")
    OutboxEvent.objects.filter(status="local").update(status="pending")


class Migration(migrations.Migration):
    dependencies = [
        ("catalog", "0002_repair_and_opt_out_flags"),
        ("exchange", "0002_delivery"),
    ]

    operations = [
        migrations.RunPython(events_of_items_not_pushed_are_local, local_events_are_pending_again)
    ]
