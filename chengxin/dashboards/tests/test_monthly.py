import datetime
import random
from collections import Counter

import pytest
from django.utils import timezone

from chengxin.dashboards.models import DailyMetric, MonthlyMetric
from chengxin.dashboards.selectors import Spans, metric_spans, summed
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.sources import Source

pytestmark = pytest.mark.django_db

D = datetime.date
FIRST_DAY = D(2025, 11, 20)
DAYS = 130


def _numbers(seed: int, count: int, *, first_day: datetime.date = FIRST_DAY) -> Counter:
    chosen = random.Random(seed)
    numbers = Counter()
    for _ in range(count):
        day = first_day + datetime.timedelta(days=chosen.randrange(DAYS))
        key = ("m1", day, chosen.choice([0, 7, 9]), chosen.choice(["", "a", "b"]))
        numbers[key] += chosen.randint(1, 5)
    return numbers


def _refresh_with(*batches: Counter) -> None:
    """Fold ``batches`` into the summary tables, one refresh each, as a source would."""
    for number, batch in enumerate(batches):
        source = Source(
            name="test", by_id=False, collect=lambda start, end, batch=batch: (1, batch)
        )
        dashboards_refresh(
            sources=(source,), now=datetime.datetime(2026, 4, 1 + number, tzinfo=datetime.UTC)
        )


@pytest.mark.parametrize(
    ("start", "end", "days", "months"),
    [
        (D(2026, 1, 1), D(2026, 1, 31), [], (D(2026, 1, 1), D(2026, 1, 1))),
        (D(2026, 1, 2), D(2026, 1, 31), [(D(2026, 1, 2), D(2026, 1, 31))], None),
        (D(2026, 1, 1), D(2026, 1, 30), [(D(2026, 1, 1), D(2026, 1, 30))], None),
        (
            D(2025, 12, 8),
            D(2026, 12, 7),
            [(D(2025, 12, 8), D(2025, 12, 31)), (D(2026, 12, 1), D(2026, 12, 7))],
            (D(2026, 1, 1), D(2026, 11, 1)),
        ),
        (D(2024, 2, 1), D(2024, 2, 29), [], (D(2024, 2, 1), D(2024, 2, 1))),
        (D(2026, 3, 5), D(2026, 3, 5), [(D(2026, 3, 5), D(2026, 3, 5))], None),
        (
            D(2025, 12, 31),
            D(2026, 2, 1),
            [(D(2025, 12, 31), D(2025, 12, 31)), (D(2026, 2, 1), D(2026, 2, 1))],
            (D(2026, 1, 1), D(2026, 1, 1)),
        ),
    ],
)
def test_a_period_is_read_as_whole_months_and_the_days_around_them(start, end, days, months):
    assert metric_spans(start, end) == Spans(days=days, months=months, minus=[])


@pytest.mark.parametrize(
    ("start", "end", "days", "months", "minus"),
    [
        # a year to today (8 December): the first month less its first days, the current month
        # less the days still to come
        (
            D(2025, 12, 9),
            D(2026, 12, 8),
            [],
            (D(2025, 12, 1), D(2026, 12, 1)),
            [(D(2025, 12, 1), D(2025, 12, 8)), (D(2026, 12, 9), D(2026, 12, 31))],
        ),
        # a month less its first day; a few days stay days
        (D(2026, 1, 2), D(2026, 1, 31), [], (D(2026, 1, 1), D(2026, 1, 1)), [(D(2026, 1, 1),) * 2]),
        (D(2026, 3, 5), D(2026, 3, 9), [(D(2026, 3, 5), D(2026, 3, 9))], None, []),
        # within one month, the days on both sides taken off
        (
            D(2026, 3, 2),
            D(2026, 3, 30),
            [],
            (D(2026, 3, 1), D(2026, 3, 1)),
            [(D(2026, 3, 1), D(2026, 3, 1)), (D(2026, 3, 31), D(2026, 3, 31))],
        ),
        # the last days of a month stay days, the next month less its last day
        (
            D(2025, 12, 30),
            D(2026, 1, 30),
            [(D(2025, 12, 30), D(2025, 12, 31))],
            (D(2026, 1, 1), D(2026, 1, 1)),
            [(D(2026, 1, 31), D(2026, 1, 31))],
        ),
    ],
)
def test_sums_may_read_a_month_less_the_days_outside_the_period(start, end, days, months, minus):
    spans = metric_spans(start, end, subtract=True, today=D(2026, 12, 8))
    assert spans == Spans(days=days, months=months, minus=minus)


def test_the_monthly_rows_hold_the_sums_of_the_daily_rows():
    # when: two refreshes, the second adding to rows of the first
    _refresh_with(_numbers(1, 300), _numbers(2, 300))

    # then
    expected = Counter()
    for row in DailyMetric.objects.all():
        expected[(row.day.replace(day=1), row.department_id, row.key)] += row.value
    assert {
        (row.month, row.department_id, row.key): row.value for row in MonthlyMetric.objects.all()
    } == dict(expected)


@pytest.mark.parametrize(
    ("seed", "around_today"),
    [(0, False), (1, False), (2, False), (3, False), (4, True), (5, True)],
)
def test_sums_over_any_period_are_those_of_the_days_in_it(seed, around_today):
    # given: rows on days in the past, or on days before and after today (a month read whole is
    # taken less the days after today, which are counted as holding nothing: here some do)
    first_day = (
        timezone.localdate() - datetime.timedelta(days=DAYS - 40) if around_today else FIRST_DAY
    )
    numbers = _numbers(seed, 400, first_day=first_day)
    _refresh_with(numbers)
    chosen = random.Random(seed)

    for _ in range(25):
        # when: any period, per key and per month
        start = first_day + datetime.timedelta(days=chosen.randrange(-5, DAYS))
        end = start + datetime.timedelta(days=chosen.randrange(0, 120))
        by_key = summed(measures=["m1"], start=start, end=end, by=("key",))
        by_month = summed(measures=["m1"], start=start, end=end, by=("period",), per_month=True)

        # then
        key_sums, month_sums = Counter(), Counter()
        for (_measure, day, _department, key), value in numbers.items():
            if start <= day <= end:
                key_sums[(key,)] += value
                month_sums[(day.replace(day=1),)] += value
        assert by_key == dict(key_sums), (start, end)
        assert by_month == dict(month_sums), (start, end)
