"""The lifecycle of a credit record (SPEC §5): its dates, its public disclosure and its expiry.

Periods run from ``decided_on`` and come from policy values (docs/policies.md):

- negative records: disclosure ends after ``disclosure.<severity>_months``; an item's
  ``disclosure_months`` applies only when it is shorter (an item may shorten, never lengthen);
- the earliest repair date is ``repair.general_earliest_months`` / ``repair.serious_earliest_months``
  after the decision (minor records are never disclosed and need no repair);
- positive records are valid for ``positive.validity_years``, or the item's shorter
  ``validity_months``;
- basic and other records have no end date.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from chengxin.catalog.choices import Category, Disclosure, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.calendar import add_months
from chengxin.core.selectors import policy_value
from chengxin.exchange.choices import OutboxEventType
from chengxin.exchange.services import RecordFacts, outbox_events_write

DISCLOSURE_POLICIES = {
    Severity.MINOR: "disclosure.minor_months",
    Severity.GENERAL: "disclosure.general_months",
    Severity.SERIOUS: "disclosure.serious_months",
}
REPAIR_POLICIES = {
    Severity.GENERAL: "repair.general_earliest_months",
    Severity.SERIOUS: "repair.serious_earliest_months",
}
POSITIVE_VALIDITY_POLICY = "positive.validity_years"
EXPIRY_OBJECT_TYPE = "collection.creditrecord"


@dataclass(frozen=True)
class RecordDates:
    """The computed dates of a record; ``None`` where the period does not apply."""

    disclosure_ends_on: datetime.date | None
    repairable_from: datetime.date | None
    valid_until: datetime.date | None


def policy_periods() -> dict[str, int]:
    """The lifecycle periods in force, in months, read once (a batch computes many records)."""
    periods = {name: int(policy_value(name)) for name in _MONTH_POLICIES}
    periods[POSITIVE_VALIDITY_POLICY] = int(policy_value(POSITIVE_VALIDITY_POLICY)) * 12
    return periods


_MONTH_POLICIES = (*DISCLOSURE_POLICIES.values(), *REPAIR_POLICIES.values())


def record_dates(
    *, item: CatalogItem, decided_on: datetime.date, periods: dict[str, int] | None = None
) -> RecordDates:
    """The dates of a record of ``item`` decided on ``decided_on``, from the policy values
    (``periods`` from ``policy_periods()``, read now when not given)."""
    periods = periods if periods is not None else policy_periods()
    if item.category == Category.NEGATIVE and item.severity:
        return RecordDates(
            disclosure_ends_on=_disclosure_end(item, decided_on, periods),
            repairable_from=_repair_start(item, decided_on, periods),
            valid_until=None,
        )
    if item.category == Category.POSITIVE:
        return RecordDates(None, None, _positive_end(item, decided_on, periods))
    return RecordDates(None, None, None)


def _shorter_of(policy_months: int, start: datetime.date, item_months: int | None):
    months = policy_months if item_months is None else min(policy_months, item_months)
    return add_months(start, months)


def _disclosure_end(item: CatalogItem, decided_on: datetime.date, periods) -> datetime.date:
    policy_months = periods[DISCLOSURE_POLICIES[item.severity]]
    return _shorter_of(policy_months, decided_on, item.disclosure_months)


def _repair_start(item: CatalogItem, decided_on: datetime.date, periods) -> datetime.date | None:
    name = REPAIR_POLICIES.get(item.severity)
    return add_months(decided_on, periods[name]) if name else None


def _positive_end(item: CatalogItem, decided_on: datetime.date, periods) -> datetime.date:
    policy_months = periods[POSITIVE_VALIDITY_POLICY]
    return _shorter_of(policy_months, decided_on, item.validity_months)


def record_end_date(record: CreditRecord) -> datetime.date | None:
    """The day the record's period ends (disclosure end or validity end), if it has one."""
    return record.disclosure_ends_on or record.valid_until


def is_publicly_disclosed(record: CreditRecord, *, item: CatalogItem, today) -> bool:
    """SPEC §5: item disclosure ``public``, status ``active``, today before the end date, and
    severity not minor."""
    end = record_end_date(record)
    return (
        item.disclosure == Disclosure.PUBLIC
        and record.status == RecordStatus.ACTIVE
        and record.severity != Severity.MINOR
        and (end is None or today < end)
    )


def records_due(*, today: datetime.date) -> QuerySet[CreditRecord]:
    """Active records whose end date is on or before ``today``."""
    return CreditRecord.objects.filter(status=RecordStatus.ACTIVE).filter(
        Q(disclosure_ends_on__lte=today) | Q(valid_until__lte=today)
    )


def records_expire(*, today: datetime.date, actor=None) -> int:
    """End every active record whose period ended on or before ``today``; the number ended.

    Idempotent: an expired record is no longer ``active``, so a second run ends nothing; a run
    after missed days ends everything that fell due meanwhile, since the test is ``end ≤ today``.
    One audit event per run (count and date, no personal data); none when nothing was due.
    Each ended record of an item pushed upstream gets its ``record.expired`` outbox event in
    the same transaction (SPEC §9).
    """
    now = timezone.now()
    with transaction.atomic():
        due = list(records_due(today=today).select_for_update().values_list("pk", flat=True))
        ended = CreditRecord.objects.filter(pk__in=due).update(
            status=RecordStatus.EXPIRED, status_changed_at=now, updated_at=now
        )
        if ended:
            outbox_events_write(event_type=OutboxEventType.RECORD_EXPIRED, facts=_pushed(due))
            audit_events.change_event(
                actor=actor,
                action=AuditAction.UPDATE,
                object_type=EXPIRY_OBJECT_TYPE,
                object_id="expire",
                detail={"today": today.isoformat(), "expired": ended},
            )
    return ended


def _pushed(record_ids: list[int]):
    """The facts of the records of ``record_ids`` whose item is pushed upstream, as they are
    now (read in chunks, so a day that ends many records does not hold them all at once)."""
    fields = ("pk", "subject_index", "department__code", "item__code", "source_id", "status")
    more = ("disputed", "current_version", "decided_on")
    for start in range(0, len(record_ids), 1000):
        rows = CreditRecord.objects.filter(
            pk__in=record_ids[start : start + 1000], item__push_upstream=True
        ).values_list(*fields, *more)
        for pk, index, department, item, source_id, status, disputed, version, decided in rows:
            yield RecordFacts(
                record_id=pk,
                subject_index=index,
                department=department,
                item=item,
                source_id=source_id,
                status=status,
                disputed=disputed,
                version=version,
                decided_on=decided,
                push_upstream=True,
            )
