"""Every staff list page runs a fixed number of queries whatever it lists (no N+1): each page is
read with a few rows and again with more rows than a page holds, and the counts must agree."""

from __future__ import annotations

import uuid
from collections.abc import Callable

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.citizens import citizen_sign_up
from chengxin.accounts.tests.factories import (
    DepartmentFactory,
    credit_office,
    sign_in_verified,
    staff_user,
)
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.tests.factories import make_item
from chengxin.collection.choices import SubmissionChannel, SubmissionStatus
from chengxin.collection.models import Submission
from chengxin.collection.tests.factories import ITEM_CODE, id_number, penalty_item
from chengxin.core.audit.events import change_event
from chengxin.core.paging import PAGE_SIZE
from chengxin.dueprocess.objections.tests.factories import filed, people, record
from chengxin.dueprocess.tipoffs.tests.factories import cast
from chengxin.dueprocess.tipoffs.tests.factories import filed as tipoff_filed
from chengxin.measures.checks.models import BatchCheck, Check, CheckMeasure
from chengxin.measures.tests.factories import tax_measure

pytestmark = pytest.mark.django_db

FEW = 3
MANY = PAGE_SIZE + 5
_serial = iter(range(1, 1_000_000))


def _queries(client: Client, url: str) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(captured)


def assert_fixed_queries(
    client: Client, url: str, add: Callable[[int], None], *, few=FEW, many=MANY
):
    """The page answers in as many queries with ``many`` rows as with ``few`` rows."""
    add(few)
    with_few = _queries(client, url)
    add(many - few)
    with_many = _queries(client, url)
    assert with_many == with_few, (
        f"{url}: {with_few} queries with {few} rows, {with_many} with {many}"
    )


def _signed_in(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def test_the_catalog():
    client = _signed_in(staff_user(Role.PROVIDER, username="q-provider"))

    def add(count):
        for _ in range(count):
            make_item(code=f"list-item-{next(_serial)}")

    assert_fixed_queries(client, reverse("catalog:index"), add)


def test_the_submissions():
    penalty_item()
    provider = staff_user(Role.PROVIDER, username="q-provider")
    client = _signed_in(provider)
    item = CatalogItem.objects.get(code=ITEM_CODE)

    def add(count):
        Submission.objects.bulk_create(
            Submission(
                department=provider.department,
                item=item,
                channel=SubmissionChannel.FILE,
                operation="upsert",
                status=SubmissionStatus.COMPLETED,
                created_by=provider,
                file_name=f"file-{next(_serial)}.csv",
            )
            for _ in range(count)
        )

    assert_fixed_queries(client, reverse("collection:submission_list"), add)


def test_the_data_quality_scoreboard():
    office = credit_office()
    client = _signed_in(staff_user(Role.REVIEWER, department=office, username="q-reviewer"))

    def add(count):
        for _ in range(count):
            number = next(_serial)
            department = DepartmentFactory(code=f"q-dept-{number}", name=f"部门{number}")
            make_item(code=f"q-item-{number}", departments=[department])

    assert_fixed_queries(client, reverse("collection:quality"), add, many=FEW + 12)


def test_the_measures():
    client = _signed_in(staff_user(Role.REVIEWER, username="q-reviewer"))

    def add(count):
        for _ in range(count):
            tax_measure(code=f"measure-{next(_serial)}")

    assert_fixed_queries(client, reverse("measures:index"), add, many=FEW + 12)


def _check(officer, department_code: str) -> None:
    check = Check.objects.create(
        subject_index=uuid.uuid4().hex,
        matter="public_procurement",
        case_no="采购-1",
        purpose="资格审查",
        checked_on=timezone.localdate(),
        actor=officer,
        department=officer.department,
        request={},
        answer={},
        receipt={},
        created_at=timezone.now(),
    )
    CheckMeasure.objects.create(
        check_ref=check, measure_code="m", kind="punishment", department_code=department_code
    )


def test_the_feedback_rates():
    office = credit_office()
    officer = staff_user(Role.OFFICER, department=office, username="q-officer")
    client = _signed_in(staff_user(Role.REVIEWER, department=office, username="q-reviewer"))

    def add(count):
        for _ in range(count):
            number = next(_serial)
            DepartmentFactory(code=f"f-dept-{number}", name=f"部门{number}")
            _check(officer, f"f-dept-{number}")

    assert_fixed_queries(client, reverse("checks:feedback_rates"), add)


def test_the_batch_checks():
    officer = staff_user(Role.OFFICER, username="q-officer")
    client = _signed_in(officer)

    def add(count):
        BatchCheck.objects.bulk_create(
            BatchCheck(
                matter="public_procurement",
                case_no=f"采购-{next(_serial)}",
                purpose="资格审查",
                checked_on=timezone.localdate(),
                actor=officer,
                department=officer.department,
                total=2,
            )
            for _ in range(count)
        )

    assert_fixed_queries(client, reverse("checks:batch_form"), add, many=30)


def test_the_objections_queue():
    accounts = people()
    client = _signed_in(accounts.reviewer)

    def add(count):
        for _ in range(count):
            filed(accounts.citizen, record(accounts.provider, source_id=f"S-{next(_serial)}"))

    assert_fixed_queries(client, reverse("objections:queue"), add, many=FEW + 5)


def test_the_tipoff_queue():
    accounts = cast()
    client = _signed_in(accounts.reviewer)

    def add(count):
        for _ in range(count):
            tipoff_filed(accounts.citizen)

    assert_fixed_queries(client, reverse("tipoffs:queue"), add, many=FEW + 8)


def test_the_service_counter():
    client = _signed_in(staff_user(Role.REVIEWER, username="q-reviewer"))

    people_numbers = iter(range(100, 200))

    def add(count):
        for _ in range(count):
            number = next(people_numbers)
            citizen_sign_up(
                id_number=id_number(number),
                name="张三",
                mobile=f"139{number:08d}",
                email="",
                password="Qiqihar-credit-2026",
                agreed=True,
            )

    assert_fixed_queries(client, reverse("counter:list"), add, many=FEW + 8)


def test_the_audit_log():
    client = _signed_in(staff_user(Role.AUDITOR, username="q-auditor"))

    def add(count):
        for _ in range(count):
            change_event(
                actor=None,
                action="update",
                object_type="catalog",
                object_id=str(next(_serial)),
            )

    assert_fixed_queries(client, reverse("audit:event_list"), add)


def test_the_workbench_home():
    client = _signed_in(staff_user(Role.REVIEWER, username="q-reviewer"))

    def add(count):
        for _ in range(count):
            make_item(code=f"home-item-{next(_serial)}")

    assert_fixed_queries(client, reverse("backoffice:home"), add)


def test_a_page_past_the_end_shows_the_last_page_and_a_forged_number_the_first():
    client = _signed_in(staff_user(Role.PROVIDER, username="q-provider"))
    for _ in range(PAGE_SIZE + 1):
        make_item(code=f"page-item-{next(_serial)}")
    url = reverse("catalog:index")

    past = client.get(url, {"page": "999"})
    forged = client.get(url, {"page": "1 OR 1=1"})
    huge = client.get(url, {"page": "9" * 40})

    assert past.context["page"].number == 2
    assert forged.context["page"].number == 1
    assert huge.context["page"].number == 1
    assert 'aria-current="page">2<' in past.content.decode()


def test_the_pager_keeps_the_filters():
    client = _signed_in(staff_user(Role.PROVIDER, username="q-provider"))
    for _ in range(PAGE_SIZE + 1):
        make_item(code=f"filter-item-{next(_serial)}", domain="tax")

    html = client.get(reverse("catalog:index"), {"domain": "tax"}).content.decode()

    assert "?domain=tax&amp;page=2" in html
    assert 'rel="next"' in html


def test_the_training_courses_and_certificates():
    from chengxin.education import services as training
    from chengxin.education.tests import factories as education

    reviewer = staff_user(Role.REVIEWER, username="q-reviewer")
    client = _signed_in(reviewer)
    session = education.session(reviewer, capacity=1000)

    def add_courses(count):
        for _ in range(count):
            education.course(reviewer, title=f"课程{next(_serial)}")

    def add_certificates(count):
        for _ in range(count):
            enrolment = education.enrol(reviewer, session, sequence=100 + next(_serial))
            training.attendance_mark(
                actor=reviewer,
                session_id=session.pk,
                attended_ids=set(session.enrolments.values_list("pk", flat=True)),
            )
            training.certificate_issue(actor=reviewer, enrolment_id=enrolment.pk)

    assert_fixed_queries(client, reverse("training:course_list"), add_courses, many=30)
    assert_fixed_queries(client, reverse("training:certificate_list"), add_certificates, many=30)


def test_the_schools_and_the_campus_file_log():
    from chengxin.education import campus
    from chengxin.education.tests import factories as education

    reviewer = staff_user(Role.REVIEWER, username="q-reviewer")
    client = _signed_in(reviewer)
    officer = education.officer()
    first = education.school(reviewer)

    def add_schools(count):
        for _ in range(count):
            education.school(reviewer, code=f"41230{next(_serial):05d}")

    def add_openings(count):
        for _ in range(count):
            campus.campus_file_open(
                actor=officer,
                school_id=first.pk,
                decision="admission",
                case_no=f"招生-{next(_serial)}",
                id_number=id_number(7),
            )

    assert_fixed_queries(client, reverse("campus:school_list"), add_schools, many=30)
    assert_fixed_queries(client, reverse("campus:access_list"), add_openings, many=30)
