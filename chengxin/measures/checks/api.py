"""Check endpoints under /api/v1/checks (ARCHITECTURE, API contract; docs/checks.md).

An ID number travels only in POST bodies. Checks, batches and feedback need a bearer token of an
officer; a check or batch of another department is not found. Verifying a receipt and reading the
public keys are open to anyone.
"""

from __future__ import annotations

import datetime
import json
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema, Status

from chengxin.api.auth import bearer_auth
from chengxin.core.errors import DomainError
from chengxin.measures.checks import error_codes
from chengxin.measures.checks.answers import request_as_shown
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
from chengxin.measures.checks.services import check_run, feedback_give

router = Router(tags=["checks"])


class CheckIn(Schema):
    id_number: str
    matter: str = ""
    case_no: str = ""
    purpose: str = ""


class CheckOut(Schema):
    check_id: str
    created_at: datetime.datetime
    request: dict[str, Any]
    answer: dict[str, Any]
    receipt: dict[str, Any]
    feedback: list[dict[str, Any]]


class VerifyIn(Schema):
    receipt: dict[str, Any]
    answer: dict[str, Any] | None = None
    request: dict[str, Any] | None = None


class VerifyOut(Schema):
    valid: bool
    reason: str
    message: str
    check_id: str


class KeyOut(Schema):
    key_id: str
    algorithm: str
    public_key: str
    public_key_pem: str
    active: bool


class KeysOut(Schema):
    keys: list[KeyOut]


class FeedbackIn(Schema):
    measure_code: str
    applied: bool
    reason: str
    date: datetime.date | None = None


class FeedbackOut(Schema):
    check_id: str
    measure_code: str
    applied: bool
    reason: str
    date: datetime.date
    department: str
    created_at: datetime.datetime


class RateOut(Schema):
    department_code: str
    department_name: str
    triggered: int
    answered: int
    rate: float | None


class RatesOut(Schema):
    departments: list[RateOut]


class BatchOut(Schema):
    batch_id: str
    status: str
    matter: str
    total: int
    processed: int
    progress: int
    counts: dict[str, int]
    receipt: dict[str, Any] | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    rows: list[dict[str, Any]] | None = None


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


@router.post("", response=CheckOut, auth=bearer_auth)
def check_post(request: HttpRequest, payload: CheckIn):
    """Check one person for one matter: lists, measures with their triggering records and legal
    basis, green channel with its reason, disputed flags, and a signed receipt."""
    check = check_run(
        actor=request.user,
        id_number=payload.id_number,
        matter=payload.matter,
        case_no=payload.case_no,
        purpose=payload.purpose,
        request=request,
    )
    return check_json(check, is_new=True)


@router.get("/keys", response=KeysOut, auth=None)
def keys_get(request: HttpRequest):
    """The public keys that verify receipts (Ed25519; raw base64 and PEM)."""
    return {"keys": public_keys()}


@router.post("/verify", response=VerifyOut, auth=None)
def verify_post(request: HttpRequest, payload: VerifyIn):
    """Verify a receipt (and the answer and request it covers, when given). Open to anyone."""
    outcome = check_receipt_verify(payload.receipt, answer=payload.answer, request=payload.request)
    check_id = payload.receipt.get("check_id")
    return {
        "valid": outcome.valid,
        "reason": outcome.reason,
        "message": outcome.message,
        "check_id": check_id if isinstance(check_id, str) else "",
    }


@router.get("/feedback-rates", response=RatesOut, auth=bearer_auth)
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


_BATCH_BODY = {
    "requestBody": {
        "content": {
            "application/json": {
                "schema": {
                    "type": "object",
                    "required": ["id_numbers", "matter", "case_no", "purpose"],
                    "properties": {
                        "id_numbers": {"type": "array", "items": {"type": "string"}},
                        "matter": {"type": "string"},
                        "case_no": {"type": "string"},
                        "purpose": {"type": "string"},
                    },
                }
            },
            "multipart/form-data": {
                "schema": {
                    "type": "object",
                    "required": ["file", "matter", "case_no", "purpose"],
                    "properties": {
                        "file": {"type": "string", "format": "binary"},
                        "matter": {"type": "string"},
                        "case_no": {"type": "string"},
                        "purpose": {"type": "string"},
                    },
                }
            },
        },
        "required": True,
    }
}


@router.post(
    "/batch",
    response={200: BatchOut, 202: BatchOut},
    auth=bearer_auth,
    openapi_extra=_BATCH_BODY,
)
def batch_post(request: HttpRequest):
    """Check up to 100,000 ID numbers: JSON ``{"id_numbers": [...], "matter", "case_no",
    "purpose"}`` or a multipart CSV/XLSX ``file`` with an ID-number column. Up to 1,000 numbers
    are answered at once (200, with ``rows``); larger batches run in the background (202): follow
    ``GET /checks/batch/{id}`` and download ``GET /checks/batch/{id}/result``."""
    if request.content_type == "multipart/form-data":
        upload = request.FILES.get("file")
        if upload is None:
            raise DomainError(
                code=error_codes.BATCH_FILE_REFUSED,
                message=_("请上传包含身份证号码的文件。"),
                message_en="Upload a file of ID numbers in the field 'file'.",
                status=422,
            )
        batch_input = input_from_file(upload.read())
        fields: dict[str, Any] = request.POST
        file_name = upload.name or ""
    else:
        try:
            body = json.loads(request.body or b"{}")
        except ValueError:
            body = None
        numbers = body.get("id_numbers") if isinstance(body, dict) else None
        if not isinstance(numbers, list):
            raise DomainError(
                code="request_invalid",
                message=_("请求内容不符合接口要求。"),
                message_en="Send a JSON object with a list 'id_numbers'.",
                status=422,
            )
        batch_input = input_from_list(numbers)
        fields = body
        file_name = ""
    batch = batch_create(
        actor=request.user,
        batch_input=batch_input,
        matter=str(fields.get("matter") or ""),
        case_no=str(fields.get("case_no") or ""),
        purpose=str(fields.get("purpose") or ""),
        file_name=file_name,
        request=request,
    )
    if batch.total <= SYNC_LIMIT:
        return Status(200, batch_json(batch, with_rows=True))
    return Status(202, batch_json(batch))


def batch_json(batch: BatchCheck, *, with_rows: bool = False) -> dict[str, Any]:
    answer: dict[str, Any] = {
        "batch_id": str(batch.pk),
        "status": batch.status,
        "matter": batch.matter,
        "total": batch.total,
        "processed": batch.processed,
        "progress": batch_progress(batch),
        "counts": batch.counts or {},
        "receipt": batch.receipt,
        "created_at": batch.created_at,
        "finished_at": batch.finished_at,
    }
    if with_rows and batch.status == BatchStatus.COMPLETED:
        answer["rows"] = batch_result_rows(batch)
    return answer


@router.get("/batch/{batch_id}", response=BatchOut, auth=bearer_auth)
def batch_get(request: HttpRequest, batch_id: str):
    """Status, progress and counts of a batch check of the caller's department."""
    return batch_json(batch_get_visible_to(user=request.user, batch_id=batch_id))


@router.get("/batch/{batch_id}/result", auth=bearer_auth)
def batch_result_get(request: HttpRequest, batch_id: str):
    """The result of a finished batch as CSV (row, masked number, outcome, error code, lists,
    measures, green channel, disputed); the download is an audited export."""
    batch = batch_get_visible_to(user=request.user, batch_id=batch_id)
    content = batch_result_download(user=request.user, batch=batch, request=request)
    response = HttpResponse(content, content_type="text/csv; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="check-batch-{batch.pk}.csv"'
    return response


@router.get("/{check_id}", response=CheckOut, auth=bearer_auth)
def check_get(request: HttpRequest, check_id: str):
    """A stored check (answer and receipt as given) of the caller's department; audited."""
    return check_json(check_get_visible_to(user=request.user, check_id=check_id, request=request))


@router.post("/{check_id}/feedback", response={201: FeedbackOut}, auth=bearer_auth)
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
