"""Check endpoints under /api/v1/checks (ARCHITECTURE, API contract; docs/checks.md).

An ID number travels only in POST bodies. Checks, batches and feedback need a bearer token of an
officer; a check or batch of another department is not found. Verifying a receipt and reading the
public keys are open to anyone.
"""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import File, Form, Router, Schema, Status
from ninja.errors import ValidationError
from ninja.files import UploadedFile
from pydantic import ValidationError as PydanticValidationError

from chengxin.api.auth import bearer_auth
from chengxin.api.openapi import problem_answers, request_body
from chengxin.api.parsers import (
    JSON_CONTENT_TYPE,
    MULTIPART_CONTENT_TYPE,
    content_type_checked,
    form_checked,
    json_body,
)
from chengxin.measures.checks.answers import request_as_shown
from chengxin.measures.checks.api_schemas import (
    BatchFieldsIn,
    BatchIn,
    BatchOut,
    CaseNo,
    CheckIn,
    CheckOut,
    FeedbackIn,
    FeedbackOut,
    KeysOut,
    Purpose,
    RatesOut,
    VerifyIn,
    VerifyOut,
)
from chengxin.measures.checks.batch import (
    SYNC_LIMIT,
    batch_create,
    batch_progress,
    batch_result_download,
    batch_result_rows,
    input_from_file,
    input_from_list,
)
from chengxin.measures.checks.choices import BatchStatus
from chengxin.measures.checks.models import BatchCheck, Check
from chengxin.measures.checks.receipts import public_keys
from chengxin.measures.checks.selectors import (
    batch_get_visible_to,
    check_feedback,
    check_get_visible_to,
    check_receipt_verify,
    feedback_rates_visible_to,
)
from chengxin.measures.checks.services import check_refused_for, check_run, feedback_give
from chengxin.measures.choices import Matter

router = Router(tags=["checks"])


def check_json(check: Check, *, is_new: bool = False) -> dict[str, Any]:
    """A check as the API shows it; a check just made has no feedback yet (no query for it)."""
    feedback = [] if is_new else check_feedback(check).values()
    return {
        "check_id": str(check.pk),
        "created_at": check.created_at,
        "request": request_as_shown(check.request),
        "answer": check.answer,
        "receipt": check.receipt,
        "feedback": [_feedback_json(item) for item in feedback],
    }


def _feedback_json(feedback) -> dict[str, Any]:
    return {
        "check_id": str(feedback.check_ref_id),
        "measure_code": feedback.measure_code,
        "applied": feedback.applied,
        "reason": feedback.reason,
        "date": feedback.decided_on,
        "department": feedback.department.code if feedback.department_id else "",
        "created_at": feedback.created_at,
    }


@router.post(
    "",
    response=CheckOut,
    # Answers and receipts are returned exactly as stored and signed: a member the stored
    # answer does not have (a check made before it existed) is not added by the schema.
    exclude_unset=True,
    auth=bearer_auth,
    operation_id="checks_create",
    summary="Check one person for one matter",
    openapi_extra=problem_answers(
        {
            403: "`check_role_required`: only case officers run checks.",
            422: "`request_invalid` (the schema), `id_number_invalid` (the number itself).",
        }
    ),
)
def check_post(request: HttpRequest, payload: CheckIn):
    """Check one person for one matter: lists, measures with their triggering records and legal
    basis, green channel with its reason, disputed flags, and a signed receipt."""
    check = check_run(
        actor=request.user,
        id_number=payload.id_number,
        matter=payload.matter.value,
        case_no=payload.case_no,
        purpose=payload.purpose,
        request=request,
    )
    return check_json(check, is_new=True)


@router.get(
    "/keys",
    response=KeysOut,
    auth=None,
    operation_id="checks_keys_list",
    summary="Public keys of receipts",
)
def keys_get(request: HttpRequest):
    """The public keys that verify receipts (Ed25519; raw base64 and PEM)."""
    return {"keys": public_keys()}


@router.post(
    "/verify",
    response=VerifyOut,
    auth=None,
    operation_id="checks_verify",
    summary="Verify a receipt",
)
def verify_post(request: HttpRequest, payload: VerifyIn):
    """Verify a receipt (and the answer and request it covers, when given). Open to anyone; a
    malformed receipt is answered ``valid: false`` with its reason, not refused."""
    outcome = check_receipt_verify(payload.receipt, answer=payload.answer, request=payload.request)
    check_id = payload.receipt.get("check_id")
    return {
        "valid": outcome.valid,
        "reason": outcome.reason,
        "message": outcome.message,
        "check_id": check_id if isinstance(check_id, str) else "",
    }


@router.get(
    "/feedback-rates",
    response=RatesOut,
    auth=bearer_auth,
    operation_id="checks_feedback_rates_list",
    summary="Feedback rates per department",
    openapi_extra=problem_answers({403: "`feedback_rates_refused`."}),
)
def feedback_rates_get(request: HttpRequest):
    """Per implementing department: checks that found its measures, feedback given, rate."""
    rates = feedback_rates_visible_to(user=request.user)
    return {
        "departments": [
            {
                "department_code": rate.department_code,
                "department_name": rate.department_name,
                "triggered": rate.triggered,
                "answered": rate.answered,
                "rate": rate.rate,
            }
            for rate in rates
        ]
    }


_BATCH_ANSWERS = problem_answers(
    {
        403: "`check_role_required`.",
        422: (
            "`request_invalid` (the schema), `batch_empty`, `batch_too_large`, "
            "`batch_file_refused`, `batch_id_column_missing`."
        ),
    }
)


@router.post(
    "/batch",
    response={200: BatchOut, 202: BatchOut},
    auth=bearer_auth,
    operation_id="checks_batch_create",
    summary="Check many people for one matter",
    openapi_extra={**request_body({JSON_CONTENT_TYPE: BatchIn}), **_BATCH_ANSWERS},
)
def batch_post(request: HttpRequest):
    """Check up to 100,000 ID numbers, ``{"id_numbers": [...], "matter", "case_no",
    "purpose"}``. Up to 1,000 numbers are answered at once (200, with ``rows``); larger batches
    run in the background (202): follow ``GET /checks/batch/{id}`` and download
    ``GET /checks/batch/{id}/result``. A file of numbers goes to ``POST /checks/batch/upload``
    (a multipart body sent here is read the same way, for clients written before it)."""
    check_refused_for(request.user)
    content_type_checked(request, accepted=(JSON_CONTENT_TYPE, MULTIPART_CONTENT_TYPE))
    if request.content_type == MULTIPART_CONTENT_TYPE:
        form_checked(request)
        fields = _validated(BatchFieldsIn, request.POST.dict(), source="form")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationError([{"loc": ("file", "file"), "type": "missing"}])
        return _batch_answer(request, fields, input_from_file(upload.read()), upload.name or "")
    fields = _validated(BatchIn, json_body(request), source="body")
    return _batch_answer(request, fields, input_from_list(fields.id_numbers), "")


@router.post(
    "/batch/upload",
    response={200: BatchOut, 202: BatchOut},
    auth=bearer_auth,
    operation_id="checks_batch_upload",
    summary="Check the people of a file for one matter",
    openapi_extra=_BATCH_ANSWERS,
)
def batch_upload(
    request: HttpRequest,
    file: File[UploadedFile],  # noqa: A002 - the form field's name in the API contract
    matter: Form[Matter],
    case_no: Form[CaseNo],
    purpose: Form[Purpose],
):
    """The batch of ``POST /checks/batch`` from a CSV (UTF-8 or GB18030) or XLSX ``file`` with
    an ID-number column; the same answers."""
    check_refused_for(request.user)
    fields = BatchFieldsIn(matter=matter, case_no=case_no, purpose=purpose)
    return _batch_answer(request, fields, input_from_file(file.read()), file.name or "")


def _batch_answer(request: HttpRequest, fields, batch_input, file_name: str):
    batch = batch_create(
        actor=request.user,
        batch_input=batch_input,
        matter=fields.matter.value,
        case_no=fields.case_no,
        purpose=fields.purpose,
        file_name=file_name,
        request=request,
    )
    if batch.total <= SYNC_LIMIT:
        return Status(200, batch_json(batch, with_rows=True))
    return Status(202, batch_json(batch))


def _validated(schema: type[Schema], data: Any, *, source: str):
    """``data`` read into ``schema``, or the ``request_invalid`` answer of any operation."""
    try:
        return schema.model_validate(data)
    except PydanticValidationError as error:
        prefix = (source, "payload") if source == "body" else (source,)
        raise ValidationError(
            [{**item, "loc": prefix + tuple(item["loc"])} for item in error.errors()]
        ) from None


def batch_json(batch: BatchCheck, *, with_rows: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "batch_id": str(batch.pk),
        "status": batch.status,
        "matter": batch.matter,
        "total": batch.total,
        "processed": batch.processed,
        "progress": batch_progress(batch),
        "counts": batch.counts or None,
        "receipt": batch.receipt,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }
    if with_rows and batch.status == BatchStatus.COMPLETED:
        answer["rows"] = batch_result_rows(batch)
    return answer


@router.get(
    "/batch/{batch_id}",
    response=BatchOut,
    auth=bearer_auth,
    operation_id="checks_batch_get",
    summary="Status of a batch check",
    openapi_extra=problem_answers({404: "`batch_not_found`."}),
)
def batch_get(request: HttpRequest, batch_id: str):
    """Status, progress and counts of a batch check of the caller's department."""
    return batch_json(batch_get_visible_to(user=request.user, batch_id=batch_id))


@router.get(
    "/batch/{batch_id}/result",
    auth=bearer_auth,
    operation_id="checks_batch_result_get",
    summary="Result file of a batch check",
    openapi_extra={
        "responses": {
            200: {
                "description": "The result as CSV (UTF-8 with a byte-order mark).",
                "content": {"text/csv": {"schema": {"type": "string"}}},
            },
            404: {"description": "`batch_not_found`."},
            409: {"description": "`batch_not_finished`: the batch has not completed yet."},
        }
    },
)
def batch_result_get(request: HttpRequest, batch_id: str):
    """The result of a finished batch as CSV (row, masked number, outcome, error code, lists,
    measures, green channel, disputed); the download is an audited export."""
    batch = batch_get_visible_to(user=request.user, batch_id=batch_id)
    content = batch_result_download(user=request.user, batch=batch, request=request)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="check-batch-{batch.pk}.csv"'
    return response


@router.get(
    "/{check_id}",
    response=CheckOut,
    exclude_unset=True,
    auth=bearer_auth,
    operation_id="checks_get",
    summary="A stored check",
    openapi_extra=problem_answers({404: "`check_not_found`."}),
)
def check_get(request: HttpRequest, check_id: str):
    """A stored check (answer and receipt as given) of the caller's department; audited."""
    return check_json(check_get_visible_to(user=request.user, check_id=check_id, request=request))


@router.post(
    "/{check_id}/feedback",
    response={201: FeedbackOut},
    auth=bearer_auth,
    operation_id="checks_feedback_create",
    summary="Feedback on a measure a check found",
    openapi_extra=problem_answers(
        {
            404: "`check_not_found`.",
            409: "`feedback_already_given`: one feedback per check and measure.",
            422: "`request_invalid` (the schema), `feedback_measure_unknown`.",
        }
    ),
)
def feedback_post(request: HttpRequest, check_id: str, payload: FeedbackIn):
    """Whether a measure the check found was applied, why, and when."""
    check = check_get_visible_to(user=request.user, check_id=check_id, audit=False)
    feedback = feedback_give(
        actor=request.user,
        check=check,
        measure_code=payload.measure_code,
        applied=payload.applied,
        reason=payload.reason,
        decided_on=payload.date,
        request=request,
    )
    return Status(201, _feedback_json(feedback))
