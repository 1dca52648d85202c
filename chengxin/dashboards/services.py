"""The one write path of the dashboards: folding new base rows into the summary tables."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import transaction
from django.db.models import Max, Min
from django.utils import timezone

from chengxin.core.selectors import policy_value
from chengxin.dashboards.models import DailyMetric, MonthlyMetric, SourceWatermark
from chengxin.dashboards.policies import SETTLE_MINUTES
from chengxin.dashboards.sources import SOURCES, Numbers, Source


@dataclass(frozen=True)
class RefreshResult:
    """What one source's refresh did: the base rows it read and the metric rows it touched."""

    source: str
    rows_read: int
    metrics_written: int


def dashboards_refresh(
    *, now: datetime.datetime | None = None, sources: tuple[Source, ...] = SOURCES
) -> list[RefreshResult]:
    """Fold the base rows written since each source's watermark into ``DailyMetric``.

    Each source runs in its own transaction with its watermark row locked, so two refreshes
    (the worker's and a command's) never fold the same rows twice. Only rows written before
    ``now`` minus ``dashboards.settle_minutes`` are read; the next refresh starts where this
    one stopped. Writes no audit event: it reads counts only, no personal data, and changes
    nothing a person or department sees except the aggregates.
    """
    now = now or timezone.now()
    settle_until = now - datetime.timedelta(minutes=int(policy_value(SETTLE_MINUTES.name)))
    return [_refresh_source(source, settle_until=settle_until, now=now) for source in sources]


def dashboards_rebuild(*, now: datetime.datetime | None = None) -> list[RefreshResult]:
    """Drop every summary row and watermark and fold everything again (after a restore, or
    when a definition changed)."""
    with transaction.atomic():
        DailyMetric.objects.all().delete()
        MonthlyMetric.objects.all().delete()
        SourceWatermark.objects.all().delete()
    return dashboards_refresh(now=now)


def _refresh_source(
    source: Source, *, settle_until: datetime.datetime, now: datetime.datetime
) -> RefreshResult:
    with transaction.atomic():
        SourceWatermark.objects.get_or_create(source=source.name)
        mark = SourceWatermark.objects.select_for_update().get(source=source.name)
        if source.by_id:
            high = _settled_id(source, low=mark.position_id, settle_until=settle_until)
            read, numbers = (
                source.collect(mark.position_id, high)
                if high > mark.position_id
                else (0, Numbers())
            )
            mark.position_id = max(high, mark.position_id)
        else:
            start = mark.position_at
            if start is not None and start >= settle_until:
                read, numbers = 0, Numbers()
            else:
                read, numbers = source.collect(start, settle_until)
                mark.position_at = settle_until
        written = _add_numbers(source.name, numbers)
        mark.rows_read, mark.refreshed_at = read, now
        mark.save(update_fields=["position_id", "position_at", "rows_read", "refreshed_at"])
    return RefreshResult(source=source.name, rows_read=read, metrics_written=written)


def _settled_id(source: Source, *, low: int, settle_until: datetime.datetime) -> int:
    """The highest id up to which every row after ``low`` was written before the settle time:
    just below the first newer row, or the newest id when there is none."""
    after = source.model.objects.filter(id__gt=low)
    first_unsettled = after.filter(**{f"{source.created_field}__gte": settle_until}).aggregate(
        first=Min("id")
    )["first"]
    if first_unsettled is not None:
        return first_unsettled - 1
    return after.aggregate(last=Max("id"))["last"] or low


def _add_numbers(source: str, numbers: Numbers) -> int:
    """Add ``numbers`` to the metric rows of ``source``, per day and per month: existing rows
    grow, new ones are created, in a fixed number of statements per day range. Returns the
    daily rows touched."""
    numbers = {key: value for key, value in numbers.items() if value}
    if not numbers:
        return 0
    months: Numbers = Numbers()
    for (measure, day, department_id, key), value in numbers.items():
        months[(measure, day.replace(day=1), department_id, key)] += value
    _add_to(DailyMetric, "day", source, numbers)
    _add_to(MonthlyMetric, "month", source, months)
    return len(numbers)


def _add_to(model, period: str, source: str, numbers: Numbers) -> None:
    periods = {key[1] for key in numbers}
    existing = {
        (row.measure, getattr(row, period), row.department_id, row.key): row
        for row in model.objects.filter(
            source=source, **{f"{period}__gte": min(periods), f"{period}__lte": max(periods)}
        )
    }
    changed, created = [], []
    for (measure, when, department_id, key), value in numbers.items():
        row = existing.get((measure, when, department_id, key))
        if row is None:
            created.append(
                model(
                    source=source,
                    measure=measure,
                    department_id=department_id,
                    key=key,
                    value=value,
                    **{period: when},
                )
            )
        else:
            row.value += value
            changed.append(row)
    model.objects.bulk_update(changed, ["value"], batch_size=500)
    model.objects.bulk_create(created, batch_size=1000)
