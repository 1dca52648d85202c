"""Reads of the exchange app."""

from __future__ import annotations

from django.db.models import QuerySet

from chengxin.exchange.models import OutboxEvent


def outbox_events_of_record(*, record_id: int) -> QuerySet[OutboxEvent]:
    """The events of one record, in the order they were written."""
    return OutboxEvent.objects.filter(record_id=record_id).order_by("id")
