"""Writes of the exchange app: outbox events, and the operator's retries (docs/exchange.md).

Delivery itself (claims, the HTTP request, receipts, backoff, dead letters) is in
``chengxin.exchange.delivery``; its entry point is ``upstream_push_round``.
"""

from __future__ import annotations

import datetime
import functools
import json
import uuid
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from django.db import transaction
from django.db.models import QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.bulk import insert_rows
from chengxin.core.errors import DomainError
from chengxin.exchange import error_codes
from chengxin.exchange.choices import OutboxEventType, OutboxStatus
from chengxin.exchange.models import OutboxEvent

OUTBOX_OBJECT_TYPE = "outbox_event"


@dataclass(frozen=True, slots=True)
class RecordFacts:
    """What an event says about its record: ids, item, status, version and dates, no personal
    data. ``push_upstream`` is the item's flag at the time of the change."""

    record_id: int
    subject_index: str
    department: str
    item: str
    source_id: str
    status: str
    disputed: bool
    version: int
    decided_on: datetime.date
    push_upstream: bool

    def payload(self) -> dict[str, Any]:
        return {
            "record_id": self.record_id,
            "department": self.department,
            "item": self.item,
            "source_id": self.source_id,
            "status": self.status,
            "disputed": self.disputed,
            "version": self.version,
            "decided_on": self.decided_on.isoformat(),
        }

    def payload_text(self) -> str:
        """``payload()`` as JSON text, built without an encoder (the ingest path writes one per
        row): only the source id is free text, so only it is escaped."""
        return (
            f'{{"record_id":{int(self.record_id)},"department":{_code_text(self.department)},'
            f'"item":{_code_text(self.item)},"source_id":{_text(self.source_id)},'
            f'"status":{_code_text(self.status)},'
            f'"disputed":{"true" if self.disputed else "false"},'
            f'"version":{int(self.version)},"decided_on":"{self.decided_on.isoformat()}"}}'
        )


def _text(value: str) -> str:
    # What ``json.dumps(value, ensure_ascii=False)`` writes for a string, without building an
    # encoder per call.
    return _json_string(str(value))


_json_string = json.encoder.encode_basestring


# Department and item codes and statuses are few and repeat on every event of a chunk.
_code_text = functools.lru_cache(maxsize=1024)(_text)


def record_facts(record) -> RecordFacts:
    """The facts of a ``collection.CreditRecord`` as it stands."""
    return RecordFacts(
        record_id=record.pk,
        subject_index=record.subject_index,
        department=record.department.code,
        item=record.item.code,
        source_id=record.source_id,
        status=record.status,
        disputed=record.disputed,
        version=record.current_version,
        decided_on=record.decided_on,
        push_upstream=record.item.push_upstream,
    )


def _require_transaction() -> None:
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("An outbox event is written in the transaction of its change.")


def _event(event_type: str, facts: RecordFacts, detail: dict[str, Any] | None) -> OutboxEvent:
    return OutboxEvent(
        event_type=OutboxEventType(event_type),
        record_id=facts.record_id,
        subject_index=facts.subject_index,
        payload={**facts.payload(), **(detail or {})},
        status=OutboxStatus.PENDING if facts.push_upstream else OutboxStatus.LOCAL,
    )


def outbox_event_record(
    *, event_type: str, record, detail: dict[str, Any] | None = None
) -> OutboxEvent:
    """Write the event of a change of ``record`` (a ``collection.CreditRecord``) to the outbox.

    Call it inside the transaction of the change (it refuses to run outside one), so the event
    exists exactly when the change does. The payload names the record by its ids, item, status,
    version and dates; ``detail`` may add other facts without personal data (a decision's id).
    An event of an item not pushed upstream is kept as ``local`` (for the other recipients).
    """
    _require_transaction()
    event = _event(event_type, record_facts(record), detail)
    event.save()
    return event


def outbox_events_write(*, event_type: str, facts: Iterable[RecordFacts]) -> int:
    """Write one event per record of ``facts`` in bulk (the ingest path: a chunk of a file may
    change thousands of records); the number written. Same rules as ``outbox_event_record``.

    The events go as plain rows (``COPY`` on PostgreSQL, ``core.bulk.insert_rows``): a model
    instance per event and Django's parameter binding cost more than the rows themselves
    (docs/performance.md)."""
    _require_transaction()
    kind = OutboxEventType(event_type)
    now = timezone.now()
    rows = [_event_row(kind, fact, now) for fact in facts]
    insert_rows(OutboxEvent, _EVENT_FIELDS, rows)
    return len(rows)


_EVENT_FIELDS = (
    "message_id",
    "event_type",
    "record_id",
    "subject_index",
    "payload",
    "status",
    "created_at",
    "attempts",
    "last_error",
)


def _event_row(kind: str, facts: RecordFacts, now: datetime.datetime) -> tuple:
    return (
        uuid.uuid4(),
        kind,
        facts.record_id,
        facts.subject_index,
        facts.payload_text(),
        OutboxStatus.PENDING if facts.push_upstream else OutboxStatus.LOCAL,
        now,
        0,
        "",
    )


def outbox_events_retry(
    *, actor, event_ids: list[int] | None = None, dead: bool = True, request=None
) -> int:
    """Send events again at once; the number retried. One audit event per call.

    ``dead``: dead letters (all, or those of ``event_ids``) go back to ``pending`` with their
    attempts counted from zero; otherwise pending events waiting for their backoff are made due
    now (their attempts are kept). Asking for a given event that is not dead is a conflict (409).
    """
    now = timezone.now()
    with transaction.atomic():
        events = _retry_candidates(dead=dead, event_ids=event_ids)
        ids = list(events.select_for_update().values_list("pk", flat=True))
        if event_ids is not None and len(ids) != len(set(event_ids)):
            raise _not_dead()
        retried = _retry_update(ids, dead=dead, now=now)
        if retried:
            audit_events.change_event(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type=OUTBOX_OBJECT_TYPE,
                object_id=str(ids[0]) if len(ids) == 1 else "",
                detail={"retried": retried, "dead_letters": dead, "first": ids[0], "last": ids[-1]},
                request=request,
            )
    return retried


def _retry_candidates(*, dead: bool, event_ids: list[int] | None) -> QuerySet[OutboxEvent]:
    if dead:
        events = OutboxEvent.objects.filter(status=OutboxStatus.DEAD)
    else:
        events = OutboxEvent.objects.filter(
            status=OutboxStatus.PENDING, attempts__gt=0, next_attempt_at__isnull=False
        )
    if event_ids is not None:
        events = events.filter(pk__in=event_ids)
    return events.order_by("pk")


def _retry_update(ids: list[int], *, dead: bool, now: datetime.datetime) -> int:
    if not ids:
        return 0
    changes: dict[str, Any] = {"next_attempt_at": None, "claimed_until": None}
    if dead:
        changes.update(status=OutboxStatus.PENDING, attempts=0, dead_at=None)
    return OutboxEvent.objects.filter(pk__in=ids).update(**changes)


def _not_dead() -> DomainError:
    return DomainError(
        code=error_codes.OUTBOX_EVENT_NOT_DEAD,
        message=_("该事件不在投递失败队列中，无需重试；请刷新页面查看最新状态。"),
        message_en="The event is not a dead letter; reload the page to see its current state.",
        status=409,
    )
