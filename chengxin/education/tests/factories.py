"""Factories of the education tests: the credit office's reviewer, courses and sessions,
trainees, schools and an education-domain record."""

from __future__ import annotations

import datetime

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import DepartmentFactory, credit_office, staff_user
from chengxin.catalog.choices import Domain
from chengxin.collection.choices import Operation
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import id_number, penalty_item, row
from chengxin.education import campus, services
from chengxin.identity.synthetic import synthetic_id_number

TODAY = datetime.date(2026, 12, 1)
EDUCATION_ITEM = "exam-misconduct"


def reviewer(username: str = "reviewer"):
    return staff_user(Role.REVIEWER, username=username)


def course(actor, *, title: str = "个人征信业务合规培训", hours: int = 16):
    return services.course_create(
        actor=actor,
        title=title,
        description="征信业管理条例、个人信息保护法与信用修复规定。",
        hours=hours,
        organiser=credit_office(),
    )


def session(actor, course_row=None, *, capacity: int = 30):
    return services.session_create(
        actor=actor,
        course=course_row or course(actor),
        starts_on=datetime.date(2026, 11, 20),
        ends_on=datetime.date(2026, 11, 21),
        place="市政务服务中心三楼培训室",
        capacity=capacity,
    )


def enrol(actor, session_row, *, sequence: int = 31, name: str = "赵培训"):
    return services.enrolment_add(
        actor=actor, session_id=session_row.pk, name=name, id_number=id_number(sequence)
    )


def education_department():
    return DepartmentFactory(code="education", name="齐齐哈尔市教育局")


def school(actor, *, code: str = "4123010001", department=None):
    return campus.school_register(
        actor=actor,
        name="齐齐哈尔大学",
        code=code,
        department=department or education_department(),
    )


def officer(department=None, *, username: str = "school-officer"):
    return staff_user(
        Role.OFFICER, department=department or education_department(), username=username
    )


def student_number(*, born: datetime.date, sequence: int = 41) -> str:
    return synthetic_id_number(region_code="230202", birth_date=born, sequence=sequence)


def education_record(number: str, *, source_id: str = "EDU-1") -> None:
    """An active record of an education-domain item about the holder of ``number``."""
    department = education_department()
    penalty_item(
        code=EDUCATION_ITEM,
        name="国家教育考试违规",
        domain=Domain.EDUCATION,
        departments=[department],
    )
    clerk = staff_user(Role.PROVIDER, department=department, username="education-clerk")
    answer = submission_create(
        actor=clerk,
        department=department,
        item_code=EDUCATION_ITEM,
        operation=Operation.UPSERT,
        records=[row(source_id, id_number=number, name="钱同学", decided_on="2026-06-10")],
        idempotency_key=f"edu-{source_id}",
        today=TODAY,
    )
    assert answer.accepted == 1, answer.errors
