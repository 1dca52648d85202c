import datetime

import pytest
from django.core.management import call_command
from django.utils import timezone

from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import penalty_item, tax_department
from chengxin.dashboards import sources as m
from chengxin.dashboards.models import DailyMetric, SourceWatermark
from chengxin.dashboards.services import dashboards_rebuild, dashboards_refresh
from chengxin.dashboards.tests.factories import settle_at_once, submit
from chengxin.dashboards.worker import DashboardsRefreshClock

pytestmark = pytest.mark.django_db


def _value(measure: str) -> int:
    return sum(DailyMetric.objects.filter(measure=measure).values_list("value", flat=True))


def _read(results, source: str) -> int:
    return next(result.rows_read for result in results if result.source == source)


def test_a_refresh_counts_records_received_and_rejected_rows():
    # given
    penalty_item()
    settle_at_once()
    submit(3, bad=2)
    # when
    dashboards_refresh()
    # then
    assert _value(m.RECORDS) == 3
    assert _value(m.RECEIVED) == 5
    assert _value(m.ACCEPTED) == 3
    assert _value(m.REJECTED) == 2
    assert _value(m.SUBMISSIONS) == 1
    metric = DailyMetric.objects.get(measure=m.RECORDS)
    assert (metric.department_id, metric.key) == (tax_department().pk, "tax-penalty")
    assert metric.day == timezone.localdate()


def test_the_second_refresh_reads_only_the_rows_written_after_the_first():
    # given: a first refresh over 4 records
    penalty_item()
    settle_at_once()
    submit(4)
    first = dashboards_refresh()
    # when: 2 more records, then a second refresh
    submit(2)
    second = dashboards_refresh()
    third = dashboards_refresh()
    # then: each refresh read only its new rows and the totals are those of all rows
    assert _read(first, "records") == 4
    assert _read(second, "records") == 2
    assert _read(third, "records") == 0
    assert _read(second, "submissions") == 1
    assert _read(third, "submissions") == 0
    assert _value(m.RECORDS) == CreditRecord.objects.count() == 6
    assert _value(m.SUBMISSIONS) == 2
    mark = SourceWatermark.objects.get(source="records")
    assert mark.position_id == CreditRecord.objects.order_by("-id").first().id
    assert mark.rows_read == 0


def test_rows_written_within_the_settle_time_wait_for_a_later_refresh():
    # given: the default settle time (5 minutes) and records written just now
    penalty_item()
    submit(3)
    # when
    early = dashboards_refresh()
    later = dashboards_refresh(now=timezone.now() + datetime.timedelta(minutes=6))
    # then
    assert _read(early, "records") == 0
    assert _read(later, "records") == 3
    assert _value(m.RECORDS) == 3


def test_incremental_totals_equal_a_rebuild_and_the_command_refreshes():
    # given
    penalty_item()
    settle_at_once()
    submit(2, bad=1)
    dashboards_refresh()
    submit(3, bad=1)
    call_command("dashboards", "refresh", stdout=open("/dev/null", "w"))  # noqa: SIM115
    incremental = sorted(DailyMetric.objects.values_list("measure", "key", "value"))
    # when
    dashboards_rebuild()
    # then
    assert sorted(DailyMetric.objects.values_list("measure", "key", "value")) == incremental
    assert _value(m.RECORDS) == 5
    assert _value(m.REJECTED) == 2


@pytest.mark.django_db(transaction=True)
def test_the_worker_clock_refreshes_at_once_when_it_starts():
    # given
    penalty_item()
    settle_at_once()
    submit(2)
    clock = DashboardsRefreshClock(period=3600)

    # when: started and stopped at once, it has run its first step
    clock.start()
    clock.stop()

    # then
    assert _value(m.RECORDS) == 2
    assert SourceWatermark.objects.exists()
