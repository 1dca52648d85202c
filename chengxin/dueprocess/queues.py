"""What the staff queues of every kind of case (objections, repairs, tip-offs) share: the status
filter with its ``open`` choice, the overdue filter, and the order (open cases first, the nearest
deadline first, then the newest)."""

from __future__ import annotations

import datetime
from collections.abc import Collection

from django.db.models import Case, F, IntegerField, QuerySet, Value, When

# The status a filter may name besides each status: every open case.
OPEN_FILTER = "open"


def queue_filtered(
    cases: QuerySet,
    *,
    status: str,
    overdue: bool,
    statuses: Collection[str],
    open_statuses: Collection[str],
    today: datetime.date,
) -> QuerySet:
    """``cases`` of ``status`` (one of ``statuses``, or ``OPEN_FILTER`` for every open one; any
    other value filters nothing), and only the overdue open ones when ``overdue``."""
    if status == OPEN_FILTER:
        cases = cases.filter(status__in=open_statuses)
    elif status in statuses:
        cases = cases.filter(status=status)
    if overdue:
        cases = cases.filter(status__in=open_statuses, deadline__lt=today)
    return cases


def open_first(cases: QuerySet, *, open_statuses: Collection[str], filed_field: str) -> QuerySet:
    """``cases`` in queue order: open ones first, the nearest deadline (so the overdue) first,
    then the newest by ``filed_field``."""
    return cases.annotate(
        closed_rank=Case(
            When(status__in=open_statuses, then=Value(0)),
            default=Value(1),
            output_field=IntegerField(),
        )
    ).order_by("closed_rank", F("deadline").asc(nulls_last=True), f"-{filed_field}", "-pk")
