"""ID numbers and over-long text in what a provider sends besides the ID-number column.

File names, idempotency keys, the values of the other fields, unknown field names and headers
are kept in clear (the submission, its versions, its warnings, the audit log): an ID number in
them is refused or masked, never kept. A file named after a person used to commit its rows and
then stay ``failed`` at 99 %, its audit event refused.
"""

from __future__ import annotations

from datetime import date

import pytest

from chengxin.catalog.selectors import catalog_item_table_schema
from chengxin.catalog.tests.factories import make_item, own_field
from chengxin.collection.choices import SubmissionStatus
from chengxin.collection.ingest import row_error_codes
from chengxin.collection.ingest.imports import file_import_run
from chengxin.collection.ingest.rows import RowValidator
from chengxin.collection.ingest.uploads import file_upload_create
from chengxin.collection.limits import (
    FILE_NAME_MAX_LENGTH,
    IDEMPOTENCY_KEY_MAX_LENGTH,
    RECORD_TEXT_MAX_LENGTH,
)
from chengxin.collection.models import CreditRecord, QuarantineEntry, RecordVersion, Submission
from chengxin.collection.tests.factories import ITEM_CODE, csv_bytes, row, upload, valid_rows
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.identity.synthetic import synthetic_id_number

pytestmark = pytest.mark.django_db

SUBMISSIONS = "/api/v1/submissions"
# Valid for the platform, though python-stdnum's ``ric.is_valid`` rejects it: the county code
# 230208 is younger than its holder.
COUNTY_RENAMED = synthetic_id_number(region_code="230208", birth_date=date(1970, 1, 1), sequence=1)
MASKED = "230208********0013"


def _post(client, headers, records, *, key="key-1", operation="upsert"):
    body = {"catalog_item": ITEM_CODE, "operation": operation, "records": records}
    return client.post(
        SUBMISSIONS, body, content_type="application/json", HTTP_IDEMPOTENCY_KEY=key, **headers
    )


def _stored_texts() -> str:
    """Everything of the submissions kept in clear, as one text."""
    parts = [
        str(list(Submission.objects.values_list("idempotency_key", "file_name", "response"))),
        str(list(Submission.objects.values_list("file_errors", "file_warnings"))),
        str(list(RecordVersion.objects.values_list("values", flat=True))),
        str(list(CreditRecord.objects.values_list("source_id", flat=True))),
        str(list(QuarantineEntry.objects.values_list("source_id", "errors"))),
        str(list(AuditEvent.objects.values_list("object_id", "detail"))),
    ]
    return "".join(parts)


# --- file names -------------------------------------------------------------------------------


@pytest.mark.parametrize("name", [f"{COUNTY_RENAMED}.csv", f"处罚-{COUNTY_RENAMED.lower()}.csv"])
def test_an_upload_named_after_a_person_is_refused_before_anything_is_kept(
    client, tax_provider, name
):
    # given
    _user, headers = tax_provider

    # when
    response = upload(client, headers, csv_bytes(valid_rows(2)), name=name)

    # then
    assert (response.status_code, response.json()["code"]) == (422, "text_holds_id_number")
    assert [error["field"] for error in response.json()["errors"]] == ["file"]
    assert not Submission.objects.exists()
    assert COUNTY_RENAMED not in response.content.decode()


@pytest.mark.stores_id_number_on_purpose("a file name stored before names were checked")
def test_an_import_of_a_file_stored_under_a_persons_name_still_finishes(client, tax_provider):
    # given: a submission whose file name was stored before names were checked
    _user, headers = tax_provider
    answer = upload(client, headers, csv_bytes(valid_rows(2)))
    submission_id = answer.json()["submission_id"]
    Submission.objects.filter(pk=submission_id).update(file_name=f"{COUNTY_RENAMED}.csv")

    # when
    file_import_run(submission_id)

    # then
    submission = Submission.objects.get(pk=submission_id)
    assert (submission.status, submission.accepted) == (SubmissionStatus.COMPLETED, 2)
    assert submission.finished_at is not None
    event = AuditEvent.objects.get(object_type="collection.submission", action="create")
    assert event.detail["file"] == f"{MASKED}.csv"


def test_an_over_long_file_name_is_refused(tax_provider):
    # given: over HTTP, Django already cuts an uploaded file's name to 255 characters (and a
    # file system to 255 bytes), so only another caller of the service can send a longer one
    user, _headers = tax_provider

    # when
    with pytest.raises(DomainError) as refusal:
        file_upload_create(
            actor=user,
            department=user.department,
            item_code=ITEM_CODE,
            data=csv_bytes(valid_rows(1)),
            file_name="名" * (FILE_NAME_MAX_LENGTH - 3) + ".csv",
        )

    # then
    assert (refusal.value.status, refusal.value.code) == (422, "text_too_long")
    assert [error["field"] for error in refusal.value.details["errors"]] == ["file"]
    assert not Submission.objects.exists()


# --- idempotency keys -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("key", "code"),
    [
        (f"batch-{COUNTY_RENAMED}", "text_holds_id_number"),
        ("k" * (IDEMPOTENCY_KEY_MAX_LENGTH + 1), "request_invalid"),
    ],
    ids=["id-number", "too-long"],
)
def test_an_idempotency_key_with_an_id_number_or_over_its_limit_is_refused(
    client, tax_provider, key, code
):
    # given
    _user, headers = tax_provider

    # when
    response = _post(client, headers, [row()], key=key)

    # then
    assert (response.status_code, response.json()["code"]) == (422, code)
    assert [error["field"] for error in response.json()["errors"]] == ["Idempotency-Key"]
    assert not Submission.objects.exists()


def test_an_idempotency_key_at_its_limit_is_kept_whole(client, tax_provider):
    # given
    _user, headers = tax_provider
    key = "k" * IDEMPOTENCY_KEY_MAX_LENGTH

    # when
    response = _post(client, headers, [row()], key=key)

    # then
    assert response.status_code == 200, response.content
    assert Submission.objects.get().idempotency_key == key


# --- record values ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("authority", f"国家税务总局齐齐哈尔市税务局（当事人{COUNTY_RENAMED}）"),
        (
            "document_no",
            f"齐税罚〔2026〕{COUNTY_RENAMED[:6]} {COUNTY_RENAMED[6:14]} {COUNTY_RENAMED[14:]}",
        ),
        ("case_no", int(COUNTY_RENAMED)),
        ("name", f"王小明{COUNTY_RENAMED}"),
        ("source_id", COUNTY_RENAMED),
    ],
    ids=["authority", "document_no", "case_no-as-number", "name", "source_id"],
)
def test_a_row_with_an_id_number_in_another_field_is_rejected_and_the_good_rows_kept(
    client, tax_provider, field, value
):
    # given
    _user, headers = tax_provider
    rows = [
        row("S-1", sequence=1),
        {**row("S-2", sequence=2), field: value},
        row("S-3", sequence=3),
    ]

    # when
    response = _post(client, headers, rows)

    # then
    assert response.status_code == 200, response.content
    body = response.json()
    assert (body["accepted"], body["rejected"]) == (2, 1)
    assert [(error["row"], error["field"], error["code"]) for error in body["errors"]] == [
        (2, field, "text_holds_id_number")
    ]
    assert "第2行" in body["errors"][0]["message"]
    assert "不能包含身份证号码" in body["errors"][0]["message"]
    assert COUNTY_RENAMED not in response.content.decode()
    assert COUNTY_RENAMED not in _stored_texts()
    assert QuarantineEntry.objects.get().row_number == 2


def test_an_unknown_field_named_by_an_id_number_is_reported_masked(client, tax_provider):
    # given
    _user, headers = tax_provider

    # when
    response = _post(client, headers, [row(**{COUNTY_RENAMED: "x"})])

    # then
    errors = response.json()["errors"]
    assert [(error["field"], error["code"]) for error in errors] == [
        (MASKED, row_error_codes.FIELD_UNKNOWN)
    ]
    assert COUNTY_RENAMED not in response.content.decode()
    assert COUNTY_RENAMED not in _stored_texts()


def test_a_revocation_naming_a_source_id_with_an_id_number_is_rejected(client, tax_provider):
    # given
    _user, headers = tax_provider

    # when
    response = _post(client, headers, [{"source_id": COUNTY_RENAMED}], operation="revoke")

    # then
    assert [(error["field"], error["code"]) for error in response.json()["errors"]] == [
        ("source_id", "text_holds_id_number")
    ]
    assert QuarantineEntry.objects.get().source_id == ""
    assert COUNTY_RENAMED not in _stored_texts()


def test_a_file_whose_header_holds_an_id_number_warns_with_it_masked(client, tax_provider):
    # given: an extra column whose header is a number (a row of data taken for the header)
    _user, headers = tax_provider
    columns = ("source_id", "id_number", "name", "decided_on", "authority", "document_no")
    content = csv_bytes(valid_rows(1), header=(*columns, "case_no", COUNTY_RENAMED))

    # when
    answer = upload(client, headers, content)
    file_import_run(answer.json()["submission_id"])

    # then
    warnings = Submission.objects.get().file_warnings
    assert [warning["code"] for warning in warnings] == [row_error_codes.FILE_COLUMNS_UNKNOWN]
    assert MASKED in warnings[0]["message"]
    assert COUNTY_RENAMED not in _stored_texts()


def test_a_text_field_without_a_catalog_limit_has_the_platforms(tax_provider):
    # given: a field of the item with no maxLength
    item = make_item(
        code="notes-item",
        schema={"fields": [own_field("note", "说明", constraints={"required": False})]},
    )
    validator = RowValidator(catalog_item_table_schema(item), today=date(2026, 3, 10))
    values = {**row(), "note": "字" * (RECORD_TEXT_MAX_LENGTH + 1)}
    values.pop("case_no")

    # when
    result = validator.validate(values, row_number=2)
    at_limit = validator.validate({**values, "note": "字" * RECORD_TEXT_MAX_LENGTH}, row_number=3)

    # then
    assert [(error.field, error.code) for error in result.errors] == [
        ("note", row_error_codes.FIELD_MAX_LENGTH)
    ]
    assert at_limit.errors == []
