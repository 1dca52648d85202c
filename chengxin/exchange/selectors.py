"""Reads of the exchange app."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import Count, Min, QuerySet
from django.utils import timezone

from chengxin.accounts.choices import Capability
from chengxin.accounts.permissions import has_capability
from chengxin.exchange.choices import OutboxStatus
from chengxin.exchange.models import CorrectionNotice, Export, OutboxEvent, UpstreamDelivery


def outbox_events_of_record(*, record_id: int) -> QuerySet[OutboxEvent]:
    """The events of one record, in the order they were written."""
    return OutboxEvent.objects.filter(record_id=record_id).order_by("id")


def can_operate_exchange(user) -> bool:
    """The system administrator watches and retries the upstream push (docs/exchange.md)."""
    return has_capability(user, Capability.OPERATE_EXCHANGE)


@dataclass(frozen=True)
class UpstreamSummary:
    """The state of the push: counts by status, events failing (pending after a failed
    attempt), and the lag: the age of the oldest undelivered event."""

    pending: int
    failing: int
    dead: int
    delivered: int
    oldest_undelivered_at: datetime.datetime | None
    now: datetime.datetime

    @property
    def lag(self) -> datetime.timedelta | None:
        if self.oldest_undelivered_at is None:
            return None
        return self.now - self.oldest_undelivered_at


def upstream_summary(*, now: datetime.datetime | None = None) -> UpstreamSummary:
    """Counts in two grouped queries, whatever the size of the outbox."""
    counts = dict(
        OutboxEvent.objects.exclude(status=OutboxStatus.LOCAL)
        .values_list("status")
        .annotate(total=Count("pk"))
        .values_list("status", "total")
    )
    waiting = OutboxEvent.objects.filter(status__in=(OutboxStatus.PENDING, OutboxStatus.DEAD))
    oldest = waiting.aggregate(oldest=Min("created_at"))["oldest"]
    failing = OutboxEvent.objects.filter(status=OutboxStatus.PENDING, attempts__gt=0).count()
    return UpstreamSummary(
        pending=counts.get(OutboxStatus.PENDING, 0),
        failing=failing,
        dead=counts.get(OutboxStatus.DEAD, 0),
        delivered=counts.get(OutboxStatus.DELIVERED, 0),
        oldest_undelivered_at=oldest,
        now=now or timezone.now(),
    )


def outbox_failing_events() -> QuerySet[OutboxEvent]:
    """Pending events whose last attempt failed, the oldest first."""
    return OutboxEvent.objects.filter(status=OutboxStatus.PENDING, attempts__gt=0).order_by("pk")


def outbox_dead_letters() -> QuerySet[OutboxEvent]:
    """Dead letters, the oldest first."""
    return OutboxEvent.objects.filter(status=OutboxStatus.DEAD).order_by("pk")


def upstream_recent_deliveries() -> QuerySet[UpstreamDelivery]:
    """The requests of the push, the newest first."""
    return UpstreamDelivery.objects.order_by("-pk")


def exports_recent() -> QuerySet[Export]:
    """The export runs, the newest first."""
    return Export.objects.select_related("recipient").order_by("-pk")


def correction_notices_recent() -> QuerySet[CorrectionNotice]:
    """The correction notices, the unacknowledged first, then the newest first."""
    return CorrectionNotice.objects.select_related("event").order_by("acknowledged_at", "-pk")
