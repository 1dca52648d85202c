"""Writes of the inquiry app: officer queries, credit reports, downloads (consents are written
by ``inquiry.consents``; ``consent_record`` is re-exported here for its callers).

Every query and every report is logged twice over: a row of its own (``ProfileQuery``,
``CreditReport``) for the person's query history, and one audit event with the purpose, the case
number, the legal basis and what was returned (record ids and counts, never personal values).
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
from dataclasses import dataclass

from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.permissions import has_capability
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.policies import REPORT_QUERY_HISTORY
from chengxin.core.selectors import policy_value
from chengxin.core.text import text_checked
from chengxin.core.verification import new_verification_code
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.models import Subject, name_purpose
from chengxin.identity.selectors import subject_by_index, subject_name
from chengxin.identity.services import valid_id_number
from chengxin.inquiry import error_codes
from chengxin.inquiry.choices import (
    CREDIT_REPORT_OBJECT,
    PROFILE_QUERY_OBJECT,
    SELF_INQUIRY_PURPOSE,
    ReportFormat,
)
from chengxin.inquiry.consents import consent_record  # noqa: F401 - re-exported
from chengxin.inquiry.content import ReportRequest, content_hash, report_content
from chengxin.inquiry.limits import CASE_NO, NAME, PURPOSE_CODE
from chengxin.inquiry.models import (
    CreditReport,
    ProfileQuery,
    QueryPurpose,
    ReportCounter,
    report_name_purpose,
    report_pdf_purpose,
)
from chengxin.inquiry.pdf import report_pdf
from chengxin.inquiry.selectors import (
    RecordView,
    category_counts,
    department_consent_scope,
    purpose_by_code,
    query_history,
    records_visible,
)

REPORT_NUMBER_PREFIX_DEFAULT = "QQHR"


@dataclass(frozen=True)
class ProfileAnswer:
    """What an officer's query returned: the person (name in full, as the identity rules allow an
    officer with a purpose and a case number; number masked) and the records the department may
    see."""

    query_id: int
    created_at: datetime.datetime
    purpose_code: str
    purpose_name: str
    legal_basis: str
    case_no: str
    subject_known: bool
    name: str
    id_masked: str
    records: tuple[RecordView, ...]
    counts: dict[str, int]
    disputed: int


@dataclass(frozen=True)
class _Person:
    index: str
    subject: Subject | None
    id_masked: str


# --- Officer queries -------------------------------------------------------------------------


def profile_query(*, actor, id_number: str, purpose: str, case_no: str, request=None):
    """An officer's query of a person's file for a stated purpose and case (SPEC §7).

    Refusals (nothing written): a role without ``query_credit_files`` or without a department
    (403 ``query_role_required``), a missing, unknown or not-allowed purpose (400
    ``purpose_required`` / 403 ``purpose_not_allowed``), a missing case number
    (``case_no_required``), a case number over ``limits.CASE_NO_MAX_LENGTH`` or holding an ID
    number (422 ``text_too_long`` / ``text_holds_id_number``), an invalid ID number (the identity
    validation code). A person with no
    records gets an empty answer. Writes a ``ProfileQuery`` row and one ``personal_data_read``
    audit event (the identity selector adds its own event for the name it decrypts).
    """
    _check_officer(actor, error_code=error_codes.QUERY_ROLE_REQUIRED)
    chosen = _purpose_for(actor, code=purpose)
    case_no = _checked_case_no(case_no, purpose=chosen)
    person = _person_of(id_number)
    today = timezone.localdate()
    with transaction.atomic():
        records = _records_for_department(person, department=actor.department, purpose=chosen)
        name = _officer_name(person, actor=actor, purpose=chosen, case_no=case_no, request=request)
        query = ProfileQuery.objects.create(
            officer=actor,
            department=actor.department,
            purpose=chosen,
            case_no=case_no,
            subject_index=person.index,
            record_ids=[record.record_id for record in records],
            category_counts=category_counts(records),
        )
        _audit_returned(
            actor=actor,
            object_type=PROFILE_QUERY_OBJECT,
            object_id=str(query.pk),
            person=person,
            purpose=chosen,
            case_no=case_no,
            records=records,
            extra={"on": today.isoformat()},
            request=request,
        )
    return ProfileAnswer(
        query_id=query.pk,
        created_at=query.created_at,
        purpose_code=chosen.code,
        purpose_name=chosen.name,
        legal_basis=chosen.legal_basis,
        case_no=case_no,
        subject_known=person.subject is not None,
        name=name,
        id_masked=person.id_masked,
        records=tuple(records),
        counts=category_counts(records),
        disputed=sum(record.disputed for record in records),
    )


def _check_officer(actor, *, error_code: str) -> None:
    if not has_capability(actor, Capability.QUERY_CREDIT_FILES) or actor.department_id is None:
        raise PermissionDeniedError(
            error_code,
            _("只有部门业务经办员可以查询个人信用档案。"),
            "Only a department's case officer may query a person's credit file.",
        )


def _purpose_for(actor, *, code: str) -> QueryPurpose:
    code = text_checked(code, PURPOSE_CODE)
    if not code:
        raise DomainError(
            code=error_codes.PURPOSE_REQUIRED,
            message=_("请选择查询事由。"),
            message_en="A purpose from the allowed list is required.",
        )
    purpose = purpose_by_code(code)
    if purpose is None or actor.role not in purpose.roles:
        raise PermissionDeniedError(
            error_codes.PURPOSE_NOT_ALLOWED,
            _("该查询事由不在您可使用的事由清单中。"),
            "This purpose is not on the list of purposes your role may state.",
        )
    return purpose


def _checked_case_no(case_no: str, *, purpose: QueryPurpose) -> str:
    """The case number stripped; kept in the query, the report and the audit log, so it has at
    most ``limits.CASE_NO_MAX_LENGTH`` characters and no ID number (422 otherwise)."""
    case_no = text_checked(case_no, CASE_NO)
    if purpose.requires_case_no and not case_no:
        raise DomainError(
            code=error_codes.CASE_NO_REQUIRED,
            message=_("请填写案件编号。"),
            message_en="A case number is required.",
        )
    return case_no


def _person_of(id_number: str) -> _Person:
    validation = valid_id_number(id_number)
    index = crypto.blind_index(validation.normalised)
    subject = subject_by_index(index)
    masked = (
        subject.id_masked
        if subject is not None
        else mask_id_number(validation.normalised, context=MaskContext.STAFF)
    )
    return _Person(index=index, subject=subject, id_masked=masked)


def _records_for_department(person: _Person, *, department, purpose) -> list[RecordView]:
    if person.subject is None:
        return []
    scope = department_consent_scope(
        subject_index=person.index,
        department_id=department.pk,
        purpose=purpose,
        on=timezone.localdate(),
    )
    return records_visible(
        subject_index=person.index,
        include_consent_items=scope is not None,
        consent_item_ids=None if scope is None or scope.everything else scope.item_ids,
    )


def _officer_name(person: _Person, *, actor, purpose, case_no: str, request) -> str:
    if person.subject is None:
        return ""
    return subject_name(
        subject=person.subject,
        viewer=actor,
        purpose=purpose.name,
        case_no=case_no,
        request=request,
    )


def _audit_returned(
    *,
    actor,
    object_type: str,
    object_id: str,
    person: _Person,
    purpose: QueryPurpose,
    case_no: str,
    records: list[RecordView],
    extra: dict,
    request,
    action: str = AuditAction.PERSONAL_DATA_READ,
) -> None:
    audit_events.record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject_index=person.index,
        purpose=purpose.name,
        case_no=case_no,
        detail={
            "purpose_code": purpose.code,
            "legal_basis": purpose.legal_basis,
            "subject_known": person.subject is not None,
            "record_ids": [record.record_id for record in records],
            "counts": category_counts(records),
            "disputed_record_ids": [record.record_id for record in records if record.disputed],
            **extra,
        },
        request=request,
    )


# --- Credit reports --------------------------------------------------------------------------


def report_issue(
    *,
    actor,
    id_number: str,
    purpose: str = "",
    case_no: str = "",
    self_service: bool = False,
    name: str = "",
    verification_base_url: str = "",
    request=None,
) -> CreditReport:
    """Issue a credit report (公共信用信息报告, SPEC §7) and keep it as issued.

    An officer states a purpose and a case number and gets what their department may see, with
    the person's full name (read through the identity selector, audited). A citizen asks for
    their own report (``self_service``) with their ID number *and* name: there is no link between
    citizen accounts and ID numbers yet, so the name must match the one on file (compared inside
    this service; the citizen never reads it) and the report is refused otherwise, without saying
    whether the number is known. The self-service report holds every active record.

    Writes the report (content, its hash, the sealed name and PDF) and one ``create`` audit event
    with purpose, case number, legal basis and what was returned.
    """
    if self_service:
        return _report_issue_self(
            actor=actor, id_number=id_number, name=name, base_url=verification_base_url,
            request=request,
        )  # fmt: skip
    _check_officer(actor, error_code=error_codes.REPORT_ROLE_REQUIRED)
    chosen = _purpose_for(actor, code=purpose)
    case_no = _checked_case_no(case_no, purpose=chosen)
    person = _person_of(id_number)
    with transaction.atomic():
        records = _records_for_department(person, department=actor.department, purpose=chosen)
        full_name = _officer_name(
            person, actor=actor, purpose=chosen, case_no=case_no, request=request
        )
        return _report_write(
            actor=actor,
            person=person,
            purpose=chosen,
            case_no=case_no,
            records=records,
            full_name=full_name,
            base_url=verification_base_url,
            request=request,
        )


def _report_issue_self(*, actor, id_number: str, name: str, base_url: str, request):
    if not has_capability(actor, Capability.VIEW_OWN_FILE):
        raise PermissionDeniedError(
            error_codes.REPORT_ROLE_REQUIRED,
            _("只有公众用户可以查询本人信用报告。"),
            "Only a citizen account may ask for its own credit report.",
        )
    name = text_checked(name, NAME)
    person = _person_of(id_number)
    if person.subject is None or not _name_matches(person.subject, name):
        raise PermissionDeniedError(
            error_codes.SELF_SERVICE_IDENTITY_NOT_VERIFIED,
            _("身份证号码与姓名无法核验为同一人，不能出具本人信用报告。"),
            "The identity number and name could not be verified as one person.",
        )
    purpose = QueryPurpose.objects.get(code=SELF_INQUIRY_PURPOSE)
    with transaction.atomic():
        records = records_visible(subject_index=person.index, include_consent_items=True)
        return _report_write(
            actor=actor,
            person=person,
            purpose=purpose,
            case_no="",
            records=records,
            full_name=name.strip(),
            base_url=base_url,
            request=request,
        )


def report_issue_own(
    *, actor, account, verification_base_url: str = "", request=None
) -> CreditReport:
    """The person's own credit report, asked for from their confirmed citizen account (free of
    charge, any time; ``account`` is their confirmed ``CitizenAccount``): the account is bound to the person by blind index, so no ID number or
    name is typed. Holds every active record, like the self-service report; the name printed
    is the one on file. A person the platform holds nothing about gets a report without
    records. Writes the report and its ``create`` audit event (``report_issue``)."""
    if not has_capability(actor, Capability.VIEW_OWN_FILE):
        raise PermissionDeniedError(
            error_codes.REPORT_ROLE_REQUIRED,
            _("只有公众用户可以查询本人信用报告。"),
            "Only a citizen account may ask for its own credit report.",
        )
    subject_index = account.subject_index
    subject = subject_by_index(subject_index)
    person = _Person(index=subject_index, subject=subject, id_masked=account.id_masked)
    purpose = QueryPurpose.objects.get(code=SELF_INQUIRY_PURPOSE)
    with transaction.atomic():
        records = records_visible(subject_index=subject_index, include_consent_items=True)
        return _report_write(
            actor=actor,
            person=person,
            purpose=purpose,
            case_no="",
            records=records,
            full_name=_name_on_file(subject),
            base_url=verification_base_url,
            request=request,
        )


def _name_on_file(subject: Subject | None) -> str:
    if subject is None or not subject.has_name:
        return ""
    sealed = crypto.Sealed(
        ciphertext=bytes(subject.name_ciphertext),
        key_id=subject.name_key_id,
        algorithm=subject.name_algorithm,
    )
    return crypto.decrypt(sealed, purpose=name_purpose(subject))


def _name_matches(subject: Subject, name: str) -> bool:
    """Whether ``name`` is the name on file. The name is decrypted here only to compare it: the
    identity selectors do not let a citizen read names (see docs/inquiry.md, limitations)."""
    name = (name or "").strip()
    if not name or not subject.has_name:
        return False
    sealed = crypto.Sealed(
        ciphertext=bytes(subject.name_ciphertext),
        key_id=subject.name_key_id,
        algorithm=subject.name_algorithm,
    )
    on_file = crypto.decrypt(sealed, purpose=name_purpose(subject))
    return hmac.compare_digest(on_file.encode("utf-8"), name.encode("utf-8"))


def _report_write(
    *,
    actor,
    person: _Person,
    purpose: QueryPurpose,
    case_no: str,
    records: list[RecordView],
    full_name: str,
    base_url: str,
    request,
) -> CreditReport:
    issued_at = timezone.now()
    number = _next_report_number(issued_at)
    code = _new_verification_code()
    department = actor.department if purpose.code != SELF_INQUIRY_PURPOSE else None
    since = _history_start(issued_at)
    request_facts = ReportRequest(
        number=number,
        issued_at=issued_at,
        purpose=purpose,
        case_no=case_no,
        self_service=department is None,
        department_code=department.code if department is not None else "",
        department_name=department.name if department is not None else "",
        name_masked=person.subject.name_masked if person.subject is not None else "",
        id_masked=person.id_masked,
        verification_url=verification_url(code, base_url=base_url),
        history_since=timezone.localtime(since).date(),
    )
    history = query_history(subject_index=person.index, since=since)
    content = report_content(request=request_facts, records=records, history=history)
    pdf = report_pdf(content=content, full_name=full_name, verification_code=code)
    report = CreditReport(
        number=number,
        verification_code=code,
        subject_index=person.index,
        requested_by=actor,
        department=department,
        purpose=purpose,
        case_no=case_no,
        self_service=department is None,
        issued_at=issued_at,
        content=content,
        content_hash=content_hash(content),
        pdf_hash=hashlib.sha256(pdf).hexdigest(),
    )
    _seal_report_files(report, full_name=full_name, pdf=pdf)
    report.save(force_insert=True)
    _audit_returned(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=CREDIT_REPORT_OBJECT,
        object_id=number,
        person=person,
        purpose=purpose,
        case_no=case_no,
        records=records,
        extra={
            "self_service": report.self_service,
            "content_hash": report.content_hash,
            "pdf_hash": report.pdf_hash,
            "query_history_entries": len(history),
        },
        request=request,
    )
    return report


def _seal_report_files(report: CreditReport, *, full_name: str, pdf: bytes) -> None:
    sealed_pdf = crypto.encrypt(
        base64.b64encode(pdf).decode("ascii"), purpose=report_pdf_purpose(report)
    )
    report.pdf_ciphertext = sealed_pdf.ciphertext
    report.pdf_key_id = sealed_pdf.key_id
    report.pdf_algorithm = sealed_pdf.algorithm
    if full_name:
        sealed_name = crypto.encrypt(full_name, purpose=report_name_purpose(report))
        report.name_ciphertext = sealed_name.ciphertext
        report.name_key_id = sealed_name.key_id
        report.name_algorithm = sealed_name.algorithm


def _history_start(issued_at: datetime.datetime) -> datetime.datetime:
    years = int(policy_value(REPORT_QUERY_HISTORY.name))
    local = timezone.localtime(issued_at)
    try:
        return local.replace(year=local.year - years)
    except ValueError:  # 29 February
        return local.replace(year=local.year - years, day=28)


def _next_report_number(issued_at: datetime.datetime) -> str:
    """``QQHR-2026-000123``: the prefix, the year (Asia/Shanghai) and a counter per year that
    only grows (a row lock on the year's counter serialises concurrent issues)."""
    year = timezone.localtime(issued_at).year
    ReportCounter.objects.get_or_create(year=year)
    ReportCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    counter = ReportCounter.objects.select_for_update().get(year=year)
    prefix = settings.CHENGXIN_REPORT_PREFIX or REPORT_NUMBER_PREFIX_DEFAULT
    return f"{prefix}-{year}-{counter.last_number:06d}"


def _new_verification_code() -> str:
    return new_verification_code()


def verification_url(code: str, *, base_url: str = "") -> str:
    """The public address that verifies a report by its code (printed as the QR code): on the
    public website (``CHENGXIN_PUBLIC_URL``) when it is set, otherwise on the address the request
    came to."""
    base = (settings.CHENGXIN_PUBLIC_URL or base_url or "").rstrip("/")
    return f"{base}{reverse('portal:verify')}?code={code}"


def report_open(*, actor, report: CreditReport, report_format: str, request=None) -> bytes:
    """The stored PDF of ``report`` (the same bytes every time) for its requester; every
    download (PDF, page, JSON) is an audited read of the person's data."""
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=report.subject_index,
        object_type=CREDIT_REPORT_OBJECT,
        object_id=report.number,
        purpose=report.purpose.name,
        case_no=report.case_no,
        detail={"format": ReportFormat(report_format).value, "content_hash": report.content_hash},
        request=request,
    )
    if report_format != ReportFormat.PDF:
        return b""
    sealed = crypto.Sealed(
        ciphertext=bytes(report.pdf_ciphertext),
        key_id=report.pdf_key_id,
        algorithm=report.pdf_algorithm,
    )
    return base64.b64decode(crypto.decrypt(sealed, purpose=report_pdf_purpose(report)))


def report_full_name(report: CreditReport) -> str:
    """The full name printed on ``report`` (for its requester's page; callers audit the read
    through ``report_open``)."""
    if not report.name_key_id:
        return ""
    sealed = crypto.Sealed(
        ciphertext=bytes(report.name_ciphertext),
        key_id=report.name_key_id,
        algorithm=report.name_algorithm,
    )
    return crypto.decrypt(sealed, purpose=report_name_purpose(report))


def is_citizen(user) -> bool:
    return getattr(user, "role", "") == Role.CITIZEN
