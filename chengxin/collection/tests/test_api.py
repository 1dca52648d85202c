"""Scenarios through the real HTTP API with Bearer tokens."""

import io
from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from openpyxl import load_workbook

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection import error_codes
from chengxin.collection.choices import Outcome, RecordStatus, SubmissionStatus
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.models import CreditRecord, QuarantineEntry, RecordVersion, Submission
from chengxin.collection.selectors import (
    RecordFilters,
    record_as_of,
    record_list_visible_to,
    subject_records_as_of,
)
from chengxin.collection.tests.factories import (
    ITEM_CODE,
    bearer,
    id_number,
    other_department,
    penalty_item,
    provider,
    row,
)
from chengxin.core import crypto
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

SUBMISSIONS = "/api/v1/submissions"


def _post(client, headers, records, *, key="key-1", operation="upsert", item=ITEM_CODE):
    body = {"catalog_item": item, "operation": operation, "records": records}
    return client.post(
        SUBMISSIONS,
        body,
        content_type="application/json",
        HTTP_IDEMPOTENCY_KEY=key,
        **headers,
    )


def test_good_and_bad_rows_together_keep_every_good_row_and_report_every_bad_one(
    client, tax_provider
):
    # given
    _user, headers = tax_provider
    rows = [
        row("S-1"),
        row("S-2", sequence=3, decided_on="2026年13月1日", authority=""),
        row("S-3", sequence=5),
    ]
    # when
    response = _post(client, headers, rows)
    # then
    assert response.status_code == 200
    answer = response.json()
    assert (answer["received"], answer["accepted"], answer["rejected"]) == (3, 2, 1)
    assert answer["status"] == SubmissionStatus.COMPLETED
    assert [(error["row"], error["field"], error["code"]) for error in answer["errors"]] == [
        (2, "decided_on", row_error_codes.DATE_INVALID),
        (2, "authority", row_error_codes.FIELD_REQUIRED),
    ]
    assert [
        (result["row"], result["version"], result["outcome"]) for result in answer["results"]
    ] == [
        (1, 1, Outcome.CREATED),
        (3, 1, Outcome.CREATED),
    ]
    assert sorted(CreditRecord.objects.values_list("source_id", flat=True)) == ["S-1", "S-3"]
    entry = QuarantineEntry.objects.get()
    assert (entry.row_number, entry.source_id, len(entry.errors)) == (2, "S-2", 2)
    assert id_number(3).encode() not in bytes(entry.values_ciphertext)


def test_versions_hold_no_id_number_or_name_in_clear(client, tax_provider):
    # given
    _user, headers = tax_provider
    # when
    _post(client, headers, [row("S-1")])
    # then
    version = RecordVersion.objects.get()
    assert set(version.values) == {"source_id", "decided_on", "authority", "document_no", "case_no"}
    record = CreditRecord.objects.get()
    assert record.subject_index == crypto.blind_index(id_number(1))
    assert record.disclosure_ends_on.isoformat() == "2027-03-01"
    assert record.repairable_from.isoformat() == "2026-06-01"


def test_same_key_and_body_creates_nothing_and_answers_the_stored_result(client, tax_provider):
    # given
    _user, headers = tax_provider
    first = _post(client, headers, [row("S-1")])
    # when
    second = _post(client, headers, [row("S-1")])
    # then
    assert second.status_code == 200
    assert second.json() == first.json()
    assert Submission.objects.count() == 1
    assert RecordVersion.objects.count() == 1
    assert AuditEvent.objects.filter(object_type="collection.submission").count() == 1


def test_same_key_with_another_body_is_refused(client, tax_provider):
    # given
    _user, headers = tax_provider
    _post(client, headers, [row("S-1")])
    # when
    response = _post(client, headers, [row("S-1", case_no="案-2")])
    # then
    assert response.status_code == 422
    assert response.json()["code"] == error_codes.IDEMPOTENCY_KEY_REUSED
    assert RecordVersion.objects.count() == 1


def test_same_key_while_the_first_is_running_is_a_conflict(client, tax_provider):
    # given
    user, headers = tax_provider
    _post(client, headers, [row("S-1")])
    Submission.objects.update(status=SubmissionStatus.RUNNING)
    # when
    response = _post(client, headers, [row("S-1")])
    # then
    assert response.status_code == 409
    assert response.json()["code"] == error_codes.SUBMISSION_IN_PROGRESS


def test_changed_row_makes_version_two_and_keeps_version_one(client, tax_provider):
    # given
    _user, headers = tax_provider
    _post(client, headers, [row("S-1")], key="k1")
    # when
    unchanged = _post(client, headers, [row("S-1")], key="k2")
    changed = _post(client, headers, [row("S-1", case_no="案-2")], key="k3")
    # then
    assert unchanged.json()["results"][0]["outcome"] == Outcome.UNCHANGED
    assert changed.json()["results"][0]["outcome"] == Outcome.UPDATED
    assert changed.json()["results"][0]["version"] == 2
    versions = list(RecordVersion.objects.order_by("number"))
    assert [(version.number, version.values["case_no"]) for version in versions] == [
        (1, "案-1"),
        (2, "案-2"),
    ]
    assert versions[0].superseded_at == versions[1].recorded_at
    assert versions[1].superseded_at is None
    assert CreditRecord.objects.get().current_version == 2


def test_as_of_read_returns_version_one_before_version_two(client, tax_provider):
    # given
    _user, headers = tax_provider
    _post(client, headers, [row("S-1")], key="k1")
    between = timezone.now()
    _post(client, headers, [row("S-1", case_no="案-2")], key="k2")
    record = CreditRecord.objects.get()
    # when
    then_version = record_as_of(record=record, moment=between)
    now_version = record_as_of(record=record, moment=timezone.now())
    before = record_as_of(record=record, moment=between - timedelta(days=1))
    file_then = subject_records_as_of(subject_index=record.subject_index, moment=between)
    # then
    assert (then_version.number, now_version.number, before) == (1, 2, None)
    assert [version.number for version in file_then] == [1]


def test_revoke_takes_the_record_out_of_the_active_file_at_once(client, tax_provider):
    # given
    user, headers = tax_provider
    _post(client, headers, [row("S-1"), row("S-2", sequence=3)], key="k1")
    # when
    response = _post(
        client,
        headers,
        [{"source_id": "S-1"}, {"source_id": "S-9"}],
        key="k2",
        operation="revoke",
    )
    # then
    answer = response.json()
    assert [(result["row"], result["outcome"]) for result in answer["results"]] == [
        (1, Outcome.REVOKED)
    ]
    assert [(error["row"], error["code"]) for error in answer["errors"]] == [
        (2, error_codes.RECORD_NOT_FOUND)
    ]
    active = record_list_visible_to(user=user, filters=RecordFilters(status=RecordStatus.ACTIVE))
    assert [record.source_id for record in active] == ["S-2"]
    revoked = CreditRecord.objects.get(source_id="S-1")
    assert (revoked.status, revoked.current_version) == (RecordStatus.REVOKED, 2)


def test_a_later_accepted_row_clears_its_quarantine_entry(client, tax_provider):
    # given
    _user, headers = tax_provider
    _post(client, headers, [row("S-1", authority="")], key="k1")
    # when
    _post(client, headers, [row("S-1")], key="k2")
    # then
    entry = QuarantineEntry.objects.get()
    assert entry.cleared_at is not None
    assert entry.cleared_by_submission == Submission.objects.get(idempotency_key="k2")


def test_another_departments_item_is_forbidden_and_nothing_is_written(client):
    # given
    penalty_item()
    user = provider(department=other_department())
    headers = bearer(user)
    # when
    response = _post(client, headers, [row("S-1")])
    # then
    assert response.status_code == 403
    assert response.json()["code"] == error_codes.ITEM_NOT_PROVIDED_BY_DEPARTMENT
    assert Submission.objects.count() == 0
    assert CreditRecord.objects.count() == 0


def test_more_rows_than_the_policy_allows_are_refused(client, tax_provider, settings):
    # given
    from chengxin.core.services import policy_value_set

    _user, headers = tax_provider
    policy_value_set(name="submission.api_max_rows", value=1, actor=None, reason="测试上限")
    # when
    response = _post(client, headers, [row("S-1"), row("S-2", sequence=3)])
    # then
    assert response.status_code == 422
    assert response.json()["code"] == error_codes.SUBMISSION_TOO_MANY_ROWS
    assert Submission.objects.count() == 0


def test_errors_endpoint_lists_rejected_rows_with_their_original_values(client, tax_provider):
    # given
    _user, headers = tax_provider
    answer = _post(client, headers, [row("S-1", authority="")]).json()
    # when
    response = client.get(f"{SUBMISSIONS}/{answer['submission_id']}/errors", **headers)
    # then
    assert response.status_code == 200
    rejected = response.json()["rows"]
    assert [(line["row"], line["source_id"], line["values"]["authority"]) for line in rejected] == [
        (1, "S-1", "")
    ]
    assert [error["code"] for error in rejected[0]["errors"]] == [row_error_codes.FIELD_REQUIRED]


def test_errors_endpoint_gives_csv_with_formulas_neutralised(client, tax_provider):
    # given
    _user, headers = tax_provider
    answer = _post(client, headers, [row("S-2", authority="", case_no="=1+1")]).json()
    # when
    response = client.get(f"{SUBMISSIONS}/{answer['submission_id']}/errors?format=csv", **headers)
    # then
    assert response.status_code == 200
    assert response["Content-Type"] == "text/csv; charset=utf-8"
    lines = response.content.decode("utf-8-sig").splitlines()
    assert "S-2" in lines[1]
    assert "'=1+1" in lines[1]
    assert row_error_codes.FIELD_REQUIRED in lines[1]


def test_queries_of_a_resubmission_do_not_grow_with_the_rows(client, tax_provider):
    # given
    _user, headers = tax_provider
    small = [row(f"S-{n}", sequence=2 * n + 1) for n in range(2)]
    large = [row(f"S-{n}", sequence=2 * n + 1) for n in range(10)]
    _post(client, headers, large, key="k0")
    changed_small = [dict(values, case_no="案-2") for values in small]
    changed_large = [dict(values, case_no="案-3") for values in large]
    # when
    with CaptureQueriesContext(connection) as small_queries:
        _post(client, headers, changed_small, key="k1")
    with CaptureQueriesContext(connection) as large_queries:
        _post(client, headers, changed_large, key="k2")
    # then
    assert len(large_queries) == len(small_queries)


def test_a_submission_writes_one_audit_event_with_the_counts_only(client, tax_provider):
    # given
    user, headers = tax_provider
    # when
    answer = _post(client, headers, [row("S-1"), row("S-2", sequence=3, authority="")]).json()
    # then
    event = AuditEvent.objects.get(object_type="collection.submission")
    assert (event.action, event.object_id, event.actor_id) == (
        "create",
        str(answer["submission_id"]),
        user.pk,
    )
    assert event.detail == {
        "item": ITEM_CODE,
        "operation": "upsert",
        "channel": "api",
        "catalog_version": 1,
        "received": 2,
        "accepted": 1,
        "rejected": 1,
        "outcomes": {"created": 1},
    }


def _make_user(kind: str):
    if kind == "provider_same":
        return provider()
    if kind == "provider_other":
        return provider(department=other_department())
    if kind == "officer_same":
        return staff_user(Role.OFFICER)
    return staff_user(kind)


POST_MATRIX = [
    ("anonymous", 401),
    ("unknown_token", 401),
    ("provider_same", 200),
    ("provider_other", 403),
    ("officer_same", 403),
    (Role.REVIEWER, 403),
    (Role.AUDITOR, 403),
    (Role.ADMIN, 403),
]


@pytest.mark.parametrize(("kind", "status"), POST_MATRIX)
def test_permission_matrix_of_submitting(client, kind, status):
    # given
    penalty_item()
    headers = {}
    if kind == "unknown_token":
        headers = {"HTTP_AUTHORIZATION": "Bearer cx_not-a-real-token"}
    elif kind != "anonymous":
        headers = bearer(_make_user(kind))
    # when
    response = _post(client, headers, [row("S-1")])
    # then
    assert response.status_code == status
    assert Submission.objects.count() == (1 if status == 200 else 0)
    assert CreditRecord.objects.count() == (1 if status == 200 else 0)


READ_MATRIX = [
    ("anonymous", 401),
    ("provider_same", 200),
    ("provider_other", 404),
    ("officer_same", 200),
    (Role.REVIEWER, 200),
    (Role.AUDITOR, 404),
    (Role.ADMIN, 404),
]


@pytest.mark.parametrize(("kind", "status"), READ_MATRIX)
@pytest.mark.parametrize("suffix", ["", "/errors"])
def test_permission_matrix_of_reading_a_submission(client, tax_provider, kind, status, suffix):
    # given
    _user, provider_headers = tax_provider
    answer = _post(client, provider_headers, [row("S-1")]).json()
    headers = {} if kind == "anonymous" else bearer(_make_user(kind))
    # when
    response = client.get(f"{SUBMISSIONS}/{answer['submission_id']}{suffix}", **headers)
    # then
    assert response.status_code == status


def test_submission_status_shows_the_counts(client, tax_provider):
    # given
    _user, headers = tax_provider
    answer = _post(client, headers, [row("S-1"), row("S-2", sequence=3, authority="")]).json()
    # when
    response = client.get(f"{SUBMISSIONS}/{answer['submission_id']}", **headers)
    # then
    body = response.json()
    assert (body["status"], body["received"], body["accepted"], body["rejected"]) == (
        SubmissionStatus.COMPLETED,
        2,
        1,
        1,
    )
    assert (body["catalog_item"], body["operation"], body["channel"]) == (
        ITEM_CODE,
        "upsert",
        "api",
    )


def test_errors_endpoint_gives_xlsx_and_every_download_is_an_audited_export(client, tax_provider):
    # given
    user, headers = tax_provider
    answer = _post(client, headers, [row("S-1", authority="")]).json()
    url = f"{SUBMISSIONS}/{answer['submission_id']}/errors"
    # when
    response = client.get(f"{url}?format=xlsx", **headers)
    client.get(url, **headers)
    # then
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    lines = list(sheet.iter_rows(values_only=True))
    assert "S-1" in lines[1]
    exports = AuditEvent.objects.filter(action="export").order_by("pk")
    assert [(event.actor_id, event.detail) for event in exports] == [
        (user.pk, {"rejected_rows": 1, "format": "xlsx", "values": "clear"}),
        (user.pk, {"rejected_rows": 1, "format": "json", "values": "clear"}),
    ]


def test_a_revoked_record_sent_again_is_active_again_in_a_new_version(client, tax_provider):
    # given
    _user, headers = tax_provider
    _post(client, headers, [row("S-1")], key="k1")
    _post(client, headers, [{"source_id": "S-1"}], key="k2", operation="revoke")
    # when
    again = _post(client, headers, [row("S-1")], key="k3").json()
    # then
    assert [(result["version"], result["outcome"]) for result in again["results"]] == [
        (3, Outcome.UPDATED)
    ]
    record = CreditRecord.objects.get()
    assert record.status == RecordStatus.ACTIVE
    assert list(RecordVersion.objects.order_by("number").values_list("status", flat=True)) == [
        RecordStatus.ACTIVE,
        RecordStatus.REVOKED,
        RecordStatus.ACTIVE,
    ]


def test_a_submission_without_an_idempotency_key_is_refused(client, tax_provider):
    # given
    _user, headers = tax_provider
    body = {"catalog_item": ITEM_CODE, "operation": "upsert", "records": [row("S-1")]}
    # when
    response = client.post(SUBMISSIONS, body, content_type="application/json", **headers)
    # then
    assert (response.status_code, response.json()["code"]) == (422, "request_invalid")
    assert [(e["field"], e["code"]) for e in response.json()["errors"]] == [
        ("Idempotency-Key", "missing")
    ]
    assert Submission.objects.count() == 0
