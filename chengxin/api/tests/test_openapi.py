"""The OpenAPI document as a contract: operation ids, every answer documented with the one problem
schema, the server's real required fields and limits, typed answers."""

from __future__ import annotations

import pytest

from chengxin.api.openapi import SHARED_ANSWERS
from chengxin.collection.limits import IDEMPOTENCY_KEY_MAX_LENGTH
from chengxin.core.policies import SUBMISSION_API_MAX
from chengxin.identity.validation import ID_NUMBER_INPUT_MAX_LENGTH
from chengxin.measures.checks.limits import (
    CASE_NO_MAX_LENGTH,
    FEEDBACK_REASON_MAX_LENGTH,
    MAX_IDS,
    PURPOSE_MAX_LENGTH,
)
from chengxin.measures.choices import Matter

OPENAPI = "/api/v1/openapi.json"
PROBLEM = "application/problem+json"
PROBLEM_REF = {"$ref": "#/components/schemas/Problem"}
OPERATION_IDS = {
    ("get", "/api/v1/catalog"): "catalog_list",
    ("get", "/api/v1/catalog/{code}"): "catalog_get",
    ("get", "/api/v1/catalog/{code}/template.xlsx"): "catalog_template_get",
    ("get", "/api/v1/me"): "me_get",
    ("post", "/api/v1/submissions"): "submissions_create",
    ("post", "/api/v1/submissions/upload"): "submissions_upload",
    ("get", "/api/v1/submissions/{submission_id}"): "submissions_get",
    ("post", "/api/v1/submissions/{submission_id}/retry"): "submissions_retry",
    ("get", "/api/v1/submissions/{submission_id}/errors"): "submissions_errors_list",
    ("get", "/api/v1/quality"): "quality_get",
    ("get", "/api/v1/profiles/purposes"): "profiles_purposes_list",
    ("post", "/api/v1/profiles"): "profiles_create",
    ("post", "/api/v1/reports"): "reports_create",
    ("get", "/api/v1/reports/verify/{code}"): "reports_verify",
    ("get", "/api/v1/reports/{number}.pdf"): "reports_pdf_get",
    ("post", "/api/v1/checks"): "checks_create",
    ("get", "/api/v1/checks/keys"): "checks_keys_list",
    ("post", "/api/v1/checks/verify"): "checks_verify",
    ("get", "/api/v1/checks/feedback-rates"): "checks_feedback_rates_list",
    ("post", "/api/v1/checks/batch"): "checks_batch_create",
    ("post", "/api/v1/checks/batch/upload"): "checks_batch_upload",
    ("get", "/api/v1/checks/batch/{batch_id}"): "checks_batch_get",
    ("get", "/api/v1/checks/batch/{batch_id}/result"): "checks_batch_result_get",
    ("get", "/api/v1/checks/{check_id}"): "checks_get",
    ("post", "/api/v1/checks/{check_id}/feedback"): "checks_feedback_create",
    ("post", "/api/v1/objections"): "objections_create",
    ("get", "/api/v1/objections"): "objections_list",
    ("get", "/api/v1/objections/{objection_id}"): "objections_get",
    ("post", "/api/v1/objections/{objection_id}/accept"): "objections_accept",
    ("post", "/api/v1/objections/{objection_id}/not-admissible"): "objections_refuse",
    ("post", "/api/v1/objections/{objection_id}/extension"): "objections_extend",
    ("post", "/api/v1/objections/{objection_id}/decision"): "objections_decide",
    ("post", "/api/v1/objections/{objection_id}/review-decision"): "objections_review_decide",
    (
        "get",
        "/api/v1/objections/{objection_id}/attachments/{attachment_id}",
    ): "objections_attachments_get",
    ("post", "/api/v1/repairs"): "repairs_create",
    ("get", "/api/v1/repairs"): "repairs_list",
    ("get", "/api/v1/repairs/commitment"): "repairs_commitment",
    ("get", "/api/v1/repairs/{repair_id}"): "repairs_get",
    ("post", "/api/v1/repairs/{repair_id}/decision"): "repairs_decide",
    (
        "get",
        "/api/v1/repairs/{repair_id}/attachments/{attachment_id}",
    ): "repairs_attachments_get",
    ("post", "/api/v1/agency-queries"): "agency_queries_create",
}


@pytest.fixture(scope="module")
def document(django_db_blocker):
    from django.test import Client

    with django_db_blocker.unblock():
        response = Client().get(OPENAPI)
    assert response.status_code == 200
    return response.json()


def _operations(document):
    for path, methods in document["paths"].items():
        for method, operation in methods.items():
            yield (method, path), operation


def _schema(document, name):
    return document["components"]["schemas"][name]


def _body_schema(document, method, path, media_type="application/json"):
    body = document["paths"][path][method]["requestBody"]["content"][media_type]["schema"]
    return _schema(document, body["$ref"].rsplit("/", 1)[1])


def test_every_operation_has_a_short_stable_resource_verb_id(document):
    # when
    ids = {key: operation["operationId"] for key, operation in _operations(document)}

    # then
    assert ids == OPERATION_IDS


def test_every_operation_documents_the_answers_any_operation_can_give(document):
    # when
    missing = {
        operation["operationId"]: sorted(
            set(SHARED_ANSWERS) - {int(status) for status in operation["responses"]}
        )
        for _key, operation in _operations(document)
    }

    # then
    assert missing == {operation_id: [] for operation_id in OPERATION_IDS.values()}


def test_every_error_answer_is_the_problem_schema_as_problem_json(document):
    # when
    contents = {
        (operation["operationId"], status): answer["content"]
        for _key, operation in _operations(document)
        for status, answer in operation["responses"].items()
        if int(status) >= 400
    }

    # then
    assert len(contents) >= len(OPERATION_IDS) * len(SHARED_ANSWERS)
    assert contents == {key: {PROBLEM: {"schema": PROBLEM_REF}} for key in contents}


def test_operations_that_read_a_body_document_415(document):
    # when
    with_body = {
        operation["operationId"]: "415" in operation["responses"]
        for _key, operation in _operations(document)
        if "requestBody" in operation
    }

    # then
    assert with_body == {
        "submissions_create": True,
        "submissions_upload": True,
        "profiles_create": True,
        "reports_create": True,
        "checks_create": True,
        "checks_verify": True,
        "checks_batch_create": True,
        "checks_batch_upload": True,
        "checks_feedback_create": True,
        "objections_create": True,
        "objections_refuse": True,
        "objections_extend": True,
        "objections_decide": True,
        "objections_review_decide": True,
        "repairs_create": True,
        "repairs_decide": True,
        "agency_queries_create": True,
    }


def test_429_and_503_carry_a_required_retry_after(document):
    # when
    headers = {
        (operation["operationId"], status): operation["responses"][status]["headers"]
        for _key, operation in _operations(document)
        for status in ("429", "503")
    }

    # then
    assert len(headers) == 2 * len(OPERATION_IDS)
    assert {name for header in headers.values() for name in header} == {"Retry-After"}
    assert all(
        header["Retry-After"]["required"] is True
        and header["Retry-After"]["schema"] == {"type": "integer", "minimum": 0}
        for header in headers.values()
    )


def test_the_problem_schema_names_its_members(document):
    # when
    problem = _schema(document, "Problem")
    field_error = _schema(document, "ProblemFieldError")

    # then
    assert problem["required"] == ["type", "title", "status", "code"]
    assert {"type", "title", "status", "code", "detail", "message_en", "errors"} <= set(
        problem["properties"]
    )
    assert problem["properties"]["errors"]["items"] == {
        "$ref": "#/components/schemas/ProblemFieldError"
    }
    assert problem["additionalProperties"] is True
    assert field_error["required"] == ["field", "code"]
    assert list(field_error["properties"]) == ["field", "code", "message", "message_en"]


def test_a_check_requires_what_the_server_requires_with_its_limits(document):
    # when
    check = _body_schema(document, "post", "/api/v1/checks")

    # then
    assert check["required"] == ["id_number", "matter", "case_no", "purpose"]
    properties = check["properties"]
    assert properties["matter"] == {"$ref": "#/components/schemas/Matter"}
    assert _schema(document, "Matter")["enum"] == list(Matter.values)
    assert (properties["case_no"]["minLength"], properties["case_no"]["maxLength"]) == (
        1,
        CASE_NO_MAX_LENGTH,
    )
    assert properties["purpose"]["maxLength"] == PURPOSE_MAX_LENGTH
    assert properties["id_number"]["maxLength"] == ID_NUMBER_INPUT_MAX_LENGTH


def test_a_batch_check_documents_both_bodies_with_their_limits(document):
    # when
    as_json = _body_schema(document, "post", "/api/v1/checks/batch")
    as_file = _body_schema(document, "post", "/api/v1/checks/batch/upload", "multipart/form-data")

    # then
    assert as_json["required"] == ["id_numbers", "matter", "case_no", "purpose"]
    assert as_json["properties"]["id_numbers"]["maxItems"] == MAX_IDS
    assert as_file["required"] == ["file", "matter", "case_no", "purpose"]
    assert as_file["properties"]["file"]["format"] == "binary"


def test_a_submission_requires_its_idempotency_key_header(document):
    # when
    operation = document["paths"]["/api/v1/submissions"]["post"]
    submission = _body_schema(document, "post", "/api/v1/submissions")

    # then
    (header,) = [p for p in operation["parameters"] if p["in"] == "header"]
    assert (header["name"], header["required"]) == ("Idempotency-Key", True)
    assert header["schema"]["maxLength"] == IDEMPOTENCY_KEY_MAX_LENGTH
    assert submission["required"] == ["catalog_item", "records"]
    assert submission["properties"]["records"]["maxItems"] == SUBMISSION_API_MAX.maximum


def test_feedback_documents_its_reason_limit(document):
    # when
    feedback = _body_schema(document, "post", "/api/v1/checks/{check_id}/feedback")

    # then
    assert feedback["required"] == ["measure_code", "applied", "reason"]
    assert feedback["properties"]["reason"]["maxLength"] == FEEDBACK_REASON_MAX_LENGTH


def test_the_check_answer_is_typed_down_to_its_records(document):
    # when
    check = _schema(document, "CheckOut")["properties"]
    answer = _schema(document, "CheckAnswerOut")["properties"]
    measure = _schema(document, "MeasureOut")["properties"]

    # then
    assert {name: check[name].get("$ref", "") for name in ("request", "answer", "receipt")} == {
        "request": "#/components/schemas/CheckRequestOut",
        "answer": "#/components/schemas/CheckAnswerOut",
        "receipt": "#/components/schemas/ReceiptOut",
    }
    assert answer["lists"]["items"] == {"$ref": "#/components/schemas/ListMembershipOut"}
    assert answer["measures"]["items"] == {"$ref": "#/components/schemas/MeasureOut"}
    assert answer["green_channel"] == {"$ref": "#/components/schemas/GreenChannelOut"}
    assert answer["disputed_record_ids"] == {
        "items": {"type": "integer"},
        "title": "Disputed Record Ids",
        "type": "array",
    }
    assert {"legal_basis", "triggered_by", "departments"} <= set(measure)
    assert set(_schema(document, "ReceiptOut")["required"]) == {
        "check_id",
        "issued_at",
        "rules",
        "catalog_version",
        "hash_algorithm",
        "request_hash",
        "answer_hash",
        "binding_hash",
        "algorithm",
        "key_id",
        "signature",
    }


def test_the_report_content_and_the_batch_rows_are_typed(document):
    # when
    report = _schema(document, "ReportOut")["properties"]
    batch = _schema(document, "BatchOut")["properties"]

    # then
    assert report["content"] == {"$ref": "#/components/schemas/ReportContentOut"}
    assert batch["rows"]["anyOf"][0]["items"] == {"$ref": "#/components/schemas/BatchRowOut"}
    assert batch["counts"]["anyOf"][0] == {"$ref": "#/components/schemas/BatchCountsOut"}
