"""Training of credit practitioners and campus integrity files (SPEC §10; docs/education.md).

Personal data: an enrolment and a campus file access name the person through an
``identity.Subject`` and its blind index (``subject_index``); the ID number and the name are kept
there, encrypted. A certificate keeps its PDF sealed (it prints the full name) and, for anyone
holding its verification code, only the masked name.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.core import rotation
from chengxin.education import limits
from chengxin.education.choices import Attendance, SchoolDecision, SessionStatus

CERTIFICATE_PDF_PURPOSE = "education.certificate.pdf"


def certificate_pdf_purpose(certificate: Certificate) -> str:
    """Encryption purpose of a certificate's PDF, bound to its number."""
    return f"{CERTIFICATE_PDF_PURPOSE}|{certificate.number}"


class Course(models.Model):
    """A training course for credit practitioners (plan 二(一)4: 信用从业人员培训)."""

    title = models.CharField(_("课程名称"), max_length=limits.TITLE_MAX_LENGTH)
    description = models.TextField(_("课程内容"), max_length=limits.DESCRIPTION_MAX_LENGTH)
    hours = models.PositiveSmallIntegerField(_("学时"))
    organiser = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("主办单位"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训课程")
        verbose_name_plural = _("培训课程")
        ordering = ["-created_at", "-pk"]

    def __str__(self) -> str:
        return self.title


class CourseSession(models.Model):
    """One run of a course: dates, place, capacity; open until the credit office closes it."""

    course = models.ForeignKey(Course, on_delete=models.PROTECT, related_name="sessions")
    starts_on = models.DateField(_("开始日期"))
    ends_on = models.DateField(_("结束日期"))
    place = models.CharField(_("培训地点"), max_length=limits.PLACE_MAX_LENGTH)
    capacity = models.PositiveIntegerField(_("名额"))
    status = models.CharField(
        _("状态"), max_length=16, choices=SessionStatus.choices, default=SessionStatus.OPEN
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("培训班次")
        verbose_name_plural = _("培训班次")
        ordering = ["-starts_on", "-pk"]

    def __str__(self) -> str:
        return f"{self.course.title} {self.starts_on}"


class Enrolment(models.Model):
    """A trainee of a session and their attendance. ``practitioner`` links a registered
    practitioner of a credit agency (``supervision.Practitioner``) when the trainee is one."""

    session = models.ForeignKey(CourseSession, on_delete=models.PROTECT, related_name="enrolments")
    subject = models.ForeignKey(
        "identity.Subject", verbose_name=_("学员"), on_delete=models.PROTECT, related_name="+"
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    practitioner = models.ForeignKey(
        "supervision.Practitioner",
        verbose_name=_("从业人员登记"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    attendance = models.CharField(
        _("参训情况"), max_length=16, choices=Attendance.choices, default=Attendance.ENROLLED
    )
    enrolled_at = models.DateTimeField(_("报名时间"), auto_now_add=True)
    attendance_at = models.DateTimeField(_("考勤时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("学员")
        verbose_name_plural = _("学员")
        ordering = ["pk"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "subject"], name="education_enrolment_once_per_session"
            )
        ]
        indexes = [models.Index(fields=["subject_index"], name="education_enrolment_subject")]

    def __str__(self) -> str:
        return f"{self.subject.name_masked} {self.get_attendance_display()}"


class CertificateCounter(models.Model):
    """The last certificate number given in a year (numbers only grow)."""

    year = models.PositiveSmallIntegerField(unique=True)
    last_number = models.PositiveIntegerField(default=0)

    class Meta:
        verbose_name = _("证书编号计数")
        verbose_name_plural = _("证书编号计数")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class Certificate(models.Model):
    """A training certificate as issued: number ``PX-<year>-<n>``, a random verification code
    (what verifies it: the number is sequential and so guessable), the facts printed on it, and
    its PDF sealed with the SHA-256 of the bytes."""

    enrolment = models.OneToOneField(
        Enrolment, on_delete=models.PROTECT, related_name="certificate"
    )
    number = models.CharField(_("证书编号"), max_length=32, unique=True)
    verification_code = models.CharField(_("验证码"), max_length=16, unique=True)
    subject_index = models.CharField(_("索引"), max_length=64)
    name_masked = models.CharField(_("姓名（脱敏）"), max_length=60)
    course_title = models.CharField(_("课程名称"), max_length=limits.TITLE_MAX_LENGTH)
    hours = models.PositiveSmallIntegerField(_("学时"))
    organiser_name = models.CharField(_("主办单位"), max_length=200)
    completed_on = models.DateField(_("结业日期"))
    issued_at = models.DateTimeField(_("颁发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    pdf_ciphertext = models.BinaryField(_("PDF 密文"))
    pdf_key_id = models.CharField(_("PDF 密钥编号"), max_length=32)
    pdf_algorithm = models.CharField(_("PDF 加密算法"), max_length=32)
    pdf_hash = models.CharField(_("PDF 摘要"), max_length=64)

    class Meta:
        verbose_name = _("培训证书")
        verbose_name_plural = _("培训证书")
        ordering = ["-issued_at", "-pk"]

    def __str__(self) -> str:
        return self.number


rotation.register(
    Certificate,
    ciphertext_field="pdf_ciphertext",
    key_id_field="pdf_key_id",
    algorithm_field="pdf_algorithm",
    purpose=certificate_pdf_purpose,
)


class School(models.Model):
    """A school in the register of campus integrity files (plan 二(二)3). ``department`` is the
    department whose officers act for the school (its own account's department, or the
    education bureau for schools without one)."""

    name = models.CharField(_("学校名称"), max_length=limits.SCHOOL_NAME_MAX_LENGTH)
    code = models.CharField(_("学校标识码"), max_length=limits.SCHOOL_CODE_MAX_LENGTH, unique=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("经办部门"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("学校")
        verbose_name_plural = _("学校")
        ordering = ["name", "pk"]

    def __str__(self) -> str:
        return self.name


class CampusFileAccess(models.Model):
    """One opening of a student's campus integrity file: which school, for which decision and
    matter number, by which officer of which department, and how many records it showed. The
    person sees it under "who looked" (``myfile``, kind ``campus``)."""

    school = models.ForeignKey(School, on_delete=models.PROTECT, related_name="accesses")
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    decision = models.CharField(_("用途"), max_length=16, choices=SchoolDecision.choices)
    case_no = models.CharField(_("事项编号"), max_length=limits.CASE_NO_MAX_LENGTH)
    records_shown = models.PositiveIntegerField(_("显示记录数"), default=0)
    created_at = models.DateTimeField(_("查阅时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("校园诚信档案查阅")
        verbose_name_plural = _("校园诚信档案查阅")
        ordering = ["-created_at", "-pk"]
        indexes = [
            models.Index(fields=["subject_index", "created_at"], name="education_campus_subject")
        ]

    def __str__(self) -> str:
        return f"{self.school.name} {self.get_decision_display()}"
