import pytest
from django.db import connection

from chengxin.accounts.models import Department
from chengxin.core.paging import bounded_count

pytestmark = pytest.mark.django_db


def _parallel_workers() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SHOW max_parallel_workers_per_gather")
        return cursor.fetchone()[0]


def test_bounded_count_counts_up_to_the_bound():
    # given
    before = Department.objects.count()
    Department.objects.bulk_create(
        Department(code=f"T{number:03}", name=f"测试部门{number}") for number in range(5)
    )

    # then
    assert bounded_count(Department.objects.order_by().values("pk")[: before + 3]) == before + 3
    assert bounded_count(Department.objects.order_by().values("pk")[: before + 50]) == before + 5


@pytest.mark.skipif(connection.vendor != "postgresql", reason="a PostgreSQL planner setting")
def test_bounded_count_leaves_the_parallel_workers_setting_of_the_connection_alone():
    # given
    setting = _parallel_workers()

    # when
    bounded_count(Department.objects.order_by().values("pk")[:10])

    # then: SET LOCAL ended with the count's own transaction (or savepoint's outer one)
    assert _parallel_workers() == setting
