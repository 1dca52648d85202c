"""The education part of ``chengxin demo``: a practitioners' course with a finished session
(attendance taken, two certificates issued, one trainee the blacklisted agency's registered
practitioner) and an upcoming one; two schools of the campus file register, a school officer
account of the education bureau, and one opening of the demo citizen's campus file. All made
through the services."""

from __future__ import annotations

import datetime

from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department, User
from chengxin.accounts.services import user_create
from chengxin.collection.demo_citizen import demo_citizen_person
from chengxin.education import campus, services
from chengxin.education.choices import SchoolDecision
from chengxin.education.models import Course
from chengxin.identity.synthetic import synthetic_id_number

DEMO_REVIEWER = "demo-reviewer"
DEMO_SCHOOL_OFFICER = "demo-school"
ORGANISER = "market"
EDUCATION_BUREAU = "education"
# name, birth date, sequence: the first is the demo blacklisted agency's practitioner.
TRAINEES = (
    ("韩立新", datetime.date(1975, 3, 8), 517),
    ("周文静", datetime.date(1988, 7, 21), 602),
    ("吴国栋", datetime.date(1992, 11, 3), 615),
)
SCHOOLS = (("齐齐哈尔大学", "4123010232"), ("齐齐哈尔医学院", "4123010234"))


def demo_education_ensure(*, stdout) -> None:
    """Create the demo training and campus data once (nothing when a course exists or the demo
    reviewer or the departments are missing)."""
    reviewer = User.objects.filter(username=DEMO_REVIEWER, role=Role.REVIEWER).first()
    organiser = Department.objects.filter(code=ORGANISER).first()
    bureau = Department.objects.filter(code=EDUCATION_BUREAU).first()
    if Course.objects.exists() or reviewer is None or organiser is None or bureau is None:
        return
    today = timezone.localdate()
    certificates = _training(reviewer, organiser, today)
    schools = [
        campus.school_register(actor=reviewer, name=name, code=code, department=bureau)
        for name, code in SCHOOLS
    ]
    password = _school_officer()
    officer = User.objects.get(username=DEMO_SCHOOL_OFFICER)
    campus.campus_file_open(
        actor=officer,
        school_id=schools[0].pk,
        decision=SchoolDecision.RECOMMENDATION,
        case_no="推免〔2026〕8号",
        id_number=demo_citizen_person(today).id_number,
    )
    stdout.write(
        _(
            "诚信教育演示数据：1门培训课程、2个班次、%(count)d张培训证书、2所学校、1次校园诚信档案查阅。"
        )
        % {"count": certificates}
        + "\n"
    )
    if password:
        stdout.write(
            _("演示账户 %(username)s（学校经办员）已创建，密码（只显示这一次）：%(password)s")
            % {"username": DEMO_SCHOOL_OFFICER, "password": password}
            + "\n"
        )


def _training(reviewer, organiser, today) -> int:
    course = services.course_create(
        actor=reviewer,
        title="个人征信业务合规培训",
        description="《征信业管理条例》《征信业务管理办法》《个人信息保护法》要点；"
        "信用信息采集、查询授权与异议处理实务；信用修复的条件和程序。",
        hours=16,
        organiser=organiser,
    )
    finished = services.session_create(
        actor=reviewer,
        course=course,
        starts_on=today - datetime.timedelta(days=15),
        ends_on=today - datetime.timedelta(days=14),
        place="市政务服务中心三楼培训室",
        capacity=40,
    )
    enrolments = [
        services.enrolment_add(
            actor=reviewer,
            session_id=finished.pk,
            name=name,
            id_number=synthetic_id_number(region_code="230202", birth_date=born, sequence=number),
        )
        for name, born, number in TRAINEES
    ]
    attended = {enrolments[0].pk, enrolments[1].pk}
    services.attendance_mark(actor=reviewer, session_id=finished.pk, attended_ids=attended)
    for enrolment_id in sorted(attended):
        services.certificate_issue(actor=reviewer, enrolment_id=enrolment_id)
    services.session_close(actor=reviewer, session_id=finished.pk)
    upcoming = services.session_create(
        actor=reviewer,
        course=course,
        starts_on=today + datetime.timedelta(days=20),
        ends_on=today + datetime.timedelta(days=21),
        place="市市场监督管理局二楼会议室",
        capacity=30,
    )
    services.enrolment_add(
        actor=reviewer,
        session_id=upcoming.pk,
        name="郑晓光",
        id_number=synthetic_id_number(
            region_code="230203", birth_date=datetime.date(1990, 4, 12), sequence=633
        ),
    )
    return len(attended)


def _school_officer() -> str | None:
    if User.objects.filter(username=DEMO_SCHOOL_OFFICER).exists():
        return None
    return user_create(
        username=DEMO_SCHOOL_OFFICER,
        department_code=EDUCATION_BUREAU,
        role=Role.OFFICER,
        display_name="演示学校经办员",
        actor=None,
    ).password
