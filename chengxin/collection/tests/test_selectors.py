from datetime import date

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.choices import RecordStatus, SubmissionChannel, SubmissionStatus
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.models import Submission
from chengxin.collection.selectors import (
    QuarantineFilters,
    RecordFilters,
    quarantine_list_visible_to,
    quarantine_original_values,
    record_list_visible_to,
)
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import (
    ITEM_CODE,
    other_department,
    penalty_item,
    provider,
    row,
)

pytestmark = pytest.mark.django_db


def _submit(user, rows, *, key="k1", item_code=ITEM_CODE):
    return submission_create(
        actor=user,
        department=user.department,
        item_code=item_code,
        operation="upsert",
        records=rows,
        idempotency_key=key,
        channel=SubmissionChannel.API,
        today=date(2026, 3, 10),
    )


@pytest.fixture
def two_departments():
    """A record and a rejected row from each of two departments providing the same item."""
    health = other_department()
    item = penalty_item()
    item.departments.add(health)
    tax_provider = provider()
    health_provider = provider(department=health)
    _submit(tax_provider, [row("T-1"), row("T-2", authority="")])
    _submit(health_provider, [row("H-1", sequence=3), row("H-2", authority="")])
    return tax_provider, health_provider


@pytest.mark.parametrize(
    ("viewer", "records", "rejected"),
    [
        ("tax", ["T-1"], ["T-2"]),
        ("health", ["H-1"], ["H-2"]),
        (Role.REVIEWER, ["H-1", "T-1"], ["H-2", "T-2"]),
        (Role.AUDITOR, [], []),
        (Role.ADMIN, [], []),
        (Role.CITIZEN, [], []),
    ],
)
def test_records_and_quarantine_are_scoped_to_the_viewer(
    two_departments, viewer, records, rejected
):
    # given
    tax_provider, health_provider = two_departments
    user = {"tax": tax_provider, "health": health_provider}.get(viewer) or staff_user(viewer)
    # when
    visible = record_list_visible_to(user=user, filters=RecordFilters())
    quarantined = quarantine_list_visible_to(user=user, filters=QuarantineFilters())
    # then
    assert sorted(record.source_id for record in visible) == records
    assert sorted(entry.source_id for entry in quarantined) == rejected


def test_record_filters_narrow_the_list(two_departments):
    # given
    reviewer = staff_user(Role.REVIEWER)
    # when
    by_source = record_list_visible_to(user=reviewer, filters=RecordFilters(source_id="H-1"))
    revoked = record_list_visible_to(
        user=reviewer, filters=RecordFilters(status=RecordStatus.REVOKED)
    )
    # then
    assert [record.source_id for record in by_source] == ["H-1"]
    assert list(revoked) == []


def test_quarantine_keeps_the_original_values_for_the_provider(two_departments):
    # given
    tax_provider, _health_provider = two_departments
    entry = quarantine_list_visible_to(user=tax_provider, filters=QuarantineFilters()).get()
    # when
    values = quarantine_original_values(entry)
    # then
    assert values == row("T-2", authority="")
    assert [(error["row"], error["field"], error["code"]) for error in entry.errors] == [
        (2, "authority", row_error_codes.FIELD_REQUIRED)
    ]
    assert set(entry.errors[0]) == {"row", "field", "code", "message", "message_en"}


def test_a_failed_first_attempt_runs_again_with_the_same_key(monkeypatch):
    # given
    penalty_item()
    user = provider()

    def broken(batch):
        raise RuntimeError("database went away")

    monkeypatch.setattr("chengxin.collection.ingest.batch.upsert_rows", broken)
    with pytest.raises(RuntimeError):
        _submit(user, [row("S-1")])
    failed = Submission.objects.get()
    monkeypatch.undo()
    # when
    answer = _submit(user, [row("S-1")])
    # then
    assert failed.status == SubmissionStatus.FAILED
    assert answer.submission_id == failed.pk
    assert (answer.status, answer.accepted) == (SubmissionStatus.COMPLETED, 1)
    assert Submission.objects.get().status == SubmissionStatus.COMPLETED
