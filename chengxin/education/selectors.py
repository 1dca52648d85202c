"""Reads of training and campus files, with the viewer as a parameter (docs/education.md).

List pages are paged by the database (``core.paging``) with their related rows joined, so a
page costs the same few queries whatever its size (tests assert the counts).
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Q, QuerySet
from django.utils.translation import gettext as _

from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.education import error_codes
from chengxin.education.choices import Attendance
from chengxin.education.models import (
    CampusFileAccess,
    Certificate,
    Course,
    CourseSession,
    Enrolment,
    School,
)
from chengxin.education.permissions import (
    can_open_campus_files,
    can_read_schools,
    can_read_training,
)


def _check_reader(viewer) -> None:
    if not can_read_training(viewer):
        raise PermissionDeniedError(
            error_codes.EDUCATION_NOT_ALLOWED, _("您无权查看培训信息。"), "Not allowed."
        )


def _not_found() -> NotFoundError:
    return NotFoundError(error_codes.EDUCATION_NOT_FOUND, _("未找到该培训信息。"), "Not found.")


def courses_for(*, viewer) -> QuerySet[Course]:
    """Every course with its organiser and its number of sessions, newest first."""
    _check_reader(viewer)
    return (
        Course.objects.select_related("organiser")
        .annotate(session_count=Count("sessions"))
        .order_by("-created_at", "-pk")
    )


def course_get(*, viewer, course_id: int) -> Course:
    _check_reader(viewer)
    course = Course.objects.select_related("organiser").filter(pk=course_id).first()
    if course is None:
        raise _not_found()
    return course


def sessions_of(*, viewer, course: Course) -> QuerySet[CourseSession]:
    """The course's sessions with their trainee and attendance counts."""
    _check_reader(viewer)
    return course.sessions.order_by("-starts_on", "-pk").annotate(
        enrolled=Count("enrolments"),
        attended=Count("enrolments", filter=Q(enrolments__attendance=Attendance.ATTENDED)),
    )


def session_get(*, viewer, session_id: int) -> CourseSession:
    _check_reader(viewer)
    session = CourseSession.objects.select_related("course__organiser").filter(pk=session_id)
    found = session.first()
    if found is None:
        raise _not_found()
    return found


def enrolments_of(*, viewer, session: CourseSession) -> QuerySet[Enrolment]:
    """The session's trainees (masked identity), with their practitioner link and certificate."""
    _check_reader(viewer)
    return session.enrolments.select_related(
        "subject", "practitioner__agency", "certificate"
    ).order_by("pk")


def certificates_for(*, viewer) -> QuerySet[Certificate]:
    """Every certificate issued, newest first (masked names only)."""
    _check_reader(viewer)
    return Certificate.objects.order_by("-issued_at", "-pk")


def certificate_get(*, viewer, number: str) -> Certificate:
    _check_reader(viewer)
    certificate = Certificate.objects.filter(number=number).first()
    if certificate is None:
        raise _not_found()
    return certificate


def certificate_by_verification_code(code: str) -> Certificate:
    """The certificate with verification ``code`` (normalised); ``NotFoundError`` otherwise.
    For anyone: callers show only ``certificate_verification_summary``."""
    certificate = Certificate.objects.filter(verification_code=code).first() if code else None
    if certificate is None:
        raise NotFoundError(
            error_codes.EDUCATION_CERTIFICATE_UNKNOWN,
            _("没有与该验证码对应的培训证书。"),
            "No training certificate has this verification code.",
        )
    return certificate


@dataclass(frozen=True)
class CertificateSummary:
    """What anyone holding a certificate's code may see: no ID number, a masked name."""

    number: str
    name_masked: str
    course_title: str
    hours: int
    organiser_name: str
    completed_on: object
    issued_at: object
    pdf_hash: str


def certificate_verification_summary(certificate: Certificate) -> CertificateSummary:
    return CertificateSummary(
        number=certificate.number,
        name_masked=certificate.name_masked,
        course_title=certificate.course_title,
        hours=certificate.hours,
        organiser_name=certificate.organiser_name,
        completed_on=certificate.completed_on,
        issued_at=certificate.issued_at,
        pdf_hash=certificate.pdf_hash,
    )


# --- campus files ------------------------------------------------------------------------------


def schools_for(*, viewer) -> QuerySet[School]:
    """The school register for the credit office and the auditor; an officer sees the schools
    their department acts for."""
    if can_read_schools(viewer):
        return School.objects.select_related("department")
    if can_open_campus_files(viewer):
        return School.objects.select_related("department").filter(
            department_id=viewer.department_id
        )
    raise PermissionDeniedError(
        error_codes.EDUCATION_NOT_ALLOWED, _("您无权查看学校名录。"), "Not allowed."
    )


def campus_accesses_for(*, viewer) -> QuerySet[CampusFileAccess]:
    """Openings of campus files: the credit office and the auditor see all, an officer those
    of their department (the officer's name is kept, the person is named by blind index)."""
    rows = CampusFileAccess.objects.select_related("school", "department")
    if can_read_schools(viewer):
        return rows
    if can_open_campus_files(viewer):
        return rows.filter(department_id=viewer.department_id)
    raise PermissionDeniedError(
        error_codes.EDUCATION_NOT_ALLOWED, _("您无权查看校园诚信档案查阅记录。"), "Not allowed."
    )
