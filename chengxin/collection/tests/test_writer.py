"""Records and versions written as plain rows: ``COPY`` on PostgreSQL, ``executemany`` anywhere,
the same values either way; the content hash of prepared rows."""

from __future__ import annotations

import datetime
import hashlib
import json
import pickle
from decimal import Decimal

import pytest
from django.db import connection

from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.collection.ingest.checked_rows import (
    NAME_HASH_PURPOSE,
    GoodRow,
    content_hash,
    stored_values_text,
)
from chengxin.collection.ingest.writer import (
    NewRecord,
    VersionRow,
    WriteContext,
    records_insert,
    versions_insert,
)
from chengxin.collection.lifecycle import RecordDates
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.collection.tests.factories import id_number, penalty_item
from chengxin.core import crypto
from chengxin.core.json import canonical, dumps
from chengxin.identity.services import subject_get_or_create

pytestmark = pytest.mark.django_db

WRITERS = [False, True] if connection.vendor == "postgresql" else [False]
NOW = datetime.datetime(2026, 11, 28, 6, 30, 15, 123456, tzinfo=datetime.UTC)


def _context(item) -> WriteContext:
    return WriteContext(
        department_id=item.departments.get().pk,
        item_id=item.pk,
        category=item.category,
        severity=item.severity,
        catalog_version_id=catalog_item_current_version(item).pk,
        submission_id=None,
        actor_id=None,
        now=NOW,
    )


def _written(record_id: int) -> tuple:
    record = CreditRecord.objects.get(pk=record_id)
    version = RecordVersion.objects.get(record=record)
    return (
        record.subject_id,
        record.subject_index,
        record.status,
        record.category,
        record.severity,
        record.decided_on,
        record.disclosure_ends_on,
        record.repairable_from,
        record.valid_until,
        record.disputed,
        record.current_version,
        record.status_changed_at,
        record.created_at,
        record.updated_at,
        version.subject_index,
        version.number,
        version.values,
        version.status,
        version.catalog_version_id,
        version.content_hash,
        version.valid_from,
        version.valid_to,
        version.recorded_at,
        version.superseded_at,
        version.recorded_by_id,
        version.submission_id,
    )


def test_both_writers_write_the_same_records_and_versions():
    # given
    item = penalty_item()
    context = _context(item)
    subject = subject_get_or_create(id_number=id_number(1), name="王小明", actor=None)
    dates = RecordDates(
        disclosure_ends_on=datetime.date(2029, 3, 1),
        repairable_from=datetime.date(2027, 3, 1),
        valid_until=None,
    )
    values_text = '{"case_no":"案-1\\t\\"引号\\"","amount":"12.50"}'
    written = {}

    for use_copy in WRITERS:
        record = NewRecord(
            source_id=f"S-{use_copy}",
            subject_id=subject.pk,
            subject_index=subject.blind_index,
            decided_on=datetime.date(2026, 3, 1),
            dates=dates,
            status="active",
        )

        # when
        (record_id,) = records_insert(context, [record], use_copy=use_copy)
        versions_insert(
            context,
            [
                VersionRow(
                    record_id=record_id,
                    subject_index=subject.blind_index,
                    number=1,
                    values_text=values_text,
                    status="active",
                    content_hash="a" * 64,
                    valid_from=datetime.date(2026, 3, 1),
                    valid_to=datetime.date(2029, 3, 1),
                )
            ],
            use_copy=use_copy,
        )
        written[use_copy] = _written(record_id)

    # then
    expected = (
        subject.pk,
        subject.blind_index,
        "active",
        item.category,
        item.severity,
        datetime.date(2026, 3, 1),
        datetime.date(2029, 3, 1),
        datetime.date(2027, 3, 1),
        None,
        False,
        1,
        NOW,
        NOW,
        NOW,
        subject.blind_index,
        1,
        {"case_no": '案-1\t"引号"', "amount": "12.50"},
        "active",
        context.catalog_version_id,
        "a" * 64,
        datetime.date(2026, 3, 1),
        datetime.date(2029, 3, 1),
        NOW,
        None,
        None,
        None,
    )
    assert all(values == expected for values in written.values())
    assert set(written) == set(WRITERS)


def test_records_get_their_ids_in_order():
    # given
    item = penalty_item()
    context = _context(item)
    subject = subject_get_or_create(id_number=id_number(1), actor=None)
    records = [
        NewRecord(
            source_id=f"S-{number}",
            subject_id=subject.pk,
            subject_index=subject.blind_index,
            decided_on=datetime.date(2026, 3, number),
            dates=RecordDates(None, None, None),
            status="active",
        )
        for number in (3, 1, 2)
    ]

    # when
    ids = records_insert(context, records)

    # then
    assert [CreditRecord.objects.get(pk=pk).source_id for pk in ids] == ["S-3", "S-1", "S-2"]


def test_the_content_hash_is_that_of_the_canonical_content():
    # given: values of every type a row can hold, Chinese text and characters JSON escapes
    cleaned = {
        "source_id": "S-1",
        "id_number": id_number(1),
        "name": "王小明",
        "decided_on": datetime.date(2026, 3, 1),
        "amount": Decimal("12.50"),
        "count": 3,
        "public": True,
        "note": '备注 "引号" \\ 换行\n',
    }
    subject_index = crypto.blind_index(id_number(1))
    kept = {key: value for key, value in cleaned.items() if key not in ("id_number", "name")}
    content = {
        "values": json.loads(dumps(kept)),
        "subject": subject_index,
        "name": crypto.blind_index("王小明", purpose=NAME_HASH_PURPOSE),
    }

    # when
    values_text = stored_values_text(cleaned)
    digest = content_hash(values_text, subject_index=subject_index, name="王小明")

    # then
    assert json.loads(values_text) == content["values"]
    assert digest == hashlib.sha256(canonical(content)).hexdigest()


def test_the_content_hash_of_a_row_without_a_name():
    # given
    cleaned = {"source_id": "S-1", "decided_on": datetime.date(2026, 3, 1)}
    subject_index = crypto.blind_index(id_number(2))
    content = {"values": {"source_id": "S-1", "decided_on": "2026-03-01"}}
    content.update(subject=subject_index, name="")

    # when
    digest = content_hash(stored_values_text(cleaned), subject_index=subject_index, name="")

    # then
    assert digest == hashlib.sha256(canonical(content)).hexdigest()


@pytest.mark.parametrize(
    "value",
    [
        "控制\x01字符\x1f、\u2028分隔、\t制表",
        Decimal("-0.00"),
        datetime.date(1900, 1, 1),
        False,
        0,
        # Not a type row validation gives: written by the canonical encoder.
        datetime.datetime(2026, 3, 1, 8, 30, tzinfo=datetime.UTC),
        ["a", 1],
    ],
)
def test_the_stored_values_text_is_the_canonical_text(value):
    # given
    cleaned = {"z_last": "末", "source_id": "S-1", "id_number": id_number(1), "value": value}
    kept = {key: item for key, item in cleaned.items() if key != "id_number"}

    # when
    text = stored_values_text(cleaned)

    # then
    assert text == canonical(kept).decode("utf-8")


def test_a_good_row_survives_pickling():
    # given
    good = GoodRow(
        row=7,
        source_id="S-7",
        id_number=id_number(7),
        name="王小明",
        decided_on=datetime.date(2026, 3, 1),
        subject_index="ab" * 32,
        values_text='{"source_id":"S-7"}',
        content_hash="cd" * 32,
        subject_id=12,
    )

    # when
    copy = pickle.loads(pickle.dumps(good, protocol=pickle.HIGHEST_PROTOCOL))  # noqa: S301

    # then
    assert copy == good
