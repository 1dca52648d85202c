"""Reads of the dashboards: who may see what, the filters of a page, and the summary rows.

Who sees what (docs/dashboards.md): the dashboards hold counts only, no personal data. The
credit office (reviewers, and the providers and officers of the credit-office department), the
system administrator and the auditor see every department (the auditor oversees the platform's
use; the numbers change nothing); a provider or an officer of another department sees its own
department only; the security administrator manages accounts and sees none. Dashboards without
a department dimension (the exchange) are for those who see every department.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F, Q, QuerySet, Sum
from django.db.models.functions import TruncMonth
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import DEPARTMENT_ROLES, Role
from chengxin.accounts.models import Department
from chengxin.accounts.permissions import is_staff_member
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.dashboards import error_codes
from chengxin.dashboards.models import DailyMetric, MonthlyMetric

DEFAULT_PERIOD_DAYS = 30
MAX_PERIOD_DAYS = 731
# Up to this many days a time series is shown per day, beyond it per month.
DAILY_UP_TO_DAYS = 62
DATE_INPUT_MAX_LENGTH = 10
DEPARTMENT_CODE_MAX_LENGTH = 64
ALL_DEPARTMENT_ROLES = frozenset({Role.REVIEWER, Role.ADMIN, Role.AUDITOR})


@dataclass(frozen=True)
class DashboardScope:
    """What a viewer may see: every department, or only ``department``."""

    all_departments: bool
    department: Department | None = None


@dataclass(frozen=True)
class DashboardFilters:
    """A page's validated filters: the local days ``start``..``end`` (both included) and one
    department or all (``None``)."""

    start: datetime.date
    end: datetime.date
    department: Department | None

    @property
    def monthly(self) -> bool:
        return (self.end - self.start).days + 1 > DAILY_UP_TO_DAYS

    def query_string(self) -> str:
        code = self.department.code if self.department is not None else ""
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}&department={code}"


def can_see_all_departments(user) -> bool:
    if not is_staff_member(user):
        return False
    if user.role in ALL_DEPARTMENT_ROLES:
        return True
    return (
        user.role in DEPARTMENT_ROLES
        and user.department_id is not None
        and user.department.is_credit_office
    )


def can_view_dashboards(user) -> bool:
    """Whether ``user`` may open the dashboards at all (the staff menu asks this)."""
    if can_see_all_departments(user):
        return True
    return (
        is_staff_member(user) and user.role in DEPARTMENT_ROLES and user.department_id is not None
    )


def dashboard_scope_of(user) -> DashboardScope:
    if can_see_all_departments(user):
        return DashboardScope(all_departments=True)
    if can_view_dashboards(user):
        return DashboardScope(all_departments=False, department=user.department)
    raise PermissionDeniedError(
        error_codes.DASHBOARD_ROLE_REQUIRED,
        _("统计分析只对信用办、系统管理员、审计管理员和各部门开放。"),
        "The dashboards are open to the credit office, the system administrator, the auditor "
        "and each department.",
    )


def department_choices(scope: DashboardScope) -> list[Department]:
    if not scope.all_departments:
        return [scope.department] if scope.department is not None else []
    return list(Department.objects.filter(is_active=True).order_by("code"))


def _bad(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(code=code, message=message, message_en=message_en)


def _date(text: str, *, field: str, default: datetime.date) -> datetime.date:
    text = (text or "").strip()
    if not text:
        return default
    if len(text) > DATE_INPUT_MAX_LENGTH:
        text = text[:DATE_INPUT_MAX_LENGTH] + "…"
    try:
        return datetime.date.fromisoformat(text)
    except ValueError:
        raise _bad(
            error_codes.DASHBOARD_DATE_INVALID,
            _("“%(field)s”不是有效日期，请按“年-月-日”填写，例如 2026-01-31。") % {"field": field},
            f"{field} is not a valid date; use YYYY-MM-DD, e.g. 2026-01-31.",
        ) from None


def dashboard_filters(
    *, scope: DashboardScope, params, today: datetime.date | None = None
) -> DashboardFilters:
    """Validate a page's ``start``, ``end`` and ``department`` parameters.

    Defaults: the last 30 days to today, every department the viewer may see. Refused with a
    message naming the field: a date that is not one, an end before the start, a period over
    731 days, a department that does not exist or that the viewer may not see.
    """
    today = today or timezone.localdate()
    end = _date(params.get("end", ""), field=_("截止日期"), default=today)
    start = _date(
        params.get("start", ""),
        field=_("起始日期"),
        default=end - datetime.timedelta(days=DEFAULT_PERIOD_DAYS - 1),
    )
    if end < start:
        raise _bad(
            error_codes.DASHBOARD_PERIOD_INVALID,
            _("截止日期早于起始日期，请调整统计期间。"),
            "The end date is before the start date.",
        )
    if (end - start).days + 1 > MAX_PERIOD_DAYS:
        raise _bad(
            error_codes.DASHBOARD_PERIOD_INVALID,
            _("统计期间最长 %(days)s 天，请缩短期间。") % {"days": MAX_PERIOD_DAYS},
            f"The period may be at most {MAX_PERIOD_DAYS} days.",
        )
    return DashboardFilters(start=start, end=end, department=_department(scope, params))


def _department(scope: DashboardScope, params) -> Department | None:
    code = (params.get("department", "") or "").strip()[:DEPARTMENT_CODE_MAX_LENGTH]
    if not scope.all_departments:
        if code and code != scope.department.code:
            raise PermissionDeniedError(
                error_codes.DASHBOARD_DEPARTMENT_FORBIDDEN,
                _("只能查看本部门的统计。"),
                "Only your own department's figures may be viewed.",
            )
        return scope.department
    if not code:
        return None
    department = Department.objects.filter(code=code).first()
    if department is None:
        raise _bad(
            error_codes.DASHBOARD_DEPARTMENT_UNKNOWN,
            _("没有代码为“%(code)s”的部门，请从列表中选择部门。") % {"code": code},
            "No department has this code; pick one from the list.",
        )
    return department


def _next_month(day: datetime.date) -> datetime.date:
    return (day.replace(day=1) + datetime.timedelta(days=32)).replace(day=1)


DayRange = tuple[datetime.date, datetime.date]


@dataclass(frozen=True)
class Spans:
    """How a period is read from the summary rows: the monthly rows of ``months`` (the first days
    of the first and the last month, both included, or ``None``), plus the daily rows of
    ``days``, less the daily rows of ``minus`` (days of a month read whole that are outside the
    period). Day ranges include both ends."""

    days: list[DayRange]
    months: DayRange | None
    minus: list[DayRange]


def _month_end(month: datetime.date) -> datetime.date:
    if (month.year, month.month) == (datetime.MAXYEAR, 12):
        return datetime.date.max
    return _next_month(month) - datetime.timedelta(days=1)


def _length(span: DayRange, *, until: datetime.date | None = None) -> int:
    """The days of ``span`` (up to ``until``, when given)."""
    last = span[1] if until is None else min(span[1], until)
    return max((last - span[0]).days + 1, 0)


def _outside(month: datetime.date, inside: DayRange) -> list[DayRange]:
    """The days of ``month`` before and after ``inside``."""
    spans = []
    if inside[0] > month:
        spans.append((month, inside[0] - datetime.timedelta(days=1)))
    end = _month_end(month)
    if inside[1] < end:
        spans.append((inside[1] + datetime.timedelta(days=1), end))
    return spans


def metric_spans(
    start: datetime.date,
    end: datetime.date,
    *,
    subtract: bool = False,
    today: datetime.date | None = None,
) -> Spans:
    """How ``start``..``end`` (both included) is read: the whole months in it from the monthly
    rows, the days of a month it covers in part from the daily rows. With ``subtract`` (sums
    that are not shown per day), a month is read from its monthly row less the daily rows of
    its other days when those days are fewer (the days after ``today`` count for none: they
    hold no rows yet): a year to today reads the few days before the start in the first month
    instead of the many after it, and the current month's row (which holds the days up to the
    last refresh) less the days still to come instead of the days so far."""
    today = today or timezone.localdate()
    first_month, last_month = start.replace(day=1), end.replace(day=1)
    days: list[DayRange] = []
    minus: list[DayRange] = []
    whole = {}
    for month in dict.fromkeys((first_month, last_month)):
        inside = (max(start, month), min(end, _month_end(month)))
        outside = _outside(month, inside)
        cost = sum(_length(span, until=today) for span in outside)
        if not outside:
            whole[month] = True
        elif subtract and cost < _length(inside, until=today):
            whole[month] = True
            minus.extend(outside)
        else:
            whole[month] = False
            days.append(inside)
    low = first_month if whole[first_month] else _next_month(first_month)
    high = last_month
    if not whole[last_month]:
        high = (last_month - datetime.timedelta(days=1)).replace(day=1)
    return Spans(days=days, months=(low, high) if low <= high else None, minus=minus)


def _daily_rows(spans: list[DayRange], measures, per_month: bool) -> QuerySet:
    within = Q()
    for first, last in spans:
        within |= Q(day__gte=first, day__lte=last)
    period = TruncMonth("day") if per_month else F("day")
    return DailyMetric.objects.filter(within, measure__in=list(measures)).annotate(period=period)


def metric_rows(
    *,
    measures,
    start: datetime.date,
    end: datetime.date,
    department: Department | None = None,
    per_month: bool = False,
    subtract: bool = False,
) -> list[tuple[int, QuerySet]]:
    """The summary rows of ``measures`` that together hold ``start``..``end`` once, each
    queryset with its sign (``metric_spans``): the daily rows of the days outside months read
    whole (+1), the monthly rows (+1), and with ``subtract`` the daily rows of days of those
    months outside the period (-1). In each the column ``period`` is the day, or with
    ``per_month`` the month's first day."""
    spans = metric_spans(start, end, subtract=subtract)
    found = []
    if spans.days:
        found.append((1, _daily_rows(spans.days, measures, per_month)))
    if spans.months is not None:
        low, high = spans.months
        monthly = MonthlyMetric.objects.filter(
            measure__in=list(measures), month__gte=low, month__lte=high
        )
        found.append((1, monthly.annotate(period=F("month"))))
    if spans.minus:
        found.append((-1, _daily_rows(spans.minus, measures, per_month)))
    if department is not None:
        found = [(sign, rows.filter(department_id=department.pk)) for sign, rows in found]
    return found


def summed(
    *,
    measures,
    start: datetime.date,
    end: datetime.date,
    by: tuple[str, ...],
    department: Department | None = None,
    per_month: bool = False,
) -> dict[tuple, int]:
    """The sums of ``measures`` over ``start``..``end`` grouped by ``by`` (fields of the rows,
    and ``period``: the day, or with ``per_month`` the month's first day): an aggregate query
    of the daily rows, one of the monthly rows, and one of the days to take off the months
    read whole (none per day: a month's row cannot be split into days). A group whose sum is
    nought is left out, as it is when no row holds it."""
    subtract = per_month or "period" not in by
    sums: dict[tuple, int] = {}
    for sign, rows in metric_rows(
        measures=measures,
        start=start,
        end=end,
        department=department,
        per_month=per_month,
        subtract=subtract,
    ):
        for row in rows.values(*by).annotate(total=Sum("value")).order_by():
            found = tuple(_as_date(row[name]) if name == "period" else row[name] for name in by)
            sums[found] = sums.get(found, 0) + sign * row["total"]
    return {found: total for found, total in sums.items() if total}


def metric_sums(
    *, measures, filters: DashboardFilters, by: tuple[str, ...], department_field: bool = True
) -> dict[tuple, int]:
    """The sums of ``measures`` over the filters' period, grouped by ``measure`` and ``by``
    (``key``, ``department_id``)."""
    return summed(
        measures=measures,
        start=filters.start,
        end=filters.end,
        by=("measure", *by),
        department=filters.department if department_field else None,
    )


def metric_series(
    *,
    measures,
    filters: DashboardFilters,
    department_field: bool = True,
    by: tuple[str, ...] = ("measure",),
) -> dict[tuple, int]:
    """The sums of ``measures`` per day (or per month for a long period), grouped by ``by``
    then the period: ``(measure, period)`` by default."""
    if not filters.monthly:
        # A short period is shown per day: its daily rows only.
        rows = DailyMetric.objects.filter(
            measure__in=list(measures), day__gte=filters.start, day__lte=filters.end
        )
        if department_field and filters.department is not None:
            rows = rows.filter(department_id=filters.department.pk)
        grouped = rows.values(*by, "day").annotate(total=Sum("value")).order_by()
        return {(*(row[name] for name in by), row["day"]): row["total"] for row in grouped}
    return summed(
        measures=measures,
        start=filters.start,
        end=filters.end,
        by=(*by, "period"),
        department=filters.department if department_field else None,
        per_month=True,
    )


def _as_date(value) -> datetime.date:
    return value.date() if isinstance(value, datetime.datetime) else value


def periods_of(filters: DashboardFilters) -> list[datetime.date]:
    """Every day (or first day of a month) of the filters' period, in order."""
    if not filters.monthly:
        days = (filters.end - filters.start).days + 1
        return [filters.start + datetime.timedelta(days=offset) for offset in range(days)]
    months, current = [], filters.start.replace(day=1)
    while current <= filters.end:
        months.append(current)
        current = (current + datetime.timedelta(days=32)).replace(day=1)
    return months


def period_label(period: datetime.date, filters: DashboardFilters) -> str:
    return period.strftime("%Y-%m") if filters.monthly else period.isoformat()
