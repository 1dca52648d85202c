"""Input and output schemas of the repair endpoints (``api.py``): the limits of ``limits.py``
and typed answers down to the record, the commitment, the decision and the files."""

from __future__ import annotations

import datetime
from enum import Enum
from typing import Annotated

from ninja import Schema
from pydantic import Field, StringConstraints

from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.dueprocess.queues import OPEN_FILTER
from chengxin.dueprocess.repairs.choices import RepairOutcome, RepairStatus
from chengxin.dueprocess.repairs.limits import PAGE_SIZE, PAGE_SIZE_MAX, REASONS_MAX_LENGTH

StatusFilter = Enum(  # type: ignore[misc]
    "RepairStatusFilter",
    {"OPEN": OPEN_FILTER, **{status.name: status.value for status in RepairStatus}},
    type=str,
)


class RepairQueueIn(Schema):
    """The filters and page of ``GET /repairs``."""

    status: StatusFilter | None = Field(  # type: ignore[valid-type]
        None, description="A status, or `open` for every undecided application."
    )
    item: Annotated[str, Field(max_length=CODE_MAX_LENGTH)] = Field(
        "", description="Only the applications for records of this catalog item."
    )
    overdue: bool = Field(False, description="Only the open applications past their deadline.")
    page: int = Field(1, ge=1, le=1_000_000)
    page_size: int = Field(PAGE_SIZE, ge=1, le=PAGE_SIZE_MAX)


class RepairDecideIn(Schema):
    outcome: RepairOutcome
    reasons: Annotated[
        str, StringConstraints(strip_whitespace=True, max_length=REASONS_MAX_LENGTH)
    ] = Field("", description="The reasons (required when rejected; shown to the person).")


class RepairCommitmentOut(Schema):
    version: str
    text: str
    sha256: str
    source: str


class RepairAcceptedCommitmentOut(Schema):
    version: str
    text: str
    sha256: str
    accepted_at: datetime.datetime


class RepairRecordOut(Schema):
    record_id: int
    item_code: str
    item_name: str
    department: str
    status: str
    disputed: bool
    current_version: int
    decided_on: datetime.date
    repairable_from: datetime.date | None
    disclosure_ends_on: datetime.date | None


class RepairPersonOut(Schema):
    id_masked: str
    name_masked: str


class RepairDecisionOut(Schema):
    decided_at: datetime.datetime
    outcome: str = Field(description="`approved` or `rejected`.")
    reasons: str
    repaired_version: int | None


class RepairAttachmentOut(Schema):
    attachment_id: str
    file_name: str
    kind: str
    size: int
    sha256: str
    power_of_attorney: bool


class RepairSummaryOut(Schema):
    repair_id: int
    status: str
    status_name: str
    channel: str
    record: RepairRecordOut
    record_version: int
    applied_at: datetime.datetime
    applied_on: datetime.date
    deadline: datetime.date | None
    working_days_left: int | None = Field(
        description="Working days to the deadline (0 on the day, negative once overdue)."
    )
    overdue: bool


class RepairOut(RepairSummaryOut):
    text: str
    person: RepairPersonOut
    allowed_working_days: int
    commitment: RepairAcceptedCommitmentOut
    decision: RepairDecisionOut | None
    attachments: list[RepairAttachmentOut]


class RepairPageOut(Schema):
    count: int
    page: int
    page_size: int
    pages: int
    results: list[RepairSummaryOut]
