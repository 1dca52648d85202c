"""Staff pages of queries and reports, and the public verification page."""

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.inquiry.choices import CREDIT_REPORT_OBJECT, PROFILE_QUERY_OBJECT
from chengxin.inquiry.models import CreditReport
from chengxin.inquiry.tests.factories import CASE_NO, NAME, PURPOSE, health_officer

pytestmark = pytest.mark.django_db

QUERY_PAGE = "/staff/inquiry/"


def _form(file_of_person, action="query"):
    return {
        "id_number": file_of_person.id_number,
        "purpose": PURPOSE,
        "case_no": CASE_NO,
        "action": action,
    }


def test_an_officer_queries_on_the_page_and_the_number_stays_out_of_the_url(client, file_of_person):
    # given
    sign_in_verified(client, health_officer())
    # when
    response = client.post(QUERY_PAGE, _form(file_of_person))
    # then
    assert response.status_code == 200
    page = response.content.decode()
    assert NAME in page
    assert "230202********" + file_of_person.id_number[-4:] in page
    assert "税务行政处罚" in page and "个人所得税缴纳情况" not in page
    assert file_of_person.id_number not in response.request["PATH_INFO"]
    assert AuditEvent.objects.filter(object_type=PROFILE_QUERY_OBJECT).count() == 1


def test_a_refused_query_shows_its_reason_on_the_form(client, file_of_person):
    # given
    sign_in_verified(client, health_officer())
    # when
    response = client.post(QUERY_PAGE, {**_form(file_of_person), "case_no": "   "})
    # then
    assert response.status_code == 200
    assert response.context["form"].errors == {"case_no": ["这个字段是必填项。"]}
    assert not AuditEvent.objects.filter(object_type=PROFILE_QUERY_OBJECT).exists()


def test_an_officer_issues_a_report_and_reads_it_as_a_page_and_a_pdf(client, file_of_person):
    # given
    sign_in_verified(client, health_officer())
    # when
    response = client.post(QUERY_PAGE, _form(file_of_person, action="report"))
    # then
    report = CreditReport.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/staff/inquiry/reports/{report.number}/"
    page = client.get(response["Location"])
    assert page.status_code == 200
    text = page.content.decode()
    assert NAME in text and report.number in text and "<svg" in text
    pdf = client.get(f"/staff/inquiry/reports/{report.number}.pdf")
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    reads = AuditEvent.objects.filter(
        object_type=CREDIT_REPORT_OBJECT, action=AuditAction.PERSONAL_DATA_READ
    )
    assert [event.detail["format"] for event in reads.order_by("pk")] == ["html", "pdf"]


@pytest.mark.parametrize(
    ("role", "status"),
    [(Role.PROVIDER, 403), (Role.REVIEWER, 403), (Role.AUDITOR, 403), (Role.CITIZEN, 403)],
)
def test_roles_without_queries_cannot_open_the_page(client, file_of_person, role, status):
    # given
    sign_in_verified(client, staff_user(role, username=f"page-{role}"))
    # when
    response = client.post(QUERY_PAGE, _form(file_of_person))
    # then
    assert response.status_code == status
    assert not AuditEvent.objects.filter(object_type=PROFILE_QUERY_OBJECT).exists()


def test_another_officer_cannot_open_the_report(client, file_of_person):
    # given
    sign_in_verified(client, health_officer())
    client.post(QUERY_PAGE, _form(file_of_person, action="report"))
    report = CreditReport.objects.get()
    sign_in_verified(client, staff_user(Role.OFFICER, username="officer-2"))
    # when
    response = client.get(f"/staff/inquiry/reports/{report.number}/")
    # then
    assert response.status_code == 404


def test_the_public_page_verifies_a_report_by_its_code(client, file_of_person):
    # given
    sign_in_verified(client, health_officer())
    client.post(QUERY_PAGE, _form(file_of_person, action="report"))
    report = CreditReport.objects.get()
    client.logout()
    # when
    response = client.get("/verify/", {"code": report.verification_code.lower()})
    # then
    text = response.content.decode()
    assert response.status_code == 200
    assert report.number in text and report.content_hash in text and "王**" in text
    assert NAME not in text
    unknown = client.get("/verify/", {"code": "ZZZZZZZZZZZZ"})
    assert "没有与该验证码对应的信用报告" in unknown.content.decode()
