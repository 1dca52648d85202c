"""Input and output schemas of the check endpoints (``api.py``): the fields with the limits the
services apply, and typed answers down to the records, measures and receipt fields."""

from __future__ import annotations

import datetime
from typing import Annotated, Any

from ninja import Schema
from pydantic import BaseModel, ConfigDict, Field, StringConstraints

from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.identity.validation import ID_NUMBER_INPUT_MAX_LENGTH
from chengxin.measures.checks.limits import (
    CASE_NO_MAX_LENGTH,
    FEEDBACK_REASON_MAX_LENGTH,
    MAX_IDS,
    PURPOSE_MAX_LENGTH,
)
from chengxin.measures.choices import Matter

CaseNo = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=CASE_NO_MAX_LENGTH),
    Field(description="The case or file number the check is made for."),
]
Purpose = Annotated[
    str,
    StringConstraints(strip_whitespace=True, min_length=1, max_length=PURPOSE_MAX_LENGTH),
    Field(description="Why the check is made, in words."),
]
IdNumber = Annotated[
    str,
    Field(
        max_length=ID_NUMBER_INPUT_MAX_LENGTH,
        description="A resident identity number (18 characters; 15-digit numbers are converted).",
    ),
]
HexDigest = Annotated[str, Field(pattern=r"^[0-9a-f]{64}$")]


class CheckIn(Schema):
    id_number: IdNumber
    matter: Matter
    case_no: CaseNo
    purpose: Purpose


class CheckRequestOut(BaseModel):
    """The request as the platform understood it (what the receipt's ``request_hash`` covers)."""

    model_config = ConfigDict(extra="allow")

    check_id: str
    id_number_masked: str
    matter: str
    case_no: str
    purpose: str
    checked_on: datetime.date
    actor: str
    department: str


class ListRecordOut(Schema):
    """A record that puts the person on a list."""

    record_id: int
    item_code: str
    item_name: str
    department_code: str
    decided_on: datetime.date
    disputed: bool
    statement: str | None = Field(
        None, description="The person's statement (异议声明) on the record, if any."
    )


class StatementOut(Schema):
    """A statement the person attached to a record after an objection was rejected."""

    record_id: int
    text: str
    made_on: datetime.date


class ListMembershipOut(Schema):
    """One list the person is on (red list, serious dishonesty by domain, key supervision by
    field), with the records that put them there."""

    kind: str
    kind_name: str
    domain: str
    key_field: str
    records: list[ListRecordOut]


class MeasureTriggerOut(Schema):
    """A list membership that makes a measure apply, by its records."""

    kind: str
    domain: str
    key_field: str
    record_ids: list[int]


class MeasureOut(Schema):
    """A reward or punishment measure that applies to the matter, with its legal basis and the
    departments that carry it out."""

    code: str
    name: str
    kind: str
    kind_name: str
    measure_type: str
    effect: str
    legal_basis: str
    departments: list[str]
    version: int
    triggered_by: list[MeasureTriggerOut]


class GreenChannelFactsOut(Schema):
    """What the green-channel rule looked at."""

    lookback_years: int
    counts_repaired: bool
    on: datetime.date
    window_start: datetime.date
    earliest_decided_on: datetime.date | None
    negative_record_ids: list[int]
    red_list_record_ids: list[int]
    serious_record_ids: list[int]


class GreenChannelOut(Schema):
    """Whether the person may use the green channel (容缺受理), and why."""

    eligible: bool
    known: bool
    reason: str
    reason_en: str
    facts: GreenChannelFactsOut


class CheckAnswerOut(BaseModel):
    """What the check found (what the receipt's ``answer_hash`` covers)."""

    model_config = ConfigDict(extra="allow")

    check_id: str
    matter: str
    matter_name: str
    checked_on: datetime.date
    known: bool
    summary: str
    lists: list[ListMembershipOut]
    measures: list[MeasureOut]
    green_channel: GreenChannelOut
    disputed: bool
    disputed_record_ids: list[int]
    statements: list[StatementOut] = Field(
        default_factory=list, description="The person's statements on the records above."
    )


class RulesOut(Schema):
    """The rules in force: a hash of the measures, their number, the policies that decide."""

    measures: str
    measure_count: int
    policies: dict[str, int | bool | float | str]


class ReceiptOut(BaseModel):
    """A signed receipt (Ed25519 over the other fields' canonical JSON; docs/checks.md)."""

    model_config = ConfigDict(extra="allow")

    check_id: str
    issued_at: str = Field(description="UTC time, ISO 8601 with microseconds, as signed.")
    rules: RulesOut
    catalog_version: str
    hash_algorithm: str
    request_hash: HexDigest
    answer_hash: HexDigest
    binding_hash: HexDigest
    algorithm: str
    key_id: str
    signature: str = Field(pattern=r"^[0-9a-f]{128}$")


class FeedbackOut(Schema):
    check_id: str
    measure_code: str
    applied: bool
    reason: str
    date: datetime.date
    department: str
    created_at: datetime.datetime


class CheckOut(Schema):
    check_id: str
    created_at: datetime.datetime
    request: CheckRequestOut
    answer: CheckAnswerOut
    receipt: ReceiptOut
    feedback: list[FeedbackOut]


class VerifyIn(Schema):
    receipt: dict[str, Any] = Field(description="The receipt as the check answered it.")
    answer: dict[str, Any] | None = Field(None, description="The answer the receipt covers.")
    request: dict[str, Any] | None = Field(None, description="The request the receipt covers.")


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
    measure_code: Annotated[str, Field(max_length=CODE_MAX_LENGTH)]
    applied: bool
    reason: Annotated[
        str,
        StringConstraints(
            strip_whitespace=True, min_length=1, max_length=FEEDBACK_REASON_MAX_LENGTH
        ),
    ]
    date: datetime.date | None = None


class RateOut(Schema):
    department_code: str
    department_name: str
    triggered: int
    answered: int
    rate: float | None


class RatesOut(Schema):
    departments: list[RateOut]


class BatchIn(Schema):
    id_numbers: list[IdNumber] = Field(max_length=MAX_IDS)
    matter: Matter
    case_no: CaseNo
    purpose: Purpose


class BatchFieldsIn(Schema):
    """The fields of a multipart batch beside its file."""

    matter: Matter
    case_no: CaseNo
    purpose: Purpose


class BatchCountsOut(Schema):
    checked: int
    no_records: int
    invalid: int
    on_lists: int
    with_measures: int
    green_channel: int
    disputed: int


class BatchRowOut(Schema):
    """What the batch found for one number of the input, by its row."""

    row: int
    id_number_masked: str
    outcome: str
    error_code: str
    lists: list[str]
    measures: list[str]
    green_channel: bool | None
    disputed: bool


class BatchOut(Schema):
    batch_id: str
    status: str
    matter: str
    total: int
    processed: int
    progress: int
    counts: BatchCountsOut | None = Field(description="Set once the batch has completed.")
    receipt: ReceiptOut | None
    created_at: datetime.datetime
    finished_at: datetime.datetime | None
    rows: list[BatchRowOut] | None = Field(
        None, description="The rows of a batch answered at once (up to 1,000 numbers)."
    )
