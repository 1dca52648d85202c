"""Submission endpoints (ARCHITECTURE, API contract): submit rows, read a submission and its
rejected rows. All need a bearer token; another department's submission is not found."""

from __future__ import annotations

import datetime
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import File, Form, Header, Router, Schema, Status
from ninja.files import UploadedFile
from pydantic import Field, StringConstraints

from chengxin.api.auth import bearer_auth
from chengxin.api.openapi import problem_answers
from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.catalog.xlsx import CONTENT_TYPE as XLSX_CONTENT_TYPE
from chengxin.collection.choices import Operation, SubmissionChannel
from chengxin.collection.downloads import rejected_rows_response
from chengxin.collection.ingest.imports import file_import_progress
from chengxin.collection.ingest.uploads import (
    file_import_retry,
    file_upload_create,
    upload_refused_for_size,
)
from chengxin.collection.limits import IDEMPOTENCY_KEY_MAX_LENGTH
from chengxin.collection.models import Submission
from chengxin.collection.selectors import submission_get_visible_to, submission_rejected_rows
from chengxin.collection.services import submission_create
from chengxin.core.policies import SUBMISSION_API_MAX

router = Router(tags=["submissions"], auth=bearer_auth)

JSON_FORMAT = "json"
CSV_FORMAT = "csv"
XLSX_FORMAT = "xlsx"
FILE_FORMATS = (CSV_FORMAT, XLSX_FORMAT)
ExportFormat = Literal["json", "csv", "xlsx"]
IdempotencyKey = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=IDEMPOTENCY_KEY_MAX_LENGTH),
]
IDEMPOTENCY_KEY_HEADER = Header(
    alias="Idempotency-Key",
    description=(
        "A key of the client's choosing, one per submission: the same request sent again with "
        "the same key gets the first answer and writes nothing."
    ),
)
CatalogItemCode = Annotated[
    str, Field(max_length=CODE_MAX_LENGTH, description="The catalog item's code.")
]


class SubmissionIn(Schema):
    catalog_item: CatalogItemCode
    operation: Operation = Operation.UPSERT
    records: list[dict[str, Any]] = Field(
        max_length=SUBMISSION_API_MAX.maximum,
        description=(
            "The rows, flat objects keyed by the item's field names (its Table Schema). The "
            "policy `submission.api_max_rows` (10,000 by default) may allow fewer."
        ),
    )


class RowErrorOut(Schema):
    row: int
    field: str
    code: str
    message: str
    message_en: str


class RowResultOut(Schema):
    row: int
    record_id: int
    version: int
    outcome: str


class SubmissionAnswerOut(Schema):
    submission_id: int
    status: str
    received: int
    accepted: int
    rejected: int
    errors: list[RowErrorOut]
    results: list[RowResultOut]


class FileProblemOut(Schema):
    code: str
    message: str
    message_en: str


class SubmissionStatusOut(Schema):
    submission_id: int
    catalog_item: str
    operation: str
    channel: str
    status: str
    received: int
    accepted: int
    rejected: int
    unchanged: int
    outcomes: dict[str, int]
    file_name: str
    position: int
    total_rows: int | None
    progress: int | None
    file_errors: list[FileProblemOut]
    file_warnings: list[FileProblemOut]
    created_at: datetime.datetime
    finished_at: datetime.datetime | None


class RejectedRowOut(Schema):
    row: int
    source_id: str
    values: dict[str, Any]
    errors: list[RowErrorOut]
    cleared: bool


class RejectedRowsOut(Schema):
    submission_id: int
    rows: list[RejectedRowOut]


@router.post(
    "",
    response=SubmissionAnswerOut,
    operation_id="submissions_create",
    summary="Submit records",
    openapi_extra=problem_answers(
        {
            403: "`submission_role_required`, `item_not_provided_by_department`.",
            404: "`catalog_item_not_found`.",
            409: "`submission_in_progress`: the same key is being processed.",
            422: (
                "`request_invalid` (the schema, the `Idempotency-Key` header included), "
                "`submission_empty`, `submission_too_many_rows`, `idempotency_key_reused`."
            ),
        }
    ),
)
def submission_post(
    request: HttpRequest,
    payload: SubmissionIn,
    idempotency_key: Annotated[IdempotencyKey, IDEMPOTENCY_KEY_HEADER],
):
    """Submit rows of one catalog item (upsert or revoke), with an ``Idempotency-Key`` header."""
    answer = submission_create(
        actor=request.user,
        department=request.user.department,
        item_code=payload.catalog_item,
        operation=payload.operation.value,
        records=payload.records,
        idempotency_key=idempotency_key,
        channel=SubmissionChannel.API,
    )
    return answer.as_dict()


@router.post(
    "/upload",
    response={202: SubmissionStatusOut},
    operation_id="submissions_upload",
    summary="Upload a file of records",
    openapi_extra=problem_answers(
        {
            403: "`submission_role_required`, `item_not_provided_by_department`.",
            404: "`catalog_item_not_found`.",
            409: "`file_duplicate`: the same content was already imported (`submission_id`).",
            422: "`request_invalid` (the schema), `file_refused` (`file_errors` say why).",
        }
    ),
)
def submission_upload(
    request: HttpRequest,
    catalog_item: Form[CatalogItemCode],
    file: File[UploadedFile],  # noqa: A002 - the form field's name in the API contract
    operation: Form[Operation] = Operation.UPSERT,
):
    """Upload a CSV or XLSX file of one catalog item; it is imported in the background.

    The answer (202) names the submission; follow its progress with ``GET /submissions/{id}``.
    A file that cannot be imported at all is refused at once (422 ``file_refused``), the same
    content already imported is 409 ``file_duplicate``.
    """
    upload_refused_for_size(file.size)
    submission = file_upload_create(
        actor=request.user,
        department=request.user.department,
        item_code=catalog_item,
        data=file.read(),
        file_name=file.name or "",
        operation=operation.value,
    )
    return Status(202, _status(submission))


@router.get(
    "/{int:submission_id}",
    response=SubmissionStatusOut,
    operation_id="submissions_get",
    summary="Status of a submission",
    openapi_extra=problem_answers({404: "`submission_not_found`."}),
)
def submission_get(request: HttpRequest, submission_id: int):
    """Status and counts of a submission of the caller's department."""
    submission = submission_get_visible_to(user=request.user, submission_id=submission_id)
    return _status(submission)


@router.post(
    "/{int:submission_id}/retry",
    response={202: SubmissionStatusOut},
    operation_id="submissions_retry",
    summary="Resume a failed file import",
    openapi_extra=problem_answers(
        {
            404: "`submission_not_found`.",
            409: "`import_not_retryable`: only a failed upload can be resumed.",
        }
    ),
)
def submission_retry(request: HttpRequest, submission_id: int):
    """Resume an uploaded file whose import failed: it is queued again and goes on after its
    last committed row (``position``), so no row is written twice. 409 ``import_not_retryable``
    for anything but a failed upload."""
    submission = file_import_retry(actor=request.user, submission_id=submission_id)
    return Status(202, _status(submission))


@router.get(
    "/{int:submission_id}/errors",
    response=RejectedRowsOut,
    operation_id="submissions_errors_list",
    summary="Rejected rows of a submission",
    openapi_extra={
        "responses": {
            200: {
                "description": "The rejected rows: JSON, or a file with `format=csv` or `xlsx`.",
                "content": {
                    "text/csv": {"schema": {"type": "string"}},
                    XLSX_CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}},
                },
            },
            404: {"description": "`submission_not_found`."},
        }
    },
)
def submission_errors(
    request: HttpRequest,
    submission_id: int,
    format: ExportFormat = JSON_FORMAT,  # noqa: A002 - the query parameter's name
):
    """The rejected rows of a submission with their errors; ``?format=csv`` or ``xlsx`` for a file
    to fix and send again."""
    submission = submission_get_visible_to(user=request.user, submission_id=submission_id)
    export_format = format
    rows = submission_rejected_rows(
        user=request.user, submission=submission, export_format=export_format, request=request
    )
    if export_format in FILE_FORMATS:
        return rejected_rows_response(submission, rows, export_format=export_format)
    return {"submission_id": submission.pk, "rows": rows}


def _status(submission: Submission) -> dict[str, Any]:
    return {
        "submission_id": submission.pk,
        "catalog_item": submission.item.code,
        "operation": submission.operation,
        "channel": submission.channel,
        "status": submission.status,
        "received": submission.received,
        "accepted": submission.accepted,
        "rejected": submission.rejected,
        "unchanged": submission.unchanged,
        "outcomes": submission.outcomes or {},
        "file_name": submission.file_name,
        "position": submission.position,
        "total_rows": submission.total_rows,
        "progress": file_import_progress(submission),
        "file_errors": submission.file_errors or [],
        "file_warnings": submission.file_warnings or [],
        "created_at": submission.created_at,
        "finished_at": submission.finished_at,
    }
