"""A reviewer of the credit office records an inspection of a credit agency with a serious
violation; the agency appears on the public violation blacklist at once, and its API token is
refused from the next request."""

from __future__ import annotations

import datetime

from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department
from chengxin.accounts.services import api_token_create, user_create
from chengxin.collection.models import CreditRecord
from chengxin.supervision import services
from chengxin.supervision.choices import LicenceStatus, PractitionerRole
from chengxin.supervision.services import RESPONSIBLE_ITEM
from chengxin.supervision.tests.factories import id_number, uscc
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling

AGENCY = "鹤城个人征信服务有限公司"


def _agency_with_a_practitioner_and_a_token(reviewer):
    agency = services.agency_register(
        actor=reviewer,
        name=AGENCY,
        uscc=uscc(61),
        licence_no="银征字〔2024〕12号",
        licence_status=LicenceStatus.LICENSED,
        regulator=Department.objects.get(code="pboc"),
    )
    services.practitioner_add(
        actor=reviewer,
        agency=agency,
        name="韩立新",
        id_number=id_number(61),
        role=PractitionerRole.LEGAL_REPRESENTATIVE,
    )
    account = user_create(
        username="hecheng-api", department_code="", role=Role.AGENCY, actor=None
    ).user
    token, plaintext = api_token_create(user=account, name="征信查询接口", actor=None)
    services.agency_token_link(actor=reviewer, agency=agency, token_prefix=token.prefix)
    return agency, plaintext


def test_a_reviewer_records_a_serious_violation_and_the_agency_is_blacklisted(page, screenshot, db):
    # given: the reference data, a reviewer, and an agency with a practitioner and a token
    call_command("seed", verbosity=0)
    reviewer = user_create(
        username="zhou.shen",
        department_code="market",
        role=Role.REVIEWER,
        password=PASSWORD,
        actor=None,
    ).user
    agency, plaintext = _agency_with_a_practitioner_and_a_token(reviewer)
    today = timezone.localdate()

    # when: the reviewer signs in and records an inspection of the agency
    sign_in_enrolling(page, "zhou.shen")
    page.get_by_role("link", name="征信机构监管").click()
    screenshot("supervision-agencies")
    page.goto("/staff/supervision/inspections/new/")
    page.get_by_label("被检查的征信机构").select_option(label=AGENCY)
    page.fill("#id_inspected_on", today.isoformat())
    page.fill("#id_inspectors", "人民银行齐齐哈尔市分行征信管理科")
    page.fill("#id_scope", "个人征信业务合规检查")
    page.fill("#id_findings", "未经本人授权查询个人信用报告并向第三方出售。")
    screenshot("supervision-inspection-form")
    page.get_by_role("button", name="保存").click()
    page.wait_for_url("**/staff/supervision/inspections/*/")

    # and: records a serious violation with the legal representative as responsible person
    page.select_option("#id_severity", "serious")
    page.fill("#id_description", "未经本人授权查询个人信用报告并向第三方出售，涉及300余人。")
    page.fill("#id_basis", "《征信业管理条例》第四十条")
    page.fill("#id_decided_on", today.isoformat())
    page.fill("#id_decision_document", "齐银罚〔2026〕5号")
    page.check("#id_responsible_0")
    page.fill("#id_listing_reason", "违规出售个人信用信息，情节严重。")
    page.fill("#id_listing_until", (today + datetime.timedelta(days=3 * 365)).isoformat())
    screenshot("supervision-serious-violation-form")
    page.get_by_role("button", name="认定").click()
    page.wait_for_url("**/staff/supervision/inspections/*/")

    # then: the inspection page shows the listing, and the public page the agency
    assert "违规行为已认定" in page.locator("main").inner_text()
    assert "已列入" in page.locator("main").inner_text()
    screenshot("supervision-inspection-with-violation")
    page.goto("/disclosure/agency-blacklist/")
    public = page.locator("main").inner_text()
    assert AGENCY in public
    assert agency.uscc in public
    assert "韩" not in public
    screenshot("supervision-public-blacklist")

    # and: the agency's token no longer works; the responsible person has a record
    answer = Client().get("/api/v1/me", HTTP_AUTHORIZATION=f"Bearer {plaintext}")
    assert answer.status_code == 401
    assert CreditRecord.objects.filter(item__code=RESPONSIBLE_ITEM).count() == 1
