"""``GET /api/v1/quality``: the data-quality scoreboard (SPEC §4) for a bearer token.

A provider or officer gets its own department's rows; the credit office gets every department,
or one with ``?department=CODE``. Other roles are refused (403, ``quality_role_required``).
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest
from django.utils import timezone
from ninja import Router, Schema
from pydantic import Field

from chengxin.api.auth import bearer_auth
from chengxin.api.openapi import problem_answers
from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.collection.quality import quality_department_for, quality_scoreboard

router = Router(tags=["quality"], auth=bearer_auth)


class ErrorCodeCountOut(Schema):
    code: str
    rows: int
    open: int


class QualityRowOut(Schema):
    department: str
    department_name: str
    catalog_item: str
    catalog_item_name: str
    update_frequency: str
    expected: bool
    submissions: int
    received: int
    accepted: int
    rejected: int
    rejected_by_code: list[ErrorCodeCountOut]
    last_submission_at: datetime.datetime | None
    due_on: datetime.date | None
    late: bool
    overdue_days: int | None


class QualityOut(Schema):
    as_of: datetime.date
    department: str | None
    rows: list[QualityRowOut]


@router.get(
    "/quality",
    response=QualityOut,
    operation_id="quality_get",
    summary="Data-quality scoreboard",
    openapi_extra=problem_answers(
        {
            403: "`quality_role_required`.",
            404: "`quality_department_not_found` (the `department` asked for).",
        }
    ),
)
def quality_get(
    request: HttpRequest,
    department: Annotated[str, Field(max_length=CODE_MAX_LENGTH)] = "",
):
    """Rows received, accepted and rejected (by error code), the last submission and lateness,
    per department and catalog item."""
    scoped = quality_department_for(user=request.user, code=department.strip())
    today = timezone.localdate()
    rows = quality_scoreboard(department=scoped, today=today)
    return {
        "as_of": today,
        "department": scoped.code if scoped is not None else None,
        "rows": [
            {
                "department": row.department_code,
                "department_name": row.department_name,
                "catalog_item": row.item_code,
                "catalog_item_name": row.item_name,
                "update_frequency": row.update_frequency,
                "expected": row.expected,
                "submissions": row.submissions,
                "received": row.received,
                "accepted": row.accepted,
                "rejected": row.rejected,
                "rejected_by_code": [
                    {"code": entry.code, "rows": entry.rows, "open": entry.open}
                    for entry in row.rejected_by_code
                ],
                "last_submission_at": row.last_submission_at,
                "due_on": row.due_on,
                "late": row.late,
                "overdue_days": row.overdue_days,
            }
            for row in rows
        ],
    }
