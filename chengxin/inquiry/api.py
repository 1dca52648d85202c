"""Officer queries and credit reports (ARCHITECTURE, API contract): ``POST /profiles``,
``POST /reports``, ``GET /reports/{number}.pdf`` and the public ``GET /reports/verify/{code}``.

ID numbers travel only in POST bodies. Reports also accept a signed-in session, since citizens
have no API tokens (a staff session counts only after its second factor).
"""

from __future__ import annotations

import datetime
from typing import Annotated

from django.http import HttpRequest, HttpResponse
from django.utils.translation import gettext as _
from ninja import Router, Schema
from ninja.security import SessionAuth
from ninja.utils import check_csrf
from pydantic import BaseModel, ConfigDict, Field

from chengxin.accounts.decorators import second_factor_satisfied
from chengxin.api import error_codes as api_error_codes
from chengxin.api.auth import bearer_auth
from chengxin.api.openapi import problem_answers
from chengxin.catalog.validation import CODE_MAX_LENGTH
from chengxin.core.errors import DomainError
from chengxin.identity.validation import ID_NUMBER_INPUT_MAX_LENGTH
from chengxin.inquiry.choices import ReportFormat
from chengxin.inquiry.limits import CASE_NO_MAX_LENGTH, NAME_MAX_LENGTH
from chengxin.inquiry.selectors import (
    purposes_for,
    report_get_for_requester,
    verification_summary,
)
from chengxin.inquiry.services import (
    is_citizen,
    profile_query,
    report_issue,
    report_open,
)
from chengxin.inquiry.throttles import report_verify_lookup

router = Router(tags=["inquiry"])


class VerifiedSessionAuth(SessionAuth):
    """A signed-in session: a citizen's, or a staff member's that passed the second factor.

    The CSRF token is checked once the session is known to be signed in: a request without a
    session is not a session request at all and gets the 401 of the operation's other
    authentication; a signed-in session without its token is refused (403 ``csrf_failed``).
    """

    def __init__(self) -> None:
        super().__init__(csrf=False)

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if not (user.is_authenticated and (is_citizen(user) or second_factor_satisfied(request))):
            return None
        if check_csrf(request) is not None:
            raise DomainError(
                code=api_error_codes.CSRF_FAILED,
                message=_(
                    "请求缺少有效的 CSRF 令牌：请从平台页面重新提交，或在请求头 X-CSRFToken 中带上令牌。"
                ),
                message_en=(
                    "The CSRF token is missing or wrong: submit again from the platform's page, "
                    "or send the token in the X-CSRFToken header."
                ),
                status=403,
            )
        return user


session_auth = VerifiedSessionAuth()


IdNumber = Annotated[str, Field(max_length=ID_NUMBER_INPUT_MAX_LENGTH)]
PurposeCode = Annotated[
    str, Field(max_length=CODE_MAX_LENGTH, description="A purpose code (`GET /profiles/purposes`).")
]
CaseNo = Annotated[str, Field(max_length=CASE_NO_MAX_LENGTH)]


class ProfileIn(Schema):
    id_number: IdNumber
    purpose: PurposeCode
    case_no: CaseNo


class RecordOut(Schema):
    record_id: int
    item_code: str
    item_name: str
    category: str
    severity: str
    disclosure: str
    legal_basis: str
    provider: str
    authority: str
    document_no: str
    decided_on: datetime.date
    status: str
    disputed: bool
    statement: str = Field(description="The person's statement (异议声明) on the record, or empty.")
    repairable_from: datetime.date | None
    disclosure_ends_on: datetime.date | None
    valid_until: datetime.date | None


class ProfileOut(Schema):
    query_id: int
    created_at: datetime.datetime
    purpose: str
    purpose_name: str
    legal_basis: str
    case_no: str
    subject_known: bool
    name: str
    id_masked: str
    counts: dict[str, int]
    disputed: int
    records: list[RecordOut]


class PurposeOut(Schema):
    code: str
    name: str
    legal_basis: str
    requires_case_no: bool


class ReportIn(Schema):
    id_number: IdNumber
    purpose: PurposeCode = ""
    case_no: CaseNo = ""
    self_service: bool = False
    name: Annotated[str, Field(max_length=NAME_MAX_LENGTH)] = ""


class ReportPurposeOut(Schema):
    code: str
    name: str
    legal_basis: str


class ReportRequesterOut(Schema):
    department: str
    name: str


class ReportIdentityOut(Schema):
    name_masked: str
    id_masked: str


class ReportRecordOut(Schema):
    """A record in force, as the report states it (dates as ``YYYY-MM-DD``, or empty)."""

    record_id: int
    item_code: str
    item_name: str
    severity: str
    severity_label: str
    legal_basis: str
    provider: str
    authority: str
    document_no: str
    decided_on: str
    disputed: bool
    statement: str = ""
    repairable_from: str
    disclosure_ends_on: str
    valid_until: str


class ReportStatementOut(Schema):
    """A statement the person attached to a record in force (it travels with the record)."""

    record_id: int
    item_name: str
    text: str


class ReportHistoryEntryOut(Schema):
    at: str
    department: str
    purpose: str
    case_no: str
    kind: str


class ReportHistoryOut(Schema):
    since: str
    entries: list[ReportHistoryEntryOut]


class ReportContentOut(BaseModel):
    """The report's content as issued (``content_hash`` is the SHA-256 of its canonical JSON);
    times are local (Asia/Shanghai), ``YYYY-MM-DD HH:MM:SS``."""

    model_config = ConfigDict(extra="allow")

    version: int
    number: str
    issued_at: str
    issuer: str
    city: str
    purpose: ReportPurposeOut
    case_no: str
    self_service: bool
    requested_by: ReportRequesterOut
    identity: ReportIdentityOut
    counts: dict[str, int]
    disputed: int
    sections: dict[str, list[ReportRecordOut]] = Field(
        description="Records by category: `basic`, `positive`, `negative`, `other`."
    )
    statements: list[ReportStatementOut]
    query_history: ReportHistoryOut
    verification_url: str


class ReportOut(Schema):
    number: str
    verification_code: str
    issued_at: datetime.datetime
    content_hash: str
    pdf_hash: str
    pdf_url: str
    verification_url: str
    content: ReportContentOut


class VerificationOut(Schema):
    number: str
    issued_at: datetime.datetime
    content_hash: str
    pdf_hash: str
    hash_algorithm: str
    self_service: bool
    purpose: str
    name_masked: str
    id_masked: str
    counts: dict[str, int]


@router.get(
    "/profiles/purposes",
    response=list[PurposeOut],
    auth=bearer_auth,
    operation_id="profiles_purposes_list",
    summary="Purposes the caller may state",
)
def purpose_list(request: HttpRequest):
    """The purposes the caller's role may state."""
    return purposes_for(user=request.user)


@router.post(
    "/profiles",
    response=ProfileOut,
    auth=bearer_auth,
    operation_id="profiles_create",
    summary="Query a person's file",
    openapi_extra=problem_answers(
        {
            400: "`purpose_required`, `case_no_required`; or the body cannot be read.",
            403: "`query_role_required`, `purpose_not_allowed`.",
            422: "`request_invalid` (the schema), `id_number_invalid`.",
        }
    ),
)
def profile_create(request: HttpRequest, body: ProfileIn):
    """An officer's query of a person's file: only what the officer's department may see."""
    answer = profile_query(
        actor=request.user,
        id_number=body.id_number,
        purpose=body.purpose,
        case_no=body.case_no,
        request=request,
    )
    return {
        "query_id": answer.query_id,
        "created_at": answer.created_at,
        "purpose": answer.purpose_code,
        "purpose_name": answer.purpose_name,
        "legal_basis": answer.legal_basis,
        "case_no": answer.case_no,
        "subject_known": answer.subject_known,
        "name": answer.name,
        "id_masked": answer.id_masked,
        "counts": answer.counts,
        "disputed": answer.disputed,
        "records": [
            {**record.__dict__, "provider": record.provider_name} for record in answer.records
        ],
    }


@router.post(
    "/reports",
    response=ReportOut,
    auth=[bearer_auth, session_auth],
    operation_id="reports_create",
    summary="Issue a credit report",
    openapi_extra=problem_answers(
        {
            400: "`purpose_required`, `case_no_required`; or the body cannot be read.",
            403: (
                "`report_role_required`, `purpose_not_allowed`, "
                "`self_service_identity_not_verified`, `csrf_failed` (a session without its "
                "CSRF token)."
            ),
            422: "`request_invalid` (the schema), `id_number_invalid`.",
        }
    ),
)
def report_create(request: HttpRequest, body: ReportIn):
    """Issue a credit report: an officer with purpose and case number, or a citizen for
    themself (``self_service`` with ID number and name)."""
    report = report_issue(
        actor=request.user,
        id_number=body.id_number,
        purpose=body.purpose,
        case_no=body.case_no,
        self_service=body.self_service,
        name=body.name,
        verification_base_url=request.build_absolute_uri("/"),
        request=request,
    )
    return {
        "number": report.number,
        "verification_code": report.verification_code,
        "issued_at": report.issued_at,
        "content_hash": report.content_hash,
        "pdf_hash": report.pdf_hash,
        "pdf_url": f"/api/v1/reports/{report.number}.pdf",
        "verification_url": report.content["verification_url"],
        "content": report.content,
    }


@router.get(
    "/reports/verify/{code}",
    response=VerificationOut,
    auth=None,
    operation_id="reports_verify",
    summary="Verify a report by its code",
    openapi_extra=problem_answers({404: "`verification_code_unknown`."}),
)
def report_verify(request: HttpRequest, code: str):
    """Verify a report by its code, for anyone: number, time, hashes and a masked summary as
    issued."""
    return verification_summary(report_verify_lookup(request=request, code=code))


@router.get(
    "/reports/{number}.pdf",
    auth=[bearer_auth, session_auth],
    operation_id="reports_pdf_get",
    summary="The PDF of a report",
    openapi_extra={
        "responses": {
            200: {
                "description": "The report's PDF as issued.",
                "content": {"application/pdf": {"schema": {"type": "string", "format": "binary"}}},
            },
            404: {"description": "`report_not_found`."},
        }
    },
)
def report_pdf_download(request: HttpRequest, number: str):
    """The report's PDF as issued, for the account that requested it (audited)."""
    report = report_get_for_requester(user=request.user, number=number)
    pdf = report_open(
        actor=request.user, report=report, report_format=ReportFormat.PDF, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
    return response
