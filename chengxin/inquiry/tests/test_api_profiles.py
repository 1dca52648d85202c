"""Officer queries through the HTTP API: what each role and department sees, and the audit."""

import datetime

import pytest
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.models import CreditRecord
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.crypto import blind_index
from chengxin.inquiry import error_codes
from chengxin.inquiry.choices import PROFILE_QUERY_OBJECT
from chengxin.inquiry.models import ProfileQuery
from chengxin.inquiry.services import consent_record
from chengxin.inquiry.tests.factories import (
    CASE_NO,
    NAME,
    PURPOSE,
    bearer,
    health_officer,
    tax_officer,
)

pytestmark = pytest.mark.django_db

PROFILES = "/api/v1/profiles"


def _query(client, headers, number, *, purpose=PURPOSE, case_no=CASE_NO):
    body = {"id_number": number, "purpose": purpose, "case_no": case_no}
    return client.post(PROFILES, body, content_type="application/json", **headers)


def _consent_for(officer, number):
    consent_record(
        actor=officer,
        id_number=number,
        purpose=PURPOSE,
        valid_until=timezone.localdate() + datetime.timedelta(days=30),
    )


@pytest.mark.parametrize(
    ("case", "expected"),
    [("officer_tax_with_consent", "all"), ("officer_health_without_consent", "shared")],
)
def test_officers_of_two_departments_see_what_their_department_may_see(
    client, file_of_person, case, expected
):
    # given
    tax, health = tax_officer(), health_officer()
    _consent_for(tax, file_of_person.id_number)
    officer = tax if case == "officer_tax_with_consent" else health
    # when
    response = _query(client, bearer(officer), file_of_person.id_number)
    # then
    assert response.status_code == 200
    answer = response.json()
    shared = [file_of_person.good_id, file_of_person.penalty_id]
    wanted = [file_of_person.payment_id, *shared] if expected == "all" else shared
    assert [record["record_id"] for record in answer["records"]] == wanted
    assert answer["counts"] == {
        "basic": 1 if expected == "all" else 0,
        "positive": 1,
        "negative": 1,
        "other": 0,
    }
    assert (answer["name"], answer["id_masked"]) == (NAME, "230202********" + id_number(1)[-4:])
    assert answer["legal_basis"].startswith("《中华人民共和国行政许可法》")


def test_every_query_has_one_audit_event_naming_what_was_returned(client, file_of_person):
    # given
    officer = health_officer()
    # when
    answer = _query(client, bearer(officer), file_of_person.id_number).json()
    # then
    query = ProfileQuery.objects.get()
    assert query.record_ids == [file_of_person.good_id, file_of_person.penalty_id]
    assert (query.department.code, query.purpose.code, query.case_no) == (
        "health",
        PURPOSE,
        CASE_NO,
    )
    event = AuditEvent.objects.get(object_type=PROFILE_QUERY_OBJECT)
    assert (event.action, event.object_id, event.case_no) == (
        AuditAction.PERSONAL_DATA_READ,
        str(answer["query_id"]),
        CASE_NO,
    )
    assert event.subject_index == blind_index(file_of_person.id_number)
    assert event.purpose == "行政许可审查"
    assert event.detail["purpose_code"] == PURPOSE
    assert event.detail["record_ids"] == [file_of_person.good_id, file_of_person.penalty_id]
    assert event.detail["counts"] == {"basic": 0, "positive": 1, "negative": 1, "other": 0}
    assert event.detail["legal_basis"].startswith("《中华人民共和国行政许可法》")
    assert NAME not in str(event.detail)


def test_a_disputed_record_is_flagged_and_inactive_records_are_left_out(client, file_of_person):
    # given
    CreditRecord.objects.filter(pk=file_of_person.penalty_id).update(disputed=True)
    CreditRecord.objects.filter(pk=file_of_person.good_id).update(status="revoked")
    # when
    answer = _query(client, bearer(health_officer()), file_of_person.id_number).json()
    # then
    assert [(r["record_id"], r["disputed"]) for r in answer["records"]] == [
        (file_of_person.penalty_id, True)
    ]
    assert answer["disputed"] == 1


def test_a_person_without_records_gets_a_clean_answer(client, file_of_person):
    # when
    response = _query(client, bearer(tax_officer()), id_number(7))
    # then
    answer = response.json()
    assert (response.status_code, answer["subject_known"], answer["records"]) == (200, False, [])
    assert answer["counts"] == {"basic": 0, "positive": 0, "negative": 0, "other": 0}


@pytest.mark.parametrize(
    ("body", "status", "code"),
    [
        ({"purpose": ""}, 400, error_codes.PURPOSE_REQUIRED),
        ({"purpose": "curiosity"}, 403, error_codes.PURPOSE_NOT_ALLOWED),
        ({"purpose": "self_inquiry"}, 403, error_codes.PURPOSE_NOT_ALLOWED),
        ({"case_no": "  "}, 400, error_codes.CASE_NO_REQUIRED),
        ({"case_no": id_number(1)}, 422, "text_holds_id_number"),
        ({"case_no": "号" * 101}, 422, "request_invalid"),
    ],
)
def test_purpose_and_case_number_are_required(client, file_of_person, body, status, code):
    # given
    request = {"purpose": PURPOSE, "case_no": CASE_NO, **body}
    # when
    response = _query(client, bearer(tax_officer()), file_of_person.id_number, **request)
    # then
    assert (response.status_code, response.json()["code"]) == (status, code)
    assert ProfileQuery.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).exists()


@pytest.mark.parametrize(
    "role", [Role.PROVIDER, Role.REVIEWER, Role.AUDITOR, Role.ADMIN, Role.SECURITY, Role.AGENCY]
)
def test_roles_other_than_officer_are_refused_and_nothing_is_written(client, file_of_person, role):
    # given
    user = staff_user(role, username=f"matrix-{role}")
    # when
    response = _query(client, bearer(user), file_of_person.id_number)
    # then
    assert (response.status_code, response.json()["code"]) == (
        403,
        error_codes.QUERY_ROLE_REQUIRED,
    )
    assert ProfileQuery.objects.count() == 0
    assert not AuditEvent.objects.filter(action=AuditAction.PERSONAL_DATA_READ).exists()


def test_a_citizen_session_and_an_anonymous_caller_are_refused(client, file_of_person):
    # given
    client.force_login(staff_user(Role.CITIZEN, username="citizen"))
    # when
    response = _query(client, {}, file_of_person.id_number)
    # then
    assert response.status_code == 401
    assert ProfileQuery.objects.count() == 0


def test_the_purpose_list_names_what_an_officer_may_state(client, file_of_person):
    # when
    response = client.get("/api/v1/profiles/purposes", **bearer(tax_officer()))
    # then
    codes = [purpose["code"] for purpose in response.json()]
    assert codes == [
        "administrative_licensing",
        "honour_review",
        "judicial_assistance",
        "law_enforcement",
        "public_hiring",
        "public_procurement",
        "public_resources",
        "subsidy_review",
    ]
