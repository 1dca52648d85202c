"""Submission endpoints (ARCHITECTURE, API contract): submit rows, read a submission and its
rejected rows. All need a bearer token; another department's submission is not found."""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema

from chengxin.api.auth import bearer_auth
from chengxin.catalog.selectors import catalog_version_table_schema
from chengxin.collection import error_codes
from chengxin.collection.choices import Operation, SubmissionChannel
from chengxin.collection.exports import rejected_rows_csv
from chengxin.collection.models import Submission
from chengxin.collection.selectors import (
    QuarantineFilters,
    quarantine_list_visible_to,
    quarantine_original_values,
    submission_get_visible_to,
)
from chengxin.collection.services import submission_create
from chengxin.core.errors import DomainError

router = Router(tags=["submissions"], auth=bearer_auth)

CSV_FORMAT = "csv"


class SubmissionIn(Schema):
    catalog_item: str
    operation: str = Operation.UPSERT.value
    records: list[dict[str, Any]]


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


class SubmissionStatusOut(Schema):
    submission_id: int
    catalog_item: str
    operation: str
    channel: str
    status: str
    received: int
    accepted: int
    rejected: int
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


@router.post("", response=SubmissionAnswerOut)
def submission_post(request: HttpRequest, payload: SubmissionIn):
    """Submit rows of one catalog item (upsert or revoke), with an ``Idempotency-Key`` header."""
    key = (request.headers.get("Idempotency-Key") or "").strip()
    if not key:
        raise DomainError(
            code=error_codes.IDEMPOTENCY_KEY_REQUIRED,
            message=_("请在请求头 Idempotency-Key 中给出幂等键。"),
            message_en="Give an idempotency key in the Idempotency-Key header.",
            status=422,
        )
    answer = submission_create(
        actor=request.user,
        department=request.user.department,
        item_code=payload.catalog_item,
        operation=payload.operation,
        records=payload.records,
        idempotency_key=key[:200],
        channel=SubmissionChannel.API,
    )
    return answer.as_dict()


@router.get("/{int:submission_id}", response=SubmissionStatusOut)
def submission_get(request: HttpRequest, submission_id: int):
    """Status and counts of a submission of the caller's department."""
    submission = submission_get_visible_to(user=request.user, submission_id=submission_id)
    return _status(submission)


@router.get("/{int:submission_id}/errors", response=RejectedRowsOut)
def submission_errors(request: HttpRequest, submission_id: int, format: str = ""):  # noqa: A002
    """The rejected rows of a submission with their errors; ``?format=csv`` for a CSV file."""
    submission = submission_get_visible_to(user=request.user, submission_id=submission_id)
    filters = QuarantineFilters(submission_id=submission.pk, open_only=False)
    entries = list(quarantine_list_visible_to(user=request.user, filters=filters))
    rows = [_rejected_row(entry) for entry in entries]
    if format == CSV_FORMAT:
        return _csv_response(submission, rows)
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
        "created_at": submission.created_at,
        "finished_at": submission.finished_at,
    }


def _rejected_row(entry) -> dict[str, Any]:
    return {
        "row": entry.row_number,
        "row_number": entry.row_number,
        "source_id": entry.source_id,
        "values": quarantine_original_values(entry),
        "errors": entry.errors,
        "cleared": entry.cleared_at is not None,
    }


def _csv_response(submission: Submission, rows: list[dict[str, Any]]) -> HttpResponse:
    version = submission.item.versions.order_by("-number").first()
    columns = catalog_version_table_schema(version)["fields"]
    response = HttpResponse(
        rejected_rows_csv(rows, columns=columns), content_type="text/csv; charset=utf-8"
    )
    response["Content-Disposition"] = (
        f'attachment; filename="submission-{submission.pk}-errors.csv"'
    )
    return response
