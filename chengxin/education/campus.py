"""Campus integrity files (校园诚信档案, plan 二(二)3; docs/education.md, "Campus files").

A student's campus file is what the platform holds about them in the education domain: the
active records of catalog items of ``Domain.EDUCATION``. Students aged 18 and over have one
(SPEC §10). A registered school opens a file only for one of the plan's decisions
(``SchoolDecision``), with the matter's number, through an officer of the department the school
acts through. Each opening is one ``CampusFileAccess`` row, one audited read with that purpose,
and a line in the person's "who looked" (``myfile``, kind ``campus``). A refusal (a student under
18, a school of another department, a bad number) writes nothing.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import Domain
from chengxin.collection.choices import RecordStatus
from chengxin.collection.models import CreditRecord
from chengxin.core import crypto
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, NotFoundError, PermissionDeniedError
from chengxin.core.text import field_refusal, text_checked
from chengxin.education import error_codes, limits
from chengxin.education.choices import SchoolDecision
from chengxin.education.models import CampusFileAccess, School
from chengxin.education.permissions import can_keep_schools, can_open_campus_files
from chengxin.identity.choices import MaskContext
from chengxin.identity.masking import mask_id_number
from chengxin.identity.selectors import subject_by_index
from chengxin.identity.validation import validate_id_number

SCHOOL_OBJECT = "education.school"
CAMPUS_FILE_OBJECT = "education.campus_file"


@dataclass(frozen=True)
class CampusFile:
    """What an opening shows: the access row, the masked identity, the records."""

    access: CampusFileAccess
    id_masked: str
    name_masked: str
    records: list[CreditRecord]


def school_register(*, actor, name: str, code: str, department: Department | None) -> School:
    """Add a school to the register; its code is unique. Audited ``create``."""
    if not can_keep_schools(actor):
        raise PermissionDeniedError(
            error_codes.EDUCATION_NOT_ALLOWED,
            _("只有信用办审核员和系统管理员可以维护学校名录。"),
            "Only credit-office reviewers and the system admin keep the school register.",
        )
    name = _required(text_checked(name, limits.SCHOOL_NAME), "name", _("学校名称"))
    code = _required(text_checked(code, limits.SCHOOL_CODE), "code", _("学校标识码"))
    if department is None:
        raise _field_error(
            "department", error_codes.EDUCATION_FIELD_REQUIRED, _("请选择经办部门。")
        )
    try:
        with transaction.atomic():
            school = School.objects.create(name=name, code=code, department=department)
            audit_events.change_event(
                actor=actor,
                action=AuditAction.CREATE,
                object_type=SCHOOL_OBJECT,
                object_id=str(school.pk),
                detail={"code": code, "department": department.code},
            )
    except IntegrityError:
        raise _field_error(
            "code", error_codes.EDUCATION_VALUE_INVALID, _("该学校标识码已登记。")
        ) from None
    return school


def campus_file_open(
    *,
    actor,
    school_id: int,
    decision: str,
    case_no: str,
    id_number: str,
    today: datetime.date | None = None,
    request=None,
) -> CampusFile:
    """Open a student's campus file for ``decision`` of ``school``; see the module docstring.

    Raises 403 for a role that may not, 404 for a school the officer does not act for, 422 for
    a decision outside the plan's list, a missing matter number, an invalid ID number or a
    student under 18 (``education.campus_under_age``)."""
    if not can_open_campus_files(actor):
        raise PermissionDeniedError(
            error_codes.EDUCATION_NOT_ALLOWED,
            _("只有学校经办部门的业务经办员可以查阅校园诚信档案。"),
            "Only officers of a school's department open campus integrity files.",
        )
    school = _school_of(actor, school_id)
    if decision not in SchoolDecision.values:
        raise _field_error(
            "decision",
            error_codes.EDUCATION_VALUE_INVALID,
            _("校园诚信档案只能用于招生录取、毕业审核、评优评先、奖学金评定和推荐。"),
        )
    case_no = _required(text_checked(case_no, limits.CASE_NO), "case_no", _("事项编号"))
    today = today or timezone.localdate()
    normalised = _adult_student_number(id_number, today=today)
    index = crypto.blind_index(normalised)
    records = _education_records(index)
    with transaction.atomic():
        access = CampusFileAccess.objects.create(
            school=school,
            department=actor.department,
            officer=actor,
            subject_index=index,
            decision=decision,
            case_no=case_no,
            records_shown=len(records),
        )
        audit_events.personal_data_read_event(
            actor=actor,
            subject_index=index,
            object_type=CAMPUS_FILE_OBJECT,
            object_id=str(access.pk),
            purpose=str(SchoolDecision(decision).label),
            case_no=case_no,
            detail={
                "school_id": school.pk,
                "decision": decision,
                "record_ids": [record.pk for record in records],
            },
            request=request,
        )
    subject = subject_by_index(index)
    return CampusFile(
        access=access,
        id_masked=mask_id_number(normalised, context=MaskContext.STAFF),
        name_masked=subject.name_masked if subject is not None else "",
        records=records,
    )


def _school_of(actor, school_id: int) -> School:
    school = School.objects.filter(pk=school_id, department_id=actor.department_id).first()
    if school is None:
        raise NotFoundError(
            error_codes.CAMPUS_SCHOOL_NOT_YOURS,
            _("未找到该学校，或您的部门不是该学校的经办部门。"),
            "No such school among those your department acts for.",
        )
    return school


def _adult_student_number(id_number: str, *, today: datetime.date) -> str:
    validation = validate_id_number(id_number, today=today)
    if not validation.is_valid:
        first = validation.errors[0]
        raise _field_error("id_number", first.code, str(first.message))
    birth = validation.birth_date
    if birth is not None and _age(birth, today=today) < limits.CAMPUS_MINIMUM_AGE:
        raise _field_error(
            "id_number",
            error_codes.CAMPUS_UNDER_AGE,
            _(
                "该学生未满%(age)d周岁。校园诚信档案只为年满%(age)d周岁的学生建立，"
                "未成年学生的档案不能查阅。"
            )
            % {"age": limits.CAMPUS_MINIMUM_AGE},
        )
    return validation.normalised


def _age(birth: datetime.date, *, today: datetime.date) -> int:
    before_birthday = (today.month, today.day) < (birth.month, birth.day)
    return today.year - birth.year - int(before_birthday)


def _education_records(index: str) -> list[CreditRecord]:
    return list(
        CreditRecord.objects.filter(
            subject_index=index, status=RecordStatus.ACTIVE, item__domain=Domain.EDUCATION
        )
        .select_related("item", "department")
        .order_by("-decided_on", "-pk")
    )


def _required(value: str, field: str, label) -> str:
    if not value:
        raise _field_error(
            field, error_codes.EDUCATION_FIELD_REQUIRED, _("请填写“%(label)s”。") % {"label": label}
        )
    return value


def _field_error(field: str, code: str, message: str) -> DomainError:
    return field_refusal(
        [{"field": field, "code": code, "message": message, "message_en": f"{field}: {code}"}]
    )
