"""Credit reports through the HTTP API: issue, PDF with the Chinese name, verification, content
kept as issued, self-service, audit."""

import hashlib
import io
import re

import pytest
from pypdf import PdfReader

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import staff_user
from chengxin.collection.choices import Operation
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.inquiry import error_codes
from chengxin.inquiry.choices import CREDIT_REPORT_OBJECT
from chengxin.inquiry.models import CreditReport
from chengxin.inquiry.selectors import VERIFICATION_ALPHABET
from chengxin.inquiry.tests.factories import (
    CASE_NO,
    NAME,
    PENALTY,
    PURPOSE,
    bearer,
    health_officer,
    submit,
    tax_officer,
)

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports"


def _issue(client, headers, number, **extra):
    body = {"id_number": number, "purpose": PURPOSE, "case_no": CASE_NO, **extra}
    return client.post(REPORTS, body, content_type="application/json", **headers)


def _pdf_text(pdf: bytes) -> str:
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(pdf)).pages)


def test_an_officer_issues_a_report_whose_pdf_carries_the_name_in_chinese(client, file_of_person):
    # given
    headers = bearer(health_officer())
    # when
    issued = _issue(client, headers, file_of_person.id_number)
    # then
    assert issued.status_code == 200
    report = issued.json()
    assert re.fullmatch(r"QQHR-\d{4}-000001", report["number"])
    assert re.fullmatch(f"[{VERIFICATION_ALPHABET}]{{12}}", report["verification_code"])
    pdf = client.get(report["pdf_url"], **headers)
    assert (pdf.status_code, pdf["Content-Type"]) == (200, "application/pdf")
    text = _pdf_text(pdf.content)
    assert NAME in text
    assert report["number"] in text
    assert file_of_person.id_number not in text
    assert "税务行政处罚" in text and "纳税信用A级纳税人" in text
    assert "个人所得税缴纳情况" not in text
    assert hashlib.sha256(pdf.content).hexdigest() == report["pdf_hash"]
    content = report["content"]
    assert content["identity"] == {
        "name_masked": "王**",
        "id_masked": "230202********" + file_of_person.id_number[-4:],
    }
    assert [entry["record_id"] for entry in content["sections"]["negative"]] == [
        file_of_person.penalty_id
    ]
    negative = content["sections"]["negative"][0]
    assert (negative["authority"], negative["document_no"]) == (
        "国家税务总局齐齐哈尔市税务局",
        "齐税罚〔2026〕1号",
    )
    assert negative["repairable_from"] and negative["disclosure_ends_on"]


def test_issuing_and_every_download_are_audited(client, file_of_person):
    # given
    headers = bearer(health_officer())
    report = _issue(client, headers, file_of_person.id_number).json()
    # when
    client.get(report["pdf_url"], **headers)
    client.get(report["pdf_url"], **headers)
    # then
    events = AuditEvent.objects.filter(object_type=CREDIT_REPORT_OBJECT).order_by("pk")
    assert [(event.action, event.object_id) for event in events] == [
        (AuditAction.CREATE, report["number"]),
        (AuditAction.PERSONAL_DATA_READ, report["number"]),
        (AuditAction.PERSONAL_DATA_READ, report["number"]),
    ]
    issue = events[0]
    assert (issue.case_no, issue.detail["purpose_code"]) == (CASE_NO, PURPOSE)
    assert issue.detail["record_ids"] == [file_of_person.good_id, file_of_person.penalty_id]
    assert issue.detail["content_hash"] == report["content_hash"]
    assert [event.detail.get("format") for event in events[1:]] == ["pdf", "pdf"]


def test_the_report_stays_as_issued_after_the_records_change(client, file_of_person):
    # given
    headers = bearer(health_officer())
    report = _issue(client, headers, file_of_person.id_number).json()
    first_pdf = client.get(report["pdf_url"], **headers).content
    first_check = client.get(f"{REPORTS}/verify/{report['verification_code']}").json()
    # when
    submit(PENALTY, [{"source_id": f"{PENALTY}-1"}], key="revoke", operation=Operation.REVOKE)
    # then
    again_pdf = client.get(report["pdf_url"], **headers).content
    again_check = client.get(f"{REPORTS}/verify/{report['verification_code']}").json()
    assert again_pdf == first_pdf
    assert again_check == first_check
    assert again_check["counts"] == {"basic": 0, "positive": 1, "negative": 1, "other": 0}
    later = _issue(client, headers, file_of_person.id_number).json()
    assert later["content"]["counts"]["negative"] == 0
    assert later["content_hash"] != report["content_hash"]


def test_anyone_verifies_a_report_by_its_code_and_sees_only_a_masked_summary(
    client, file_of_person
):
    # given
    report = _issue(client, bearer(tax_officer()), file_of_person.id_number).json()
    code = report["verification_code"]
    typed = "-".join(code[start : start + 4] for start in range(0, 12, 4)).lower()
    # when
    response = client.get(f"{REPORTS}/verify/{typed}")
    # then
    assert response.status_code == 200
    summary = response.json()
    assert summary == {
        "number": report["number"],
        "issued_at": report["issued_at"],
        "content_hash": report["content_hash"],
        "pdf_hash": report["pdf_hash"],
        "hash_algorithm": "sha256",
        "self_service": False,
        "purpose": "行政许可审查",
        "name_masked": "王**",
        "id_masked": "230202********" + file_of_person.id_number[-4:],
        "counts": {"basic": 0, "positive": 1, "negative": 1, "other": 0},
    }
    missing = client.get(f"{REPORTS}/verify/AAAABBBBCCCC")
    assert (missing.status_code, missing.json()["code"]) == (
        404,
        error_codes.VERIFICATION_CODE_UNKNOWN,
    )


def test_only_the_requester_downloads_the_pdf(client, file_of_person):
    # given
    report = _issue(client, bearer(tax_officer()), file_of_person.id_number).json()
    # when
    response = client.get(report["pdf_url"], **bearer(health_officer()))
    # then
    assert (response.status_code, response.json()["code"]) == (404, error_codes.REPORT_NOT_FOUND)
    downloads = AuditEvent.objects.filter(
        object_type=CREDIT_REPORT_OBJECT, action=AuditAction.PERSONAL_DATA_READ
    )
    assert downloads.count() == 0


def test_a_citizen_gets_their_own_report_with_the_query_history(client, file_of_person):
    # given
    profiles = {"id_number": file_of_person.id_number, "purpose": PURPOSE, "case_no": CASE_NO}
    client.post(
        "/api/v1/profiles", profiles, content_type="application/json", **bearer(health_officer())
    )
    citizen = staff_user(Role.CITIZEN, username="wang")
    client.force_login(citizen)
    # when
    response = client.post(
        REPORTS,
        {"id_number": file_of_person.id_number, "self_service": True, "name": NAME},
        content_type="application/json",
    )
    # then
    assert response.status_code == 200
    report = response.json()
    content = report["content"]
    assert (content["self_service"], content["purpose"]["code"]) == (True, "self_inquiry")
    assert content["counts"] == {"basic": 1, "positive": 1, "negative": 1, "other": 0}
    entries = content["query_history"]["entries"]
    assert [(e["department"], e["purpose"], e["case_no"], e["kind"]) for e in entries] == [
        ("齐齐哈尔市卫生健康委员会", "行政许可审查", CASE_NO, "query")
    ]
    assert "officer-health" not in str(content)
    pdf = client.get(report["pdf_url"])
    assert NAME in _pdf_text(pdf.content)


@pytest.mark.parametrize("sequence_and_name", [(1, "王小红"), (1, ""), (9, NAME)])
def test_a_citizen_whose_number_and_name_do_not_match_is_refused(
    client, file_of_person, sequence_and_name
):
    # given
    sequence, name = sequence_and_name
    client.force_login(staff_user(Role.CITIZEN, username="someone"))
    # when
    response = client.post(
        REPORTS,
        {"id_number": id_number(sequence), "self_service": True, "name": name},
        content_type="application/json",
    )
    # then
    assert (response.status_code, response.json()["code"]) == (
        403,
        error_codes.SELF_SERVICE_IDENTITY_NOT_VERIFIED,
    )
    assert CreditReport.objects.count() == 0


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.REVIEWER, Role.AUDITOR])
def test_staff_without_the_query_capability_cannot_issue_reports(client, file_of_person, role):
    # when
    response = _issue(client, bearer(staff_user(role, username=f"r-{role}")), id_number(1))
    # then
    assert (response.status_code, response.json()["code"]) == (
        403,
        error_codes.REPORT_ROLE_REQUIRED,
    )
    assert CreditReport.objects.count() == 0


def test_report_numbers_run_per_year(client, file_of_person):
    # given
    headers = bearer(tax_officer())
    # when
    numbers = [_issue(client, headers, id_number(1)).json()["number"] for _ in range(3)]
    # then
    assert [number[-6:] for number in numbers] == ["000001", "000002", "000003"]


@pytest.mark.parametrize(
    ("public_url", "expected_prefix"),
    [
        ("", "http://testserver/verify/"),
        ("https://credit.example.gov.cn/", "https://credit.example.gov.cn/verify/"),
    ],
)
def test_the_qr_code_points_at_the_public_site_when_one_is_configured(
    client, file_of_person, settings, public_url, expected_prefix
):
    # given
    settings.CHENGXIN_PUBLIC_URL = public_url
    headers = bearer(health_officer())
    # when
    report = _issue(client, headers, file_of_person.id_number).json()
    # then
    url = report["content"]["verification_url"]
    assert url == f"{expected_prefix}?code={report['verification_code']}"
