"""The public site's queries are served by indexes: no full scan of the records on PostgreSQL.

With sequential scans disabled the planner still takes one where no index can serve the query,
so a ``Seq Scan`` of the records or subjects in the plan means a missing index. Skipped unless the
suite runs on PostgreSQL (``CHENGXIN_TEST_POSTGRES=1`` or ``DATABASE_URL``, scripts/test.sh).
"""

from __future__ import annotations

import datetime
import json

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection, transaction

from chengxin.portal import selectors
from chengxin.portal.selectors import (
    RED,
    SERIOUS,
    ListFilters,
    count_query,
    disclosed_records,
    filtered_records,
    merged_item_ids,
    page_query,
    publicly_disclosed_of,
)
from chengxin.portal.tests.factories import (
    MORAL_MODEL,
    OUTSTANDING_TEACHER,
    OUTSTANDING_VOLUNTEER,
    disclose,
    disclose_many,
    list_items,
    positive_items,
)
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
    items = public_list.items()
    records_ = filtered_records(public_list, filters, today=today(), items=items)
    item_ids = merged_item_ids(public_list, filters, items=items)

    # then: the page, its bounded count
    _assert_indexed(page_query(records_, start=40, item_ids=item_ids))
    _assert_indexed(count_query(records_))


def _analyzed(queryset) -> dict:
    """The plan of ``queryset`` run (``EXPLAIN (ANALYZE, FORMAT JSON)``) with sequential scans,
    bitmap scans and sorts off: on a few rows the planner would read them all and sort them,
    so what is shown is whether an index gives the order itself, as the planner uses it at
    size (bench/partitions.py prints the plans at 400,000 records and more)."""
    sql, params = queryset.query.sql_with_params()
    with transaction.atomic(), connection.cursor() as cursor:
        for setting in ("enable_seqscan", "enable_bitmapscan", "enable_sort"):
            cursor.execute(f"SET LOCAL {setting} = off")
        cursor.execute(f"EXPLAIN (ANALYZE, FORMAT JSON) {sql}", params)
        found = cursor.fetchone()[0]
    return (json.loads(found) if isinstance(found, str) else found)[0]["Plan"]


def _index_reads(node: dict, index: str) -> list[int]:
    """The entries each scan of ``index`` under ``node`` (a plan of ``EXPLAIN (ANALYZE, FORMAT
    JSON)``) read: the rows it returned and those its filter removed."""
    reads = []
    if node.get("Index Name") == index:
        loops = node.get("Actual Loops", 1)
        reads.append(node["Actual Rows"] * loops + node.get("Rows Removed by Filter", 0))
    for child in node.get("Plans", []):
        reads += _index_reads(child, index)
    return reads


def test_a_red_list_page_reads_each_item_only_as_deep_as_the_page(monkeypatch):
    # given: pages of two entries; two red items, and newer records of a positive item on no
    # list, which a walk of the positive records in decision order would pass first
    positive_items()
    start = today() - datetime.timedelta(days=300)
    decided = [start + datetime.timedelta(days=offset) for offset in range(48)]
    disclose_many(OUTSTANDING_TEACHER, decided[8:], prefix="T", sequence=405)
    disclose_many(MORAL_MODEL, decided[:8], prefix="M", sequence=401)
    disclose_many(OUTSTANDING_VOLUNTEER, decided[:8], prefix="V", sequence=403)
    monkeypatch.setattr(selectors, "PAGE_SIZE", 2)
    items = RED.items()
    records_ = filtered_records(RED, ListFilters(), today=today(), items=items)
    item_ids = merged_item_ids(RED, ListFilters(), items=items)

    # when: the third page (entries 5 and 6, and one more)
    plan = _analyzed(page_query(records_, start=4, item_ids=item_ids))

    # then: each item's entries read in the list's index, at most the 7 up to the page's end
    reads = _index_reads(plan, "collection_positive_by_item")
    assert len(reads) == 2, plan
    assert max(reads) <= 7, plan


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
