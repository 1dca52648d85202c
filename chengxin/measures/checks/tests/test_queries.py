"""The number of queries of one check over the API does not grow with the person's records or
with the catalog (the rules are read once per process and change; one query for the records)."""

from __future__ import annotations

import datetime

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengxin.measures.checks.tests.factories import check_body, post_check
from chengxin.measures.snapshot import rules_snapshot_forget
from chengxin.measures.tests.factories import MORAL_MODEL, TAX_SERIOUS, submit, tax_measure, today

pytestmark = pytest.mark.django_db


def _queries_of_a_check(client, headers, sequence: int) -> list[str]:
    with CaptureQueriesContext(connection) as captured:
        response = post_check(client, headers, check_body(sequence))
    assert response.status_code == 200, response.content
    return [query["sql"] for query in captured.captured_queries]


def test_a_check_asks_the_same_queries_for_one_record_or_many(client, items, tax_officer):
    # given
    _user, headers = tax_officer
    tax_measure()
    rules_snapshot_forget()
    submit(TAX_SERIOUS, source_id="A-1", decided_on=today() - datetime.timedelta(30), sequence=1)
    for position in range(1, 6):
        for code in (TAX_SERIOUS, MORAL_MODEL):
            submit(
                code,
                source_id=f"B-{position}",
                decided_on=today() - datetime.timedelta(30 * position),
                sequence=2,
            )
    _queries_of_a_check(client, headers, 3)  # the rules are read once
    # when
    one_record = _queries_of_a_check(client, headers, 1)
    ten_records = _queries_of_a_check(client, headers, 2)
    # then
    # Token, subject, rules stamp, records, the records' statements; four policy reads (cached
    # outside a transaction, not in a test); savepoint, check, measures found, audit event and
    # its row in the sealer's queue, release.
    assert len(one_record) == 15
    assert len(ten_records) == len(one_record)
    record_queries = [
        sql
        for sql in one_record
        if "collection_creditrecord" in sql and "objections_objectionstatement" not in sql
    ]
    assert len(record_queries) == 1
    assert not any("measures_measure" in sql and "MAX(" not in sql for sql in one_record)
