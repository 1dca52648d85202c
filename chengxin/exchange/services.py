"""Writes of the exchange app."""

from __future__ import annotations

from typing import Any

from django.db import transaction

from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.models import OutboxEvent


def outbox_event_record(
    *, event_type: str, record, detail: dict[str, Any] | None = None
) -> OutboxEvent:
    """Write the event of a change of ``record`` (a ``collection.CreditRecord``) to the outbox.

    Call it inside the transaction of the change (it refuses to run outside one), so the event
    exists exactly when the change does. The payload names the record by its ids, item, status,
    version and dates; ``detail`` may add other facts without personal data (a decision's id).
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An outbox event is written in the transaction of its change.")
    payload = {
        "record_id": record.pk,
        "department": record.department.code,
        "item": record.item.code,
        "source_id": record.source_id,
        "status": record.status,
        "disputed": record.disputed,
        "version": record.current_version,
        "decided_on": record.decided_on.isoformat(),
        **(detail or {}),
    }
    return OutboxEvent.objects.create(
        event_type=OutboxEventType(event_type),
        record_id=record.pk,
        subject_index=record.subject_index,
        payload=payload,
    )
