import pytest
from django.utils import timezone

from chengxin.dashboards import sources as m
from chengxin.dashboards.models import DailyMetric
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.tests.factories import settle_at_once
from chengxin.dueprocess.objections.tests.factories import filed, people, record

pytestmark = pytest.mark.django_db


def test_filed_objections_are_counted_once_under_their_department():
    # given: two objections of the tax department, refreshed twice
    accounts = people()
    settle_at_once()
    filed(accounts.citizen, record(accounts.provider, source_id="S-1"))
    first = dashboards_refresh()
    filed(accounts.citizen, record(accounts.provider, source_id="S-2"))
    # when
    second = dashboards_refresh()
    # then
    metric = DailyMetric.objects.get(measure=m.CASES_FILED)
    assert (metric.key, metric.value, metric.day) == (m.OBJECTION, 2, timezone.localdate())
    assert metric.department_id == accounts.provider.department_id
    read = {result.source: result.rows_read for result in first + second}
    assert [r.rows_read for r in first if r.source == "objections_filed"] == [1]
    assert [r.rows_read for r in second if r.source == "objections_filed"] == [1]
    assert read["objections_decided"] == 0
