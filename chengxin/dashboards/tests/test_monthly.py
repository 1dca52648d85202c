import datetime
import random
from collections import Counter

import pytest

from chengxin.dashboards.models import DailyMetric, MonthlyMetric
from chengxin.dashboards.selectors import metric_spans, summed
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.sources import Source

pytestmark = pytest.mark.django_db

D = datetime.date
FIRST_DAY = D(2025, 11, 20)
DAYS = 130


def _numbers(seed: int, count: int) -> Counter:
    chosen = random.Random(seed)
    numbers = Counter()
    for _ in range(count):
        day = FIRST_DAY + datetime.timedelta(days=chosen.randrange(DAYS))
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
    assert metric_spans(start, end) == (days, months)


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


@pytest.mark.parametrize("seed", range(4))
def test_sums_over_any_period_are_those_of_the_days_in_it(seed):
    # given
    numbers = _numbers(seed, 400)
    _refresh_with(numbers)
    chosen = random.Random(seed)

    for _ in range(25):
        # when: any period, per key and per department
        start = FIRST_DAY + datetime.timedelta(days=chosen.randrange(-5, DAYS))
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
