"""The data-quality scoreboard (SPEC §4, §12): per department and catalog item, the rows
received, accepted and rejected, the rejected rows by error code, the last submission and
whether the department is late for the item's update frequency.

Pure reads in a fixed number of queries, whatever the number of submissions: one aggregate of
the completed submissions, one of the quarantined rows per error code, one of the expected
(department, item) pairs and one of the departments and items named. Lateness rule
(``docs/data-quality.md``):

- real-time and daily items are due again one working day after the last submission's date
  (``chengxin.core.calendar``), so a Friday delivery is on time until Monday ends;
- the other frequencies are due ``UpdateFrequency.days`` calendar days after it (weekly 7,
  monthly 31, quarterly 92, yearly 366: the longest length of the period);
- an item is late when ``today`` is after its due date; an expected item (an active item the
  department provides) that was never submitted is late, since every frequency is regular;
- a pair that is no longer expected (the item was withdrawn from the department or disabled)
  still shows its history but is never late.

Only completed submissions count, in the totals and in the last submission alike; quarantined
rows count when their submission completed. A row is counted once per error code it carries,
so a row with two problems appears under both codes.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import Count, Max, Sum
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.accounts.permissions import (
    can_view_all_data_quality,
    can_view_data_quality,
    is_staff_member,
)
from chengxin.catalog.choices import UpdateFrequency
from chengxin.catalog.models import CatalogItem
from chengxin.collection.choices import SubmissionStatus
from chengxin.collection.models import QuarantineEntry, Submission
from chengxin.core.calendar import add_working_days
from chengxin.core.errors import NotFoundError, PermissionDeniedError

QUALITY_ROLE_REQUIRED = "quality_role_required"
QUALITY_DEPARTMENT_NOT_FOUND = "quality_department_not_found"

# Frequencies whose next delivery is due after working days rather than calendar days.
WORKING_DAY_FREQUENCIES = frozenset({UpdateFrequency.REALTIME, UpdateFrequency.DAILY})


@dataclass(frozen=True)
class ErrorCodeCount:
    """Quarantined rows carrying ``code``: all of them, and those not yet cleared."""

    code: str
    rows: int
    open: int


@dataclass(frozen=True)
class QualityRow:
    department_code: str
    department_name: str
    item_code: str
    item_name: str
    update_frequency: str
    update_frequency_label: str
    expected: bool
    submissions: int
    received: int
    accepted: int
    rejected: int
    last_submission_at: datetime.datetime | None
    due_on: datetime.date | None
    late: bool
    overdue_days: int | None = None
    rejected_by_code: list[ErrorCodeCount] = field(default_factory=list)


@dataclass(frozen=True)
class QualityScope:
    """What a viewer may see: every department, or just one."""

    all_departments: bool
    department_id: int | None = None


def quality_scope_of(user) -> QualityScope:
    """The part of the scoreboard ``user`` may see (``chengxin.accounts.permissions``).

    The credit office sees every department; a provider or officer of another department sees
    its own department. Everyone else is refused.
    """
    if can_view_all_data_quality(user):
        return QualityScope(all_departments=True)
    if can_view_data_quality(user, user.department if is_staff_member(user) else None):
        return QualityScope(all_departments=False, department_id=user.department_id)
    raise _role_required()


def quality_department_for(*, user, code: str = "") -> Department | None:
    """The department whose rows ``user`` asks for: ``None`` for all departments.

    A viewer bound to its department always gets its own (asking for another is refused); a
    credit-office viewer gets the department named by ``code``, or all when ``code`` is empty.
    """
    scope = quality_scope_of(user)
    if not scope.all_departments:
        own = user.department
        if code and code != own.code:
            raise PermissionDeniedError(
                QUALITY_ROLE_REQUIRED,
                _("只能查看本部门的数据质量。"),
                "Only your own department's data quality may be viewed.",
            )
        return own
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise NotFoundError(
            QUALITY_DEPARTMENT_NOT_FOUND,
            _("没有该代码的部门，请核对部门代码。"),
            "No department has this code; please check the code.",
        )
    return department


def quality_department_choices() -> list[Department]:
    """The departments a credit-office viewer may pick: active ones, by code."""
    return list(Department.objects.filter(is_active=True).order_by("code"))


def quality_scoreboard(
    *, department: Department | None = None, today: datetime.date | None = None
) -> list[QualityRow]:
    """The scoreboard rows, of one department or of all, ordered by department and item.

    ``today`` (local date, default now) is the day lateness is judged on.
    """
    today = today or timezone.localdate()
    department_id = department.pk if department is not None else None

    totals = _submission_totals(department_id=department_id)
    codes = _rejected_by_code(department_id=department_id)
    expected = _expected_pairs(department_id=department_id)

    pairs = set(totals) | set(codes) | expected
    departments = Department.objects.in_bulk({pair[0] for pair in pairs})
    items = CatalogItem.objects.in_bulk({pair[1] for pair in pairs})

    rows = []
    for department_pk, item_pk in pairs:
        dept, item = departments[department_pk], items[item_pk]
        total = totals.get((department_pk, item_pk), {})
        last = total.get("last")
        is_expected = (department_pk, item_pk) in expected
        due_on = due_date(frequency=item.update_frequency, last_submission_at=last)
        late = is_expected and (due_on is None or today > due_on)
        rows.append(
            QualityRow(
                department_code=dept.code,
                department_name=dept.name,
                item_code=item.code,
                item_name=item.name,
                update_frequency=item.update_frequency,
                update_frequency_label=str(item.get_update_frequency_display()),
                expected=is_expected,
                submissions=total.get("submissions", 0),
                received=total.get("received") or 0,
                accepted=total.get("accepted") or 0,
                rejected=total.get("rejected") or 0,
                last_submission_at=last,
                due_on=due_on,
                late=late,
                overdue_days=(today - due_on).days if late and due_on is not None else None,
                rejected_by_code=codes.get((department_pk, item_pk), []),
            )
        )
    rows.sort(key=lambda row: (row.department_code, row.item_code))
    return rows


def due_date(
    *, frequency: str, last_submission_at: datetime.datetime | None
) -> datetime.date | None:
    """The last day on which the next submission is on time; ``None`` if none was ever made."""
    if last_submission_at is None:
        return None
    last_day = timezone.localdate(last_submission_at)
    if frequency in WORKING_DAY_FREQUENCIES:
        return add_working_days(last_day, 1)
    return last_day + datetime.timedelta(days=UpdateFrequency(frequency).days)


def _submission_totals(*, department_id: int | None) -> dict[tuple[int, int], dict]:
    submissions = Submission.objects.filter(status=SubmissionStatus.COMPLETED)
    if department_id is not None:
        submissions = submissions.filter(department_id=department_id)
    aggregated = (
        submissions.values("department_id", "item_id")
        .annotate(
            submissions=Count("id"),
            received=Sum("received"),
            accepted=Sum("accepted"),
            rejected=Sum("rejected"),
            last=Max("created_at"),
        )
        .order_by()
    )
    return {(row["department_id"], row["item_id"]): row for row in aggregated}


def _rejected_by_code(*, department_id: int | None) -> dict[tuple[int, int], list[ErrorCodeCount]]:
    """Quarantined rows per (department, item, error code), unnesting the JSON list of errors
    in the database (``json_each`` on SQLite, ``jsonb_array_elements`` on PostgreSQL)."""
    quarantine = QuarantineEntry._meta.db_table
    submission = Submission._meta.db_table
    if connection.vendor == "postgresql":
        elements, code = "jsonb_array_elements(q.errors) AS e", "e->>'code'"
    else:
        elements, code = "json_each(q.errors) AS e", "json_extract(e.value, '$.code')"
    where, params = "s.status = %s", [SubmissionStatus.COMPLETED.value]
    if department_id is not None:
        where += " AND q.department_id = %s"
        params.append(department_id)
    sql = (
        f"SELECT q.department_id, q.item_id, {code} AS code, COUNT(DISTINCT q.id), "  # noqa: S608
        "COUNT(DISTINCT CASE WHEN q.cleared_at IS NULL THEN q.id END) "
        f"FROM {quarantine} q JOIN {submission} s ON s.id = q.submission_id "
        f"CROSS JOIN {elements} WHERE {where} GROUP BY q.department_id, q.item_id, {code} "
        "ORDER BY q.department_id, q.item_id, 4 DESC, 3"
    )
    found: dict[tuple[int, int], list[ErrorCodeCount]] = {}
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        for department_pk, item_pk, error_code, rows, still_open in cursor.fetchall():
            found.setdefault((department_pk, item_pk), []).append(
                ErrorCodeCount(code=error_code or "", rows=rows, open=still_open)
            )
    return found


def _expected_pairs(*, department_id: int | None) -> set[tuple[int, int]]:
    """(department, item) pairs the catalog expects: active items and their active providers."""
    through = CatalogItem.departments.through.objects.filter(
        catalogitem__is_active=True, department__is_active=True
    )
    if department_id is not None:
        through = through.filter(department_id=department_id)
    return set(through.values_list("department_id", "catalogitem_id"))


def _role_required() -> PermissionDeniedError:
    return PermissionDeniedError(
        QUALITY_ROLE_REQUIRED,
        _("数据质量只对信用办和各报送部门开放。"),
        "Data quality is open to the credit office and to each providing department.",
    )
