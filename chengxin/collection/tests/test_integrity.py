"""The references without a database constraint (docs/adr/0002) and their check."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command
from django.db import connection

from chengxin.collection.choices import SubmissionChannel
from chengxin.collection.integrity import dangling_references, unenforced_references
from chengxin.collection.models import CreditRecord, RecordVersion
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import ITEM_CODE, penalty_item, provider, row

pytestmark = pytest.mark.django_db


def record_create() -> CreditRecord:
    penalty_item()
    user = provider()
    submission_create(
        actor=user,
        department=user.department,
        item_code=ITEM_CODE,
        operation="upsert",
        records=[row("S-1")],
        idempotency_key="k1",
        channel=SubmissionChannel.API,
    )
    return CreditRecord.objects.get(source_id="S-1")


def test_the_unenforced_references_are_the_per_chunk_parents():
    names = {(field.model.__name__, field.name) for field in unenforced_references()}

    assert names == {
        ("CreditRecord", "department"),
        ("CreditRecord", "item"),
        ("RecordVersion", "catalog_version"),
        ("RecordVersion", "recorded_by"),
        ("RecordVersion", "submission"),
    }


def test_a_clean_database_has_no_dangling_reference():
    record_create()

    assert all(reference.count == 0 for reference in dangling_references())
    output = io.StringIO()
    call_command("integrity", stdout=output)
    assert "所有引用均完整" in output.getvalue()


def test_a_version_whose_submission_was_removed_outside_the_platform_is_reported():
    record = record_create()
    version = RecordVersion.objects.get(record=record)
    missing = 10_000_000
    with connection.cursor() as cursor:
        cursor.execute(
            f"UPDATE {RecordVersion._meta.db_table} SET submission_id = %s WHERE id = %s",
            [missing, version.pk],
        )

    counts = {(r.table, r.column): r.count for r in dangling_references()}

    assert counts[(RecordVersion._meta.db_table, "submission_id")] == 1
    assert counts[(CreditRecord._meta.db_table, "department_id")] == 0
    output = io.StringIO()
    with pytest.raises(CommandError, match="1行"):
        call_command("integrity", stdout=output)
    assert f"{RecordVersion._meta.db_table}.submission_id" in output.getvalue()
