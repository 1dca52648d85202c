"""Input and output schemas of the objection endpoints (``api.py``): the limits of ``limits.py``
and typed answers down to the record, the decision, the review and the files."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.dueprocess.objections.choices import (
    DecisionOutcome,
    ObjectionStatus,
    RefusalReason,
    Resolution,
    ReviewOutcome,
)
from chengxin.dueprocess.objections.limits import (
    CORRECTION_VALUE_MAX_LENGTH,
    EXTENSION_REASON_MAX_LENGTH,
    PAGE_SIZE,
    PAGE_SIZE_MAX,
    REASONS_MAX_LENGTH,
)
from chengxin.dueprocess.queues import OPEN_FILTER

Reasons = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=REASONS_MAX_LENGTH),
    Field(description="The reasons of the decision, in words (shown to the person)."),
]
CorrectionValue = Annotated[str, Field(max_length=CORRECTION_VALUE_MAX_LENGTH)]

StatusFilter = Enum(  # type: ignore[misc]
    "StatusFilter",
    {"OPEN": OPEN_FILTER, **{status.name: status.value for status in ObjectionStatus}},
    type=str,
)


class QueueIn(Schema):
    """The filters and page of ``GET /objections``."""

    status: StatusFilter | None = Field(  # type: ignore[valid-type]
        None, description="A status, or `open` for every open objection."
    )
    item: Annotated[str, Field(max_length=CODE_MAX_LENGTH)] = Field(
        "", description="Only the objections to records of this catalog item."
    )
    overdue: bool = Field(False, description="Only the open objections past their deadline.")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX)


class RefuseIn(Schema):
    reason: RefusalReason
    reasons: Reasons


class ExtendIn(Schema):
    working_days: int = Field(
        ge=1,
        le=60,
        description=(
            "The working days the decision may take in all, from the filing day: more than now "
            "and at most the policy `objection.extension_max_working_days` (20 by default)."
        ),
    )
    reason: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=EXTENSION_REASON_MAX_LENGTH
        ),
    ]


class DecideIn(Schema):
    outcome: DecisionOutcome
    resolution: Resolution | None = Field(
        None, description="Required when upheld: `corrected` or `revoked`."
    )
    corrections: dict[Annotated[str, Field(max_length=64)], CorrectionValue] = Field(
        default_factory=dict,
        max_length=200,
        description=(
            "For `corrected`: the fields to change (the item's field names, as in a submission) "
            "and their right values; the other fields keep their current values."
        ),
    )
    reasons: Reasons


class ReviewDecisionIn(Schema):
    outcome: ReviewOutcome
    reasons: Reasons


class RecordOut(Schema):
    record_id: int
    item_code: str
    item_name: str
    department: str
    status: str
    disputed: bool
    current_version: int
    decided_on: datetime.date


class PersonOut(Schema):
    """The person, masked as staff pages show them."""

    id_masked: str
    name_masked: str


class ExtensionOut(Schema):
    extended_at: datetime.datetime
    reason: str


class DecisionOut(Schema):
    decided_at: datetime.datetime
    outcome: str = Field(description="`not_admissible`, `upheld` or `rejected`.")
    refusal_reason: str
    resolution: str
    corrected_version: int | None
    reasons: str
    review_request_until: datetime.date | None


class ReviewOut(Schema):
    requested_at: datetime.datetime
    reason: str
    decided_at: datetime.datetime | None
    outcome: str
    reasons: str


class StatementOut(Schema):
    text: str
    made_at: datetime.datetime
    current: bool


class AttachmentOut(Schema):
    attachment_id: str
    file_name: str
    kind: str
    size: int
    sha256: str
    power_of_attorney: bool


class ObjectionSummaryOut(Schema):
    objection_id: int
    status: str
    status_name: str
    grounds: str
    grounds_name: str
    channel: str
    record: RecordOut
    record_version: int
    filed_at: datetime.datetime
    filed_on: datetime.date
    deadline: datetime.date | None
    deadline_owner: str = Field(description="`department`, `credit_office`, or empty.")
    working_days_left: int | None = Field(
        description="Working days to the deadline (0 on the day, negative once overdue)."
    )
    overdue: bool


class ObjectionOut(ObjectionSummaryOut):
    text: str
    person: PersonOut
    allowed_working_days: int
    accepted_at: datetime.datetime | None
    extension: ExtensionOut | None
    decision: DecisionOut | None
    review: ReviewOut | None
    statement: StatementOut | None
    attachments: list[AttachmentOut]


class ObjectionPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[ObjectionSummaryOut]
