"""Working days on the official Chinese calendar (SPEC §8: deadlines count working days).

Whether a day is a working day is answered by the first source that knows it:

1. the ``CalendarDay`` table, entered by the system administrator from the State Council's
   annual holiday notice; an entry overrides the package for its date;
2. the ``chinese-calendar`` package, for the years it was released with;
3. Monday to Friday, for a year neither knows. ``calendar_missing_years`` names those years so
   that staff are warned (``selectors.calendar_warnings``) until the table is filled.

Counting rule (see ``docs/calendar.md``): the day a period starts from is not counted, as in
Chinese administrative law. ``add_working_days(day, n)`` is the n-th working day after ``day``,
so "within N working days of D" means on or before ``add_working_days(D, N)``.
``working_days_between(start, end)`` counts the working days after ``start`` up to and
including ``end``, so ``working_days_between(D, add_working_days(D, N)) == N``.

Days are plain dates in Asia/Shanghai (``django.utils.timezone.localdate()``); a datetime is
refused, because its date depends on a time zone the caller must choose.
"""

from __future__ import annotations

import calendar as gregorian
import datetime
import functools
from collections.abc import Iterable
from dataclasses import dataclass

import chinese_calendar

from chengxin.core.choices import CalendarDayKind, CalendarSource
from chengxin.core.models import CalendarDay
from chengxin.core.policy_registry import ProcessSnapshot

ONE_DAY = datetime.timedelta(days=1)
_LAST_WEEKDAY = 4  # Friday, with Monday as 0


@dataclass(frozen=True)
class CalendarTable:
    """The ``CalendarDay`` table as read at one moment: working or not, per date and year."""

    working: dict[datetime.date, bool]
    years: frozenset[int]


def _load_table() -> CalendarTable:
    rows = CalendarDay.objects.values_list("date", "kind")
    working = {day: kind == CalendarDayKind.WORKING_DAY for day, kind in rows}
    return CalendarTable(working=working, years=frozenset(day.year for day in working))


_TABLE = ProcessSnapshot(_load_table)


def invalidate_calendar_cache() -> None:
    """Drop this process's copy of the table (called by the services that change it)."""
    _TABLE.invalidate()


def is_working_day(day: datetime.date) -> bool:
    """Whether ``day`` is a working day in mainland China."""
    return _is_working(_checked(day), _TABLE.get())


def calendar_source(day: datetime.date) -> CalendarSource:
    """Which source answers for ``day``: the table, the package, or the Monday–Friday fallback."""
    day = _checked(day)
    if day in _TABLE.get().working:
        return CalendarSource.TABLE
    if _package_answer(day) is not None:
        return CalendarSource.PACKAGE
    return CalendarSource.WEEKDAYS


def add_working_days(start: datetime.date, days: int) -> datetime.date:
    """The ``days``-th working day after ``start`` (``start`` itself is never counted).

    ``add_working_days(start, 0)`` is ``start``. A negative count is a programming error.
    """
    day = _checked(start)
    if days < 0:
        raise ValueError("add_working_days counts forward; days must not be negative.")
    table = _TABLE.get()
    remaining = days
    while remaining:
        day += ONE_DAY
        if _is_working(day, table):
            remaining -= 1
    return day


def working_days_between(start: datetime.date, end: datetime.date) -> int:
    """The number of working days after ``start`` up to and including ``end``.

    Zero when ``end == start``; negative (the same count, reversed) when ``end`` is before
    ``start``, so an overdue case reads as a negative number of days left.
    """
    return _between(_checked(start), _checked(end), _TABLE.get())


def working_days_between_each(
    start: datetime.date, ends: Iterable[datetime.date]
) -> dict[datetime.date, int]:
    """``working_days_between(start, end)`` for each of ``ends``, reading the table once (a page
    of deadlines costs one query however many rows it shows)."""
    start = _checked(start)
    table = _TABLE.get()
    return {end: _between(start, end, table) for end in {_checked(end) for end in ends}}


def _between(start: datetime.date, end: datetime.date, table: CalendarTable) -> int:
    if end < start:
        return -_between(end, start, table)
    span = (end - start).days
    return sum(_is_working(start + ONE_DAY * offset, table) for offset in range(1, span + 1))


def calendar_known(year: int) -> bool:
    """Whether the official schedule of ``year`` is known (the table has entries, or the package)."""
    return year in _TABLE.get().years or _package_knows(year)


def calendar_missing_years(*, today: datetime.date, ahead: int = 1) -> list[int]:
    """The years from ``today``'s to ``ahead`` years later whose schedule is unknown.

    Working days in these years are counted Monday to Friday until the table is filled.
    """
    table = _TABLE.get()
    years = range(today.year, today.year + ahead + 1)
    return [year for year in years if year not in table.years and not _package_knows(year)]


def add_months(day: datetime.date, months: int) -> datetime.date:
    """``day`` moved by ``months`` calendar months, kept inside the target month.

    31 January plus one month is the last day of February; 29 February plus twelve months is
    28 February.
    """
    month_index = day.year * 12 + (day.month - 1) + months
    year, month = divmod(month_index, 12)
    last_day = gregorian.monthrange(year, month + 1)[1]
    return day.replace(year=year, month=month + 1, day=min(day.day, last_day))


def _checked(day: datetime.date) -> datetime.date:
    if isinstance(day, datetime.datetime) or not isinstance(day, datetime.date):
        raise TypeError("Working-day functions take a date (use timezone.localdate()).")
    return day


def _is_working(day: datetime.date, table: CalendarTable) -> bool:
    listed = table.working.get(day)
    if listed is not None:
        return listed
    package = _package_answer(day)
    if package is not None:
        return package
    return day.weekday() <= _LAST_WEEKDAY


@functools.lru_cache(maxsize=8192)
def _package_answer(day: datetime.date) -> bool | None:
    """The package's answer for ``day``, or ``None`` for a year it was not released with."""
    try:
        return chinese_calendar.is_workday(day)
    except NotImplementedError:
        return None


@functools.lru_cache(maxsize=256)
def _package_knows(year: int) -> bool:
    return _package_answer(datetime.date(year, 1, 1)) is not None
