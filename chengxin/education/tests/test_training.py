"""Training: courses, sessions, enrolments, attendance, certificates and their verification."""

from __future__ import annotations

import hashlib
import io

import pytest
from django.core.cache import cache
from django.db import connection
from django.test.utils import CaptureQueriesContext

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.education import services
from chengxin.education.choices import Attendance, SessionStatus
from chengxin.education.models import Certificate, Enrolment
from chengxin.education.tests import factories as f
from chengxin.supervision.tests import factories as supervision

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _clear_throttles():
    cache.clear()


def _issued(actor, *, sequence: int = 31):
    session = f.session(actor)
    enrolment = f.enrol(actor, session, sequence=sequence)
    services.attendance_mark(actor=actor, session_id=session.pk, attended_ids={enrolment.pk})
    return services.certificate_issue(actor=actor, enrolment_id=enrolment.pk)


def test_an_enrolment_links_the_registered_practitioner_and_is_audited_by_blind_index():
    # given
    actor = f.reviewer()
    agency = supervision.agency(actor)
    practitioner = supervision.practitioner(actor, agency, sequence=31)
    session = f.session(actor)
    # when
    enrolment = f.enrol(actor, session, sequence=31)
    # then
    assert enrolment.practitioner == practitioner
    event = AuditEvent.objects.get(object_type=services.ENROLMENT_OBJECT)
    assert event.subject_index == enrolment.subject_index
    assert id_number(31) not in str(event.detail)


def test_a_second_enrolment_of_the_same_person_is_refused_and_writes_nothing():
    # given
    actor = f.reviewer()
    session = f.session(actor)
    f.enrol(actor, session)
    events = AuditEvent.objects.count()
    # when
    with pytest.raises(DomainError) as refused:
        f.enrol(actor, session)
    # then
    assert refused.value.code == "education.already_enrolled"
    assert Enrolment.objects.count() == 1
    assert AuditEvent.objects.count() == events


def test_a_full_session_refuses_the_next_trainee():
    actor = f.reviewer()
    session = f.session(actor, capacity=1)
    f.enrol(actor, session, sequence=31)
    with pytest.raises(DomainError) as refused:
        f.enrol(actor, session, sequence=32)
    assert refused.value.code == "education.session_full"


def test_an_invalid_id_number_is_refused_naming_the_field():
    actor = f.reviewer()
    session = f.session(actor)
    with pytest.raises(DomainError) as refused:
        services.enrolment_add(
            actor=actor, session_id=session.pk, name="赵培训", id_number="230202198005170000"
        )
    assert refused.value.status == 422
    assert refused.value.details["errors"][0]["field"] == "id_number"
    assert Enrolment.objects.count() == 0


def test_attendance_marks_the_checked_attended_and_the_others_absent():
    # given
    actor = f.reviewer()
    session = f.session(actor)
    present = f.enrol(actor, session, sequence=31)
    missing = f.enrol(actor, session, sequence=32)
    # when
    changed = services.attendance_mark(
        actor=actor, session_id=session.pk, attended_ids={present.pk}
    )
    # then
    assert changed == 2
    present.refresh_from_db()
    missing.refresh_from_db()
    assert (present.attendance, missing.attendance) == (Attendance.ATTENDED, Attendance.ABSENT)


def test_a_certificate_needs_attendance():
    actor = f.reviewer()
    session = f.session(actor)
    enrolment = f.enrol(actor, session)
    with pytest.raises(DomainError) as refused:
        services.certificate_issue(actor=actor, enrolment_id=enrolment.pk)
    assert refused.value.code == "education.not_attended"
    assert Certificate.objects.count() == 0


def test_certificates_are_numbered_per_year_with_a_random_code_and_a_sealed_pdf():
    # given
    actor = f.reviewer()
    # when
    first = _issued(actor, sequence=31)
    second = _issued(actor, sequence=32)
    # then
    year = first.issued_at.astimezone().year
    assert (first.number, second.number) == (f"PX-{year}-000001", f"PX-{year}-000002")
    assert first.verification_code != second.verification_code
    assert len(first.verification_code) == 12
    pdf = services.certificate_pdf_open(actor=actor, certificate=first)
    assert pdf.startswith(b"%PDF")
    assert hashlib.sha256(pdf).hexdigest() == first.pdf_hash
    assert b"PX-" not in bytes(first.pdf_ciphertext)
    assert first.name_masked == "赵**"


def test_issuing_twice_answers_the_same_certificate():
    actor = f.reviewer()
    certificate = _issued(actor)
    again = services.certificate_issue(actor=actor, enrolment_id=certificate.enrolment_id)
    assert again.pk == certificate.pk
    assert Certificate.objects.count() == 1


def test_issuing_reads_the_full_name_as_an_audited_read():
    actor = f.reviewer()
    certificate = _issued(actor)
    reads = AuditEvent.objects.filter(
        action="personal_data_read", subject_index=certificate.subject_index
    )
    assert list(reads.values_list("purpose", flat=True)) == [services.CERTIFICATE_NAME_PURPOSE]


def test_an_admin_reads_training_but_may_not_change_it():
    admin = staff_user(Role.ADMIN, username="admin")
    with pytest.raises(PermissionDeniedError):
        f.course(admin)


def test_a_closed_session_takes_no_more_trainees():
    actor = f.reviewer()
    session = f.session(actor)
    services.session_close(actor=actor, session_id=session.pk)
    session.refresh_from_db()
    assert session.status == SessionStatus.CLOSED
    with pytest.raises(DomainError) as refused:
        f.enrol(actor, session)
    assert refused.value.code == "education.session_closed"


# --- pages ------------------------------------------------------------------------------------


def test_the_session_page_enrols_on_post_and_never_shows_the_number(client):
    # given
    actor = f.reviewer()
    sign_in_verified(client, actor)
    session = f.session(actor)
    # when
    answer = client.post(
        f"/staff/training/sessions/{session.pk}/enrol/",
        {"name": "孙学员", "id_number": id_number(33)},
        follow=True,
    )
    # then
    assert answer.status_code == 200
    page = answer.content.decode()
    assert "孙**" in page
    assert id_number(33) not in page


def test_the_session_page_costs_the_same_queries_for_one_and_for_many_trainees(client):
    # given
    actor = f.reviewer()
    sign_in_verified(client, actor)
    session = f.session(actor)
    f.enrol(actor, session, sequence=31)
    url = f"/staff/training/sessions/{session.pk}/"
    with CaptureQueriesContext(connection) as one:
        client.get(url)
    for sequence in range(32, 40):
        f.enrol(actor, session, sequence=sequence)
    # when
    with CaptureQueriesContext(connection) as many:
        answer = client.get(url)
    # then
    assert answer.status_code == 200
    assert len(many) == len(one)


def test_the_course_list_is_paged_by_the_server(client):
    actor = f.reviewer()
    sign_in_verified(client, actor)
    for number in range(27):
        f.course(actor, title=f"课程{number:02d}")
    first = client.get("/staff/training/").content.decode()
    second = client.get("/staff/training/?page=2").content.decode()
    assert "课程26" in first and "课程01" not in first
    assert "课程01" in second and "课程00" in second


def test_the_public_page_verifies_a_certificate_with_a_masked_name_only(client):
    # given
    certificate = _issued(f.reviewer())
    # when
    answer = client.post("/certificates/verify/", {"code": certificate.verification_code.lower()})
    # then
    page = answer.content.decode()
    assert answer.status_code == 200
    assert certificate.number in page
    assert "赵**" in page
    assert "赵培训" not in page
    assert id_number(31)[-4:] not in page


def test_the_verification_page_refuses_an_id_number_and_forgets_it(client):
    answer = client.post("/certificates/verify/", {"code": id_number(31)})
    page = answer.content.decode()
    assert "验证码是证书上印的12位字母和数字" in page
    assert id_number(31) not in page


def test_unknown_codes_spend_the_shared_verification_budget(client, settings):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {**settings.CHENGXIN_THROTTLE_RATES, "verify_address": "2/h"}
    certificate = _issued(f.reviewer())
    for guess in ("AAAAAAAAAAAA", "BBBBBBBBBBBB"):
        assert (
            "没有与该验证码对应的培训证书"
            in client.post("/certificates/verify/", {"code": guess}).content.decode()
        )
    # when
    answer = client.post("/certificates/verify/", {"code": certificate.verification_code})
    # then
    assert answer.status_code == 429
    assert client.post("/verify/", {"code": "CCCCCCCCCCCC"}).status_code == 429


def test_saving_one_page_of_attendance_leaves_the_other_pages_alone():
    # given: two trainees marked attended, then a page showing only the first is saved unchecked
    actor = f.reviewer()
    session = f.session(actor)
    first = f.enrol(actor, session, sequence=31)
    second = f.enrol(actor, session, sequence=32)
    services.attendance_mark(actor=actor, session_id=session.pk, attended_ids={first.pk, second.pk})
    # when
    services.attendance_mark(
        actor=actor, session_id=session.pk, attended_ids=set(), shown_ids={first.pk}
    )
    # then
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.attendance, second.attendance) == (Attendance.ABSENT, Attendance.ATTENDED)


def test_the_pdf_prints_the_full_name_the_number_and_the_code_but_no_full_id_number():
    # given
    from pypdf import PdfReader

    from chengxin.core.verification import formatted_code

    actor = f.reviewer()
    certificate = _issued(actor)
    pdf = services.certificate_pdf_open(actor=actor, certificate=certificate)
    # when
    pages = PdfReader(io.BytesIO(pdf)).pages
    text = "".join(page.extract_text() for page in pages).replace("\n", "")
    # then
    assert certificate.number in text
    assert formatted_code(certificate.verification_code) in text
    assert "赵培训" in text
    assert "个人征信业务合规培训" in text
    assert id_number(31) not in text
    assert id_number(31)[-4:] in text


def test_the_qr_codes_address_verifies_with_the_code_in_the_query(client):
    certificate = _issued(f.reviewer())
    answer = client.get(f"/certificates/verify/?code={certificate.verification_code}")
    assert answer.status_code == 200
    assert "证书真实有效" in answer.content.decode()
