"""The sources of the summary tables: which base rows each one reads and what it counts.

Two kinds (docs/dashboards.md):

- **insert-only tables** (records, officer queries, check feedback, outbox events) are read by
  primary key: the rows after the source's watermark id, up to the last row written before the
  settle time (``dashboards.settle_minutes``), through the primary-key index;
- **tables whose rows change state** (submissions complete, objections and repairs are decided,
  tip-offs answered, deliveries finish, events die) are read by the time of that change, in the
  window from the watermark time to the settle time.

Each ``collect`` returns the number of base rows it read and the numbers to add, keyed by
(measure, local day, department id, key). A row is counted in exactly one window, so adding
the numbers of successive windows gives the same totals as one pass over the whole table.
"""

from __future__ import annotations

import datetime
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Count, Sum
from django.db.models.functions import TruncDate

from chengxin.accounts.models import Department
from chengxin.collection.choices import SubmissionStatus
from chengxin.collection.models import CreditRecord, Submission
from chengxin.dashboards.models import NO_DEPARTMENT
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.tipoffs.models import TipOff
from chengxin.exchange.choices import DeliveryOutcome, OutboxStatus
from chengxin.exchange.models import OutboxEvent, UpstreamDelivery
from chengxin.inquiry.models import ProfileQuery
from chengxin.measures.checks.models import Check, CheckFeedback, CheckMeasure
from chengxin.workplan.models import ProgressReport

MetricKey = tuple[str, datetime.date, int, str]
Numbers = Counter[MetricKey]

# Measures (the ``measure`` column). Their keys are given beside each.
RECORDS = "records"  # key: item code
SUBMISSIONS = "submissions"  # key: item code; also RECEIVED, ACCEPTED, REJECTED rows
RECEIVED = "received"
ACCEPTED = "accepted"
REJECTED = "rejected"
CHECKS = "checks"  # key: matter; department: the checking department
MEASURES_FOUND = "measures_found"  # key: matter; department: the implementing department
FEEDBACK = "feedback"  # key: empty; department: the department that reported back
FEEDBACK_APPLIED = "feedback_applied"
QUERIES = "queries"  # key: purpose code
CASES_FILED = "cases_filed"  # key: case kind (objection, repair, tipoff)
CASES_DECIDED = "cases_decided"
CASES_DAYS = "cases_days"  # calendar days from filing to decision, summed
CASES_LATE = "cases_late"  # decided after their deadline
EVENTS_CREATED = "events_created"  # key: event type; department: none
EVENTS_DELIVERED = "events_delivered"
EVENTS_LAG_SECONDS = "events_lag_seconds"  # from creation to delivery, summed
EVENTS_DEAD = "events_dead"
DELIVERIES = "deliveries"  # key: empty; requests to the provincial platform
DELIVERIES_FAILED = "deliveries_failed"
WORKPLAN_REPORTS = "workplan_reports"  # key: plan code; department: the reporting unit

OBJECTION, REPAIR, TIPOFF = "objection", "repair", "tipoff"
FAILED_OUTCOMES = tuple(outcome for outcome in DeliveryOutcome.values if outcome != "delivered")


def local_zone() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def local_day(moment: datetime.datetime) -> datetime.date:
    return moment.astimezone(local_zone()).date()


@dataclass(frozen=True)
class Source:
    """A base table folded into the metrics. ``model`` and ``created_field`` serve the
    id-window kind (``by_id``); ``collect`` reads one window: ids ``(low, high]`` or times
    ``[low, high)``."""

    name: str
    by_id: bool
    collect: Callable[[object, object], tuple[int, Numbers]]
    model: type | None = None
    created_field: str = "created_at"


def _add_grouped(numbers: Numbers, rows: Iterable[dict], measures: dict[str, str], key: str):
    read = 0
    for row in rows:
        read += row["rows"]
        for measure, column in measures.items():
            numbers[
                (measure, row["day"], row["department_id"] or NO_DEPARTMENT, row[key] or "")
            ] += row[column] or 0
    return read


def _created_by_day(model, low: int, high: int, *, measure: str, key: str) -> tuple[int, Numbers]:
    """The rows of ``model`` with ids in (``low``, ``high``], counted as ``measure`` by the
    local day they were created, their department and ``key``."""
    rows = (
        model.objects.filter(id__gt=low, id__lte=high)
        .annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .values("day", "department_id", key)
        .annotate(rows=Count("id"))
        .order_by()
    )
    numbers: Numbers = Counter()
    read = _add_grouped(numbers, rows, {measure: "rows"}, key)
    return read, numbers


def collect_records(low: int, high: int) -> tuple[int, Numbers]:
    return _created_by_day(CreditRecord, low, high, measure=RECORDS, key="item__code")


def collect_submissions(start, end) -> tuple[int, Numbers]:
    """Completed submissions, counted on the day they were received (as the data-quality
    scoreboard dates them), read by the time they completed."""
    window = Submission.objects.filter(status=SubmissionStatus.COMPLETED, finished_at__lt=end)
    if start is not None:
        window = window.filter(finished_at__gte=start)
    rows = (
        window.annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .values("day", "department_id", "item__code")
        .annotate(
            rows=Count("id"),
            received_rows=Sum("received"),
            accepted_rows=Sum("accepted"),
            rejected_rows=Sum("rejected"),
        )
        .order_by()
    )
    measures = {
        SUBMISSIONS: "rows",
        RECEIVED: "received_rows",
        ACCEPTED: "accepted_rows",
        REJECTED: "rejected_rows",
    }
    numbers: Numbers = Counter()
    read = _add_grouped(numbers, rows, measures, "item__code")
    return read, numbers


def collect_checks(start, end) -> tuple[int, Numbers]:
    """Checks and the measures they found. The department list lets PostgreSQL use the
    (department, created_at) index of checks for the time window."""
    departments = list(Department.objects.values_list("id", flat=True))
    window = Check.objects.filter(department_id__in=departments, created_at__lt=end)
    if start is not None:
        window = window.filter(created_at__gte=start)
    rows = (
        window.annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .values("day", "department_id", "matter")
        .annotate(rows=Count("id"))
        .order_by()
    )
    numbers: Numbers = Counter()
    read = _add_grouped(numbers, rows, {CHECKS: "rows"}, "matter")
    found = (
        CheckMeasure.objects.filter(check_ref__in=window.values("id"))
        .annotate(day=TruncDate("check_ref__created_at", tzinfo=local_zone()))
        .values("day", "department_code", "check_ref__matter")
        .annotate(rows=Count("id"))
        .order_by()
    )
    codes = dict(Department.objects.values_list("code", "id"))
    for row in found:
        department = codes.get(row["department_code"], NO_DEPARTMENT)
        numbers[(MEASURES_FOUND, row["day"], department, row["check_ref__matter"])] += row["rows"]
    return read, numbers


def collect_feedback(low: int, high: int) -> tuple[int, Numbers]:
    rows = (
        CheckFeedback.objects.filter(id__gt=low, id__lte=high)
        .annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .values("day", "department_id", "applied")
        .annotate(rows=Count("id"))
        .order_by()
    )
    numbers: Numbers = Counter()
    read = 0
    for row in rows:
        read += row["rows"]
        department = row["department_id"] or NO_DEPARTMENT
        numbers[(FEEDBACK, row["day"], department, "")] += row["rows"]
        if row["applied"]:
            numbers[(FEEDBACK_APPLIED, row["day"], department, "")] += row["rows"]
    return read, numbers


def collect_queries(low: int, high: int) -> tuple[int, Numbers]:
    return _created_by_day(ProfileQuery, low, high, measure=QUERIES, key="purpose__code")


def collect_workplan_reports(start, end) -> tuple[int, Numbers]:
    """Work-plan progress reports, counted on the day first sent (a report sent again for its
    quarter is the same row, counted once), read by that time."""
    rows = (
        _time_window(ProgressReport.objects.all(), "submitted_at", start, end)
        .annotate(day=TruncDate("submitted_at", tzinfo=local_zone()))
        .values("day", "department_id", "task__plan__code")
        .annotate(rows=Count("id"))
        .order_by()
    )
    numbers: Numbers = Counter()
    read = _add_grouped(numbers, rows, {WORKPLAN_REPORTS: "rows"}, "task__plan__code")
    return read, numbers


def _time_window(queryset, field: str, start, end):
    queryset = queryset.filter(**{f"{field}__lt": end, f"{field}__isnull": False})
    if start is not None:
        queryset = queryset.filter(**{f"{field}__gte": start})
    return queryset


def _collect_filed(model, kind: str, field: str, department: str):
    def collect(start, end) -> tuple[int, Numbers]:
        numbers: Numbers = Counter()
        rows = _time_window(model.objects.all(), field, start, end).values_list(field, department)
        read = 0
        for moment, department_id in rows.iterator(chunk_size=2000):
            read += 1
            numbers[(CASES_FILED, local_day(moment), department_id or NO_DEPARTMENT, kind)] += 1
        return read, numbers

    return collect


def _collect_decided(model, kind: str, field: str, department: str):
    """Decided cases on the day of their decision: how many, the calendar days they took from
    filing (summed, for the average) and how many were decided after their deadline."""

    def collect(start, end) -> tuple[int, Numbers]:
        numbers: Numbers = Counter()
        filed = "applied_at" if model is Repair else "filed_at"
        rows = _time_window(model.objects.all(), field, start, end).values_list(
            field, filed, "deadline", department
        )
        read = 0
        for moment, filed_at, deadline, department_id in rows.iterator(chunk_size=2000):
            read += 1
            day, key = local_day(moment), (department_id or NO_DEPARTMENT)
            numbers[(CASES_DECIDED, day, key, kind)] += 1
            numbers[(CASES_DAYS, day, key, kind)] += max((day - local_day(filed_at)).days, 0)
            if deadline is not None and day > deadline:
                numbers[(CASES_LATE, day, key, kind)] += 1
        return read, numbers

    return collect


def collect_events_created(low: int, high: int) -> tuple[int, Numbers]:
    rows = (
        OutboxEvent.objects.filter(id__gt=low, id__lte=high)
        .annotate(day=TruncDate("created_at", tzinfo=local_zone()))
        .values("day", "event_type")
        .annotate(rows=Count("id"))
        .order_by()
    )
    numbers: Numbers = Counter()
    read = 0
    for row in rows:
        read += row["rows"]
        numbers[(EVENTS_CREATED, row["day"], NO_DEPARTMENT, row["event_type"])] += row["rows"]
    return read, numbers


def collect_deliveries(start, end) -> tuple[int, Numbers]:
    """Finished requests to the provincial platform, and the events they delivered with their
    lag (through the index of ``OutboxEvent.last_delivery``)."""
    numbers: Numbers = Counter()
    deliveries = _time_window(UpstreamDelivery.objects.all(), "finished_at", start, end)
    finished = list(deliveries.values_list("id", "finished_at", "outcome"))
    for _pk, moment, outcome in finished:
        numbers[(DELIVERIES, local_day(moment), NO_DEPARTMENT, "")] += 1
        if outcome in FAILED_OUTCOMES:
            numbers[(DELIVERIES_FAILED, local_day(moment), NO_DEPARTMENT, "")] += 1
    read = len(finished)
    ids = [pk for pk, _moment, _outcome in finished]
    for offset in range(0, len(ids), 1000):
        events = OutboxEvent.objects.filter(
            last_delivery_id__in=ids[offset : offset + 1000],
            status=OutboxStatus.DELIVERED,
            delivered_at__isnull=False,
        ).values_list("created_at", "delivered_at")
        for created_at, delivered_at in events.iterator(chunk_size=5000):
            read += 1
            day = local_day(delivered_at)
            numbers[(EVENTS_DELIVERED, day, NO_DEPARTMENT, "")] += 1
            lag = max(int((delivered_at - created_at).total_seconds()), 0)
            numbers[(EVENTS_LAG_SECONDS, day, NO_DEPARTMENT, "")] += lag
    return read, numbers


def collect_dead_events(start, end) -> tuple[int, Numbers]:
    numbers: Numbers = Counter()
    rows = _time_window(
        OutboxEvent.objects.filter(status=OutboxStatus.DEAD), "dead_at", start, end
    ).values_list("dead_at", flat=True)
    read = 0
    for moment in rows.iterator(chunk_size=2000):
        read += 1
        numbers[(EVENTS_DEAD, local_day(moment), NO_DEPARTMENT, "")] += 1
    return read, numbers


SOURCES: tuple[Source, ...] = (
    Source("records", True, collect_records, CreditRecord),
    Source("submissions", False, collect_submissions),
    Source("checks", False, collect_checks),
    Source("feedback", True, collect_feedback, CheckFeedback),
    Source("queries", True, collect_queries, ProfileQuery),
    Source(
        "objections_filed", False, _collect_filed(Objection, OBJECTION, "filed_at", "department_id")
    ),
    Source(
        "objections_decided",
        False,
        _collect_decided(Objection, OBJECTION, "decided_at", "department_id"),
    ),
    Source("repairs_filed", False, _collect_filed(Repair, REPAIR, "applied_at", "department_id")),
    Source(
        "repairs_decided", False, _collect_decided(Repair, REPAIR, "decided_at", "department_id")
    ),
    Source(
        "tipoffs_filed", False, _collect_filed(TipOff, TIPOFF, "filed_at", "routed_department_id")
    ),
    Source(
        "tipoffs_answered",
        False,
        _collect_decided(TipOff, TIPOFF, "answered_at", "routed_department_id"),
    ),
    Source("events_created", True, collect_events_created, OutboxEvent),
    Source("deliveries", False, collect_deliveries),
    Source("events_dead", False, collect_dead_events),
    Source("workplan_reports", False, collect_workplan_reports),
)
