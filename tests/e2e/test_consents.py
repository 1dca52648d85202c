"""A person consents online to a credit agency, the agency queries over HTTP, the person finds
the query in who looked and revokes the consent, and the agency's next query is refused; a
reviewer records a signed paper consent with its scan: the pages as each of them sees them."""

from __future__ import annotations

import json
import urllib.error
import urllib.request

from django.core.management import call_command

from chengxin.accounts.choices import Role
from chengxin.accounts.services import user_create
from chengxin.accounts.tests.factories import confirmed_citizen
from chengxin.inquiry.models import Consent
from chengxin.supervision.models import AgencyQuery
from tests.e2e.test_objections import _signed_in_as
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling
from tests.e2e.test_supervision import AGENCY, _agency_with_a_practitioner_and_a_token
from tests.e2e.test_using_data import _person_with_a_serious_tax_record

PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\n%%EOF\n"


def _agency_query(live_server, plaintext: str, number: str) -> tuple[int, dict]:
    body = json.dumps({"id_number": number, "purpose": "credit_lending"}).encode()
    request = urllib.request.Request(  # noqa: S310 - the test's own live server
        f"{live_server.url}/api/v1/agency-queries",
        data=body,
        headers={"Authorization": f"Bearer {plaintext}", "Content-Type": "application/json"},
        method="POST",
    )
    try:
        with urllib.request.urlopen(request, timeout=30) as answer:  # noqa: S310
            return answer.status, json.loads(answer.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def test_a_person_consents_the_agency_queries_and_the_person_revokes(
    page, screenshot, db, live_server, tmp_path
):
    # given: the shipped reference data, a person with a serious tax record and an account,
    # and a licensed agency with a linked token
    call_command("seed", verbosity=0)
    person = _person_with_a_serious_tax_record()
    reviewer = user_create(
        username="zhou.shen",
        department_code="market",
        role=Role.REVIEWER,
        password=PASSWORD,
        actor=None,
    ).user
    _agency, plaintext = _agency_with_a_practitioner_and_a_token(reviewer)
    citizen = confirmed_citizen(person.id_number, username="zhao.min")
    _signed_in_as(page, live_server, citizen)

    # when: the agency asks before any consent
    status, refused = _agency_query(live_server, plaintext, person.id_number)
    # then
    assert (status, refused["code"]) == (403, "agency_no_consent")

    # when: the person consents online for every item, for credit lending
    page.goto("/my/consents/")
    page.get_by_label("被授权方").select_option(label=AGENCY)
    page.get_by_label("授权用途").select_option(label="信贷业务审批")
    screenshot("citizen-consent-form")
    page.get_by_role("button", name="确认授权").click()
    page.wait_for_url("**/my/consents/")
    # then
    listed = page.locator("main table").inner_text()
    assert AGENCY in listed and "有效" in listed and "全部授权类信息" in listed
    screenshot("citizen-consents")

    # when: the agency asks again
    status, answer = _agency_query(live_server, plaintext, person.id_number)
    # then: the serious tax record (public) comes back, the number masked, no name
    assert status == 200
    assert [record["item_code"] for record in answer["records"]] == ["major-tax-violation"]
    assert person.id_number not in json.dumps(answer, ensure_ascii=False)

    # when: the person opens who looked
    page.goto("/my/lookups/")
    looks = page.locator("main table").inner_text()
    # then: both queries, the refused one marked
    assert looks.count(AGENCY) == 2 and "平台已拒绝，未提供任何信息" in looks
    screenshot("citizen-who-looked-agency")

    # when: the person revokes the consent
    page.goto("/my/consents/")
    page.get_by_role("button", name="撤回授权").click()
    page.wait_for_url("**/my/consents/")
    assert "已撤回" in page.locator("main table").inner_text()
    screenshot("citizen-consent-revoked")
    # then: the agency's next query is refused and logged
    status, refused = _agency_query(live_server, plaintext, person.id_number)
    assert (status, refused["code"]) == (403, "agency_consent_revoked")
    assert AgencyQuery.objects.count() == 3

    # when: the reviewer records a signed paper consent of the person
    scan = tmp_path / "授权书.pdf"
    scan.write_bytes(PDF)
    page.context.clear_cookies()
    sign_in_enrolling(page, "zhou.shen")
    page.get_by_role("link", name="纸质查询授权录入").click()
    record_form = page.locator("form", has=page.get_by_role("button", name="录入授权"))
    record_form.locator("#id_id_number").fill(person.id_number)
    record_form.get_by_label("被授权方").select_option(label=AGENCY)
    record_form.get_by_label("授权用途").select_option(label="贷后风险管理")
    record_form.locator("#id_evidence").set_input_files(str(scan))
    screenshot("staff-paper-consent-form")
    record_form.get_by_role("button", name="录入授权").click()
    # then: the person's consents are listed, the paper one with its evidence hash
    page.wait_for_load_state()
    shown = page.locator("main").inner_text()
    assert "纸质授权书已录入" in shown and "纸质授权书（工作人员录入）" in shown
    assert person.id_number not in shown
    assert Consent.objects.filter(method="paper").count() == 1
    screenshot("staff-paper-consent-recorded")
