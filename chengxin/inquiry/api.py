"""Officer queries and credit reports (ARCHITECTURE, API contract): ``POST /profiles``,
``POST /reports``, ``GET /reports/{number}.pdf`` and the public ``GET /reports/verify/{code}``.

ID numbers travel only in POST bodies. Reports also accept a signed-in session, since citizens
have no API tokens (a staff session counts only after its second factor).
"""

from __future__ import annotations

import datetime

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema
from ninja.security import SessionAuth

from chengxin.accounts.decorators import second_factor_satisfied
from chengxin.api.auth import bearer_auth
from chengxin.inquiry.choices import ReportFormat
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
    """A signed-in session: a citizen's, or a staff member's that passed the second factor."""

    def authenticate(self, request: HttpRequest, key):
        user = request.user
        if user.is_authenticated and (is_citizen(user) or second_factor_satisfied(request)):
            return user
        return None


session_auth = VerifiedSessionAuth()


class ProfileIn(Schema):
    id_number: str
    purpose: str
    case_no: str


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
    id_number: str
    purpose: str = ""
    case_no: str = ""
    self_service: bool = False
    name: str = ""


class ReportOut(Schema):
    number: str
    verification_code: str
    issued_at: datetime.datetime
    content_hash: str
    pdf_hash: str
    pdf_url: str
    verification_url: str
    content: dict


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


@router.get("/profiles/purposes", response=list[PurposeOut], auth=bearer_auth)
def purpose_list(request: HttpRequest):
    """The purposes the caller's role may state."""
    return purposes_for(user=request.user)


@router.post("/profiles", response=ProfileOut, auth=bearer_auth)
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


@router.post("/reports", response=ReportOut, auth=[bearer_auth, session_auth])
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


@router.get("/reports/verify/{code}", response=VerificationOut, auth=None)
def report_verify(request: HttpRequest, code: str):
    """Verify a report by its code, for anyone: number, time, hashes and a masked summary as
    issued."""
    return verification_summary(report_verify_lookup(request=request, code=code))


@router.get("/reports/{number}.pdf", auth=[bearer_auth, session_auth])
def report_pdf_download(request: HttpRequest, number: str):
    """The report's PDF as issued, for the account that requested it (audited)."""
    report = report_get_for_requester(user=request.user, number=number)
    pdf = report_open(
        actor=request.user, report=report, report_format=ReportFormat.PDF, request=request
    )
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{report.number}.pdf"'
    return response
