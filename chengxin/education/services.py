"""Changes to training: courses, sessions, enrolments, attendance and certificates, each in one
transaction with its audit event (docs/education.md, "Training").

Every refusal raises a ``DomainError`` before anything is written (or inside the transaction,
which then writes nothing): 403 for a role that may not act, 404 for an object not found, 422
naming the field for bad input, 409 for a state that does not allow the step.
"""

from __future__ import annotations

import datetime
import hashlib

from django.conf import settings
from django.db import IntegrityError, transaction
from django.db.models import F
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.text import TextField, field_refusal, text_checked
from chengxin.core.verification import new_verification_code
from chengxin.education import error_codes, limits
from chengxin.education.choices import Attendance, SessionStatus
from chengxin.education.models import (
    Certificate,
    CertificateCounter,
    Course,
    CourseSession,
    Enrolment,
    certificate_pdf_purpose,
)
from chengxin.education.pdf import CertificateFacts, certificate_pdf
from chengxin.education.permissions import can_manage_training
from chengxin.identity.selectors import subject_name
from chengxin.identity.services import subject_get_or_create
from chengxin.supervision.models import Practitioner

COURSE_OBJECT = "education.course"
SESSION_OBJECT = "education.session"
ENROLMENT_OBJECT = "education.enrolment"
CERTIFICATE_OBJECT = "education.certificate"
CERTIFICATE_PREFIX = "PX"
CERTIFICATE_NAME_PURPOSE = "培训证书打印持证人姓名"
CERTIFICATE_DOWNLOAD_PURPOSE = "下载培训证书"


def course_create(
    *, actor, title: str, description: str, hours: int, organiser: Department | None
) -> Course:
    """A new training course; audited ``create``."""
    _check_manager(actor)
    title = _required_text(title, limits.TITLE)
    description = _required_text(description, limits.DESCRIPTION)
    hours = _number(hours, field="hours", label=_("学时"), maximum=limits.HOURS_MAX)
    if organiser is None:
        raise _required(TextField(name="organiser", label=_("主办单位"), max_length=1))
    with transaction.atomic():
        course = Course.objects.create(
            title=title, description=description, hours=hours, organiser=organiser, created_by=actor
        )
        _audit(actor, AuditAction.CREATE, COURSE_OBJECT, course.pk, {"hours": hours})
    return course


def session_create(
    *,
    actor,
    course: Course,
    starts_on: datetime.date | None,
    ends_on: datetime.date | None,
    place: str,
    capacity: int,
) -> CourseSession:
    """A session of ``course``; the dates are required and in order. Audited ``create``."""
    _check_manager(actor)
    place = _required_text(place, limits.PLACE)
    capacity = _number(capacity, field="capacity", label=_("名额"), maximum=limits.CAPACITY_MAX)
    if starts_on is None:
        raise _required(TextField(name="starts_on", label=_("开始日期"), max_length=10))
    if ends_on is None or ends_on < starts_on:
        raise _invalid("ends_on", _("结束日期不能早于开始日期。"), "ends_on is before starts_on.")
    with transaction.atomic():
        session = CourseSession.objects.create(
            course=course, starts_on=starts_on, ends_on=ends_on, place=place, capacity=capacity
        )
        detail = {"course_id": course.pk, "starts_on": starts_on, "ends_on": ends_on}
        _audit(actor, AuditAction.CREATE, SESSION_OBJECT, session.pk, detail)
    return session


def enrolment_add(*, actor, session_id: int, name: str, id_number: str) -> Enrolment:
    """Enrol a trainee: the person becomes (or is) an identity subject; a practitioner
    registered with a credit agency is linked. Refused when the session is closed (409), full
    (409) or the person is already enrolled (409). Audited ``create`` by blind index only."""
    _check_manager(actor)
    name = _required_text(name, limits.PERSON_NAME)
    if not (id_number or "").strip():
        raise _required(TextField(name="id_number", label=_("身份证号码"), max_length=18))
    with transaction.atomic():
        session = _locked_session(session_id)
        _check_open(session)
        if session.enrolments.count() >= session.capacity:
            raise _conflict(error_codes.EDUCATION_SESSION_FULL, _("该班次名额已满。"), "Full.")
        subject = _subject(id_number=id_number, name=name, actor=actor)
        practitioner = Practitioner.objects.filter(subject=subject).order_by("pk").first()
        try:
            with transaction.atomic():
                enrolment = Enrolment.objects.create(
                    session=session,
                    subject=subject,
                    subject_index=subject.blind_index,
                    practitioner=practitioner,
                )
        except IntegrityError:
            raise _conflict(
                error_codes.EDUCATION_ALREADY_ENROLLED,
                _("该学员已报名本班次。"),
                "This person is already enrolled in the session.",
            ) from None
        audit_events.change_event(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=ENROLMENT_OBJECT,
            object_id=str(enrolment.pk),
            subject_index=subject.blind_index,
            detail={"session_id": session.pk, "practitioner_id": getattr(practitioner, "pk", None)},
        )
    return enrolment


def attendance_mark(
    *, actor, session_id: int, attended_ids: set[int], shown_ids: set[int] | None = None
) -> int:
    """Mark the session's trainees: those in ``attended_ids`` attended, the others absent
    (a trainee with a certificate keeps ``attended``). ``shown_ids`` limits the change to the
    trainees of the page that was sent (a paged list must not mark the other pages absent);
    ``None`` means every trainee. Returns how many changed; one audit event for the session
    with the counts."""
    _check_manager(actor)
    with transaction.atomic():
        session = _locked_session(session_id)
        _check_open(session)
        now = timezone.now()
        enrolments = session.enrolments.select_for_update(of=("self",)).filter(
            certificate__isnull=True
        )
        if shown_ids is not None:
            enrolments = enrolments.filter(pk__in=shown_ids)
        present = enrolments.filter(pk__in=attended_ids).exclude(attendance=Attendance.ATTENDED)
        absent = enrolments.exclude(pk__in=attended_ids).exclude(attendance=Attendance.ABSENT)
        changed = present.update(attendance=Attendance.ATTENDED, attendance_at=now)
        changed += absent.update(attendance=Attendance.ABSENT, attendance_at=now)
        _audit(
            actor,
            AuditAction.UPDATE,
            SESSION_OBJECT,
            session.pk,
            {"attendance": True, "attended": len(attended_ids), "changed": changed},
        )
    return changed


def session_close(*, actor, session_id: int) -> CourseSession:
    """Close a session: no more enrolments or attendance changes; certificates can still be
    issued to those who attended. Audited ``decision``."""
    _check_manager(actor)
    with transaction.atomic():
        session = _locked_session(session_id)
        _check_open(session)
        session.status = SessionStatus.CLOSED
        session.save(update_fields=["status"])
        _audit(actor, AuditAction.DECISION, SESSION_OBJECT, session.pk, {"status": session.status})
    return session


def certificate_issue(
    *, actor, enrolment_id: int, verification_base_url: str = "", request=None
) -> Certificate:
    """Issue the certificate of a trainee who attended: number ``PX-<year>-<n>`` (a counter per
    year, Asia/Shanghai), a random verification code, the PDF with the full name (an audited
    read of the name), sealed. One certificate per enrolment: a second request answers the one
    issued (idempotent). Audited ``create`` by blind index."""
    _check_manager(actor)
    with transaction.atomic():
        enrolment = (
            Enrolment.objects.select_for_update(of=("self",))
            .select_related("session__course__organiser", "subject")
            .filter(pk=enrolment_id)
            .first()
        )
        if enrolment is None:
            raise _not_found()
        existing = Certificate.objects.filter(enrolment=enrolment).first()
        if existing is not None:
            return existing
        if enrolment.attendance != Attendance.ATTENDED:
            raise _conflict(
                error_codes.EDUCATION_NOT_ATTENDED,
                _("学员考勤合格后才能颁发证书。"),
                "A certificate is issued only to a trainee marked as attended.",
            )
        certificate = _certificate_new(
            actor, enrolment, base_url=verification_base_url, request=request
        )
        audit_events.change_event(
            actor=actor,
            action=AuditAction.CREATE,
            object_type=CERTIFICATE_OBJECT,
            object_id=certificate.number,
            subject_index=enrolment.subject_index,
            detail={"enrolment_id": enrolment.pk, "pdf_hash": certificate.pdf_hash},
        )
    return certificate


def certificate_pdf_open(*, actor, certificate: Certificate, request=None) -> bytes:
    """The stored PDF of a certificate for training staff; an audited read of the person's
    data."""
    if not can_manage_training(actor):
        raise _not_allowed()
    audit_events.personal_data_read_event(
        actor=actor,
        subject_index=certificate.subject_index,
        object_type=CERTIFICATE_OBJECT,
        object_id=certificate.number,
        purpose=CERTIFICATE_DOWNLOAD_PURPOSE,
        request=request,
    )
    sealed = crypto.Sealed(
        ciphertext=bytes(certificate.pdf_ciphertext),
        key_id=certificate.pdf_key_id,
        algorithm=certificate.pdf_algorithm,
    )
    return crypto.decrypt_bytes(sealed, purpose=certificate_pdf_purpose(certificate))


def certificate_verification_url(code: str, *, base_url: str = "") -> str:
    """The public address that verifies a certificate by its code (its QR code)."""
    base = (settings.CHENGXIN_PUBLIC_URL or base_url or "").rstrip("/")
    return f"{base}{reverse('certificates:verify')}?code={code}"


def _certificate_new(actor, enrolment: Enrolment, *, base_url: str, request) -> Certificate:
    session = enrolment.session
    course = session.course
    issued_at = timezone.now()
    number = _next_number(issued_at)
    code = new_verification_code()
    full_name = subject_name(
        subject=enrolment.subject, viewer=actor, purpose=CERTIFICATE_NAME_PURPOSE, request=request
    )
    facts = CertificateFacts(
        issuer=settings.CHENGXIN_SITE_NAME,
        number=number,
        full_name=full_name or enrolment.subject.name_masked,
        id_masked=enrolment.subject.id_masked,
        course_title=course.title,
        hours=course.hours,
        organiser_name=course.organiser.name,
        starts_on=session.starts_on.isoformat(),
        completed_on=session.ends_on.isoformat(),
        issued_on=timezone.localtime(issued_at).date().isoformat(),
        verification_code=code,
        verification_url=certificate_verification_url(code, base_url=base_url),
    )
    pdf = certificate_pdf(facts)
    certificate = Certificate(
        enrolment=enrolment,
        number=number,
        verification_code=code,
        subject_index=enrolment.subject_index,
        name_masked=enrolment.subject.name_masked,
        course_title=course.title,
        hours=course.hours,
        organiser_name=course.organiser.name,
        completed_on=session.ends_on,
        issued_at=issued_at,
        issued_by=actor,
        pdf_hash=hashlib.sha256(pdf).hexdigest(),
    )
    sealed = crypto.encrypt_bytes(pdf, purpose=certificate_pdf_purpose(certificate))
    certificate.pdf_ciphertext = sealed.ciphertext
    certificate.pdf_key_id = sealed.key_id
    certificate.pdf_algorithm = sealed.algorithm
    certificate.save(force_insert=True)
    return certificate


def _next_number(issued_at: datetime.datetime) -> str:
    """``PX-2026-000001``: a counter per year that only grows (the row lock of the update
    serialises concurrent issues)."""
    year = timezone.localtime(issued_at).year
    CertificateCounter.objects.get_or_create(year=year)
    CertificateCounter.objects.filter(year=year).update(last_number=F("last_number") + 1)
    counter = CertificateCounter.objects.select_for_update().get(year=year)
    return f"{CERTIFICATE_PREFIX}-{year}-{counter.last_number:06d}"


def _locked_session(session_id: int) -> CourseSession:
    session = CourseSession.objects.select_for_update().filter(pk=session_id).first()
    if session is None:
        raise _not_found()
    return session


def _check_open(session: CourseSession) -> None:
    if session.status != SessionStatus.OPEN:
        raise _conflict(
            error_codes.EDUCATION_SESSION_CLOSED,
            _("该班次已结束，不能再报名或修改考勤。"),
            "The session is closed.",
        )


def _subject(*, id_number: str, name: str, actor):
    try:
        return subject_get_or_create(id_number=id_number, name=name, actor=actor)
    except DomainError as error:
        raise field_refusal(
            [
                {
                    "field": "id_number",
                    "code": error.code,
                    "message": error.message,
                    "message_en": error.message_en,
                }
            ]
        ) from None


def _check_manager(actor) -> None:
    if not can_manage_training(actor):
        raise _not_allowed()


def _not_allowed() -> PermissionDeniedError:
    return PermissionDeniedError(
        error_codes.EDUCATION_NOT_ALLOWED,
        _("只有信用办审核员可以办理培训和颁发证书。"),
        "Only credit-office reviewers run training and issue certificates.",
    )


def _not_found() -> NotFoundError:
    return NotFoundError(error_codes.EDUCATION_NOT_FOUND, _("未找到该培训信息。"), "Not found.")


def _conflict(code: str, message: str, message_en: str) -> DomainError:
    return DomainError(code=code, message=message, message_en=message_en, status=409)


def _required_text(value: str | None, field: TextField) -> str:
    cleaned = text_checked(value, field)
    if not cleaned:
        raise _required(field)
    return cleaned


def _required(field: TextField) -> DomainError:
    return field_refusal(
        [
            {
                "field": field.name,
                "code": error_codes.EDUCATION_FIELD_REQUIRED,
                "message": _("请填写“%(label)s”。") % {"label": field.label},
                "message_en": f"{field.name} is required.",
            }
        ]
    )


def _invalid(field: str, message: str, message_en: str) -> DomainError:
    return field_refusal(
        [
            {
                "field": field,
                "code": error_codes.EDUCATION_VALUE_INVALID,
                "message": message,
                "message_en": message_en,
            }
        ]
    )


def _number(value, *, field: str, label, maximum: int) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = 0
    if not 1 <= number <= maximum:
        raise _invalid(
            field,
            _("“%(label)s”应为 1 至 %(maximum)d 之间的整数。")
            % {"label": label, "maximum": maximum},
            f"{field} must be a whole number from 1 to {maximum}.",
        )
    return number


def _audit(actor, action: str, object_type: str, object_id, detail: dict) -> None:
    audit_events.change_event(
        actor=actor, action=action, object_type=object_type, object_id=str(object_id), detail=detail
    )
