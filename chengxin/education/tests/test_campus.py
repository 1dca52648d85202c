"""Campus integrity files: the school register, openings for the plan's decisions only, the age
rule, the audit and the person's "who looked"."""

from __future__ import annotations

import datetime

import pytest

from chengxin.accounts.models import CitizenAccount
from chengxin.accounts.tests.factories import confirmed_citizen, sign_in_verified
from chengxin.collection.choices import Operation
from chengxin.collection.services import submission_create
from chengxin.collection.tests.factories import penalty_item, provider, row
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.dueprocess.myfile.choices import AccessKind
from chengxin.dueprocess.myfile.lookup_selectors import lookup_of, lookups_of
from chengxin.education import campus
from chengxin.education.choices import SchoolDecision
from chengxin.education.models import CampusFileAccess
from chengxin.education.tests import factories as f

pytestmark = pytest.mark.django_db

ADULT = datetime.date(2005, 3, 1)
MINOR = datetime.date(2010, 3, 1)


def _open(officer, school, number, *, decision=SchoolDecision.SCHOLARSHIP):
    return campus.campus_file_open(
        actor=officer,
        school_id=school.pk,
        decision=decision,
        case_no="奖学金〔2026〕12号",
        id_number=number,
        today=f.TODAY,
    )


def test_an_adult_students_file_shows_only_education_records_and_is_audited_with_its_purpose():
    # given
    number = f.student_number(born=ADULT)
    f.education_record(number)
    penalty_item()
    submission_create(
        actor=provider(),
        department=provider().department,
        item_code="tax-penalty",
        operation=Operation.UPSERT,
        records=[row("TAX-1", id_number=number)],
        idempotency_key="tax-1",
        today=f.TODAY,
    )
    school = f.school(f.reviewer())
    officer = f.officer()
    # when
    opened = _open(officer, school, number)
    # then
    assert [record.item.code for record in opened.records] == [f.EDUCATION_ITEM]
    assert opened.id_masked.endswith(number[-4:])
    event = AuditEvent.objects.get(object_type=campus.CAMPUS_FILE_OBJECT)
    assert (event.action, event.purpose, event.case_no) == (
        "personal_data_read",
        "奖学金评定",
        "奖学金〔2026〕12号",
    )
    assert event.subject_index == opened.access.subject_index
    assert number not in str(event.detail)


def test_a_student_under_18_is_refused_with_a_clear_message_and_nothing_is_written():
    # given
    school = f.school(f.reviewer())
    officer = f.officer()
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(DomainError) as refused:
        _open(officer, school, f.student_number(born=MINOR))
    # then
    assert refused.value.code == "education.campus_under_age"
    assert "未满18周岁" in refused.value.message
    assert CampusFileAccess.objects.count() == 0
    assert AuditEvent.objects.count() == events


def test_the_eighteenth_birthday_opens_the_file():
    school = f.school(f.reviewer())
    born = datetime.date(2008, 12, 1)
    opened = _open(f.officer(), school, f.student_number(born=born))
    assert opened.records == []


def test_a_decision_outside_the_plans_list_is_refused():
    school = f.school(f.reviewer())
    with pytest.raises(DomainError) as refused:
        _open(f.officer(), school, f.student_number(born=ADULT), decision="employment")
    assert refused.value.details["errors"][0]["field"] == "decision"
    assert CampusFileAccess.objects.count() == 0


def test_an_officer_of_another_department_does_not_find_the_school():
    from chengxin.accounts.tests.factories import DepartmentFactory

    school = f.school(f.reviewer())
    stranger = f.officer(DepartmentFactory(code="tax"), username="tax-officer")
    with pytest.raises(NotFoundError):
        _open(stranger, school, f.student_number(born=ADULT))


def test_the_opening_shows_in_the_persons_who_looked():
    # given
    number = f.student_number(born=ADULT)
    school = f.school(f.reviewer())
    opened = _open(f.officer(), school, number)
    account = CitizenAccount.objects.get(user=confirmed_citizen(number))
    # when
    rows = lookups_of(account=account).rows
    # then
    assert [(row.kind, row.access_id) for row in rows] == [
        (AccessKind.CAMPUS, str(opened.access.pk))
    ]
    assert rows[0].purpose == "校园诚信档案：奖学金评定（齐齐哈尔大学）"
    assert rows[0].department.code == "education"
    one = lookup_of(account=account, kind=AccessKind.CAMPUS, access_id=str(opened.access.pk))
    assert one.case_no == "奖学金〔2026〕12号"


def test_the_campus_page_takes_the_number_in_the_body_and_does_not_show_it_back(client):
    # given
    number = f.student_number(born=MINOR)
    school = f.school(f.reviewer())
    officer = f.officer()
    sign_in_verified(client, officer)
    # when
    answer = client.post(
        "/staff/campus/",
        {
            "school": str(school.pk),
            "decision": "admission",
            "case_no": "招生-1",
            "id_number": number,
        },
    )
    # then
    page = answer.content.decode()
    assert answer.status_code == 422
    assert "未满18周岁" in page
    assert number not in page


def test_the_person_challenges_a_campus_look_and_the_schools_department_answers():
    # given
    from chengxin.dueprocess.myfile.services import challenge_answer, challenge_open

    number = f.student_number(born=ADULT)
    school = f.school(f.reviewer())
    officer = f.officer()
    opened = _open(officer, school, number)
    user = confirmed_citizen(number)
    account = CitizenAccount.objects.get(user=user)
    # when
    challenge = challenge_open(
        actor=user,
        account=account,
        kind=AccessKind.CAMPUS,
        access_id=str(opened.access.pk),
        reason="我没有申请奖学金。",
    )
    answered = challenge_answer(
        actor=officer, challenge_id=challenge.pk, explanation="学院统一为全体学生初审。"
    )
    # then
    assert challenge.department.code == "education"
    assert answered.status == "answered"


def test_the_who_looked_page_lists_the_campus_look(client):
    number = f.student_number(born=ADULT)
    _open(f.officer(), f.school(f.reviewer()), number)
    client.force_login(confirmed_citizen(number))
    page = client.get("/my/lookups/").content.decode()
    assert "校园诚信档案查阅" in page
    assert "校园诚信档案：奖学金评定（齐齐哈尔大学）" in page
    assert "齐齐哈尔市教育局" in page
