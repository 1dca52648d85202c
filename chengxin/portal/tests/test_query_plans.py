"""The public site's queries are served by indexes: no full scan of the records on PostgreSQL.

With sequential scans disabled the planner still takes one where no index can serve the query,
so a ``Seq Scan`` of the records or subjects in the plan means a missing index. Skipped unless the
suite runs on PostgreSQL (``CHENGXIN_TEST_POSTGRES=1`` or ``DATABASE_URL``, scripts/test.sh).
"""

from __future__ import annotations

import datetime

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction

from chengxin.portal.selectors import (
    MAX_RESULTS,
    RED,
    SERIOUS,
    ListFilters,
    disclosed_records,
    filtered_records,
    page_query,
    publicly_disclosed_of,
)
from chengxin.portal.tests.factories import MORAL_MODEL, disclose, list_items
from chengxin.portal.tests.factories import local_today as today

pytestmark = [
    pytest.mark.django_db,
    pytest.mark.skipif(connection.vendor != "postgresql", reason="query plans of PostgreSQL"),
]

SCANNED_TABLES = ("collection_creditrecord", "identity_subject")


@pytest.fixture
def records():
    list_items()
    for number in range(5):
        disclose(source_id=f"S-{number}", sequence=200 + number, name=f"计划{number}")
        disclose(MORAL_MODEL, source_id=f"R-{number}", sequence=300 + number, name=f"红{number}")


def _plan(queryset) -> str:
    try:
        sql, params = queryset.query.sql_with_params()
    except EmptyResultSet:  # a filter that matches no item: no query is sent at all
        return ""
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute(f"EXPLAIN {sql}", params)
        return "\n".join(row[0] for row in cursor.fetchall())


def _assert_indexed(queryset) -> None:
    plan = _plan(queryset)
    for table in SCANNED_TABLES:
        assert f"Seq Scan on {table}" not in plan, plan


FILTERS = [
    ListFilters(),
    ListFilters(name="计划1"),
    ListFilters(domain="tax", item_code="major-tax-violation"),
    ListFilters(department_code="tax"),
    ListFilters(
        decided_from=datetime.date(2025, 1, 1), decided_to=datetime.date(2026, 12, 31), name="x"
    ),
]


@pytest.mark.parametrize("filters", FILTERS)
@pytest.mark.parametrize("public_list", [SERIOUS, RED], ids=["serious", "red"])
def test_list_pages_and_searches_use_indexes(records, public_list, filters):
    # given
    records_ = filtered_records(public_list, filters, today=today())

    # then: the page, its bounded count
    _assert_indexed(page_query(records_, start=40))
    _assert_indexed(records_.values("pk")[: MAX_RESULTS + 1])


def test_an_entry_is_read_by_its_key(records):
    # given
    first = disclosed_records(SERIOUS, today=today()).first()

    # then
    _assert_indexed(disclosed_records(SERIOUS, today=today()).filter(pk=first.pk))


def test_the_public_query_reads_one_persons_records_by_index(
    records, django_assert_max_num_queries
):
    # given
    first = disclosed_records(SERIOUS, today=today()).first()

    # then
    with django_assert_max_num_queries(8):
        assert publicly_disclosed_of(subject_index=first.subject_index, today=today())
