"""The staff pages of supervision and the public blacklist page."""

from __future__ import annotations

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.supervision.choices import InspectionStatus, ListingStatus
from chengxin.supervision.models import BlacklistListing, CreditAgency, DataHandler, Inspection
from chengxin.supervision.tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def reviewer(client):
    user = f.reviewer()
    sign_in_verified(client, user)
    return user


def _agency_form(**overrides):
    values = {
        "name": "鹤城征信服务有限公司",
        "uscc": f.uscc(7),
        "licence_no": "银征字〔2025〕7号",
        "licence_status": "licensed",
        "regulator": str(f.pboc().pk),
        "address": "",
        "contact": "",
    }
    values.update(overrides)
    return values


def test_a_reviewer_registers_an_agency_on_the_form(client, reviewer):
    # when
    answer = client.post("/staff/supervision/agencies/new/", _agency_form())
    # then
    agency = CreditAgency.objects.get()
    assert answer.status_code == 302
    assert answer["Location"] == f"/staff/supervision/agencies/{agency.pk}/"
    page = client.get(answer["Location"])
    assert "鹤城征信服务有限公司" in page.content.decode()


def test_a_bad_uscc_comes_back_on_the_form_with_what_was_typed(client, reviewer):
    # when
    answer = client.post("/staff/supervision/agencies/new/", _agency_form(uscc="91230200MA0000001"))
    # then
    body = answer.content.decode()
    assert answer.status_code == 422
    assert "统一社会信用代码应为18位" in body
    assert 'value="鹤城征信服务有限公司"' in body
    assert CreditAgency.objects.count() == 0


def test_the_form_states_its_length_limits(client, reviewer):
    # when
    body = client.get("/staff/supervision/agencies/new/").content.decode()
    # then
    assert 'maxlength="200"' in body
    assert 'maxlength="64"' in body


def test_the_agency_list_filters_and_pages(client, reviewer):
    # given
    for sequence in range(1, 28):
        f.agency(reviewer, sequence=sequence, name=f"征信公司{sequence:02d}")
    # when
    first = client.get("/staff/supervision/")
    filtered = client.get("/staff/supervision/", {"q": "征信公司07"})
    second = client.get("/staff/supervision/", {"page": 2})
    # then
    assert "第 1 / 2 页，共 27 条" in first.content.decode()
    assert "征信公司07" in filtered.content.decode()
    assert "征信公司08" not in filtered.content.decode()
    assert "征信公司27" in second.content.decode()


def test_a_data_handler_is_registered_with_one_entry_a_line(client, reviewer):
    # when
    answer = client.post(
        "/staff/supervision/handlers/new/",
        {
            "name": "鹤城数据科技有限公司",
            "uscc": f.uscc(30),
            "kind": "big_data",
            "collects": "手机号码｜个人同意\n位置信息|履行合同所必需",
            "contact": "",
        },
    )
    # then
    handler = DataHandler.objects.get()
    assert answer.status_code == 302
    assert handler.collects == [
        {"information": "手机号码", "basis": "个人同意"},
        {"information": "位置信息", "basis": "履行合同所必需"},
    ]


def test_a_reviewer_records_a_serious_violation_on_the_inspection_page(client, reviewer):
    # given
    f.credit_items()
    agency = f.agency(reviewer)
    person = f.practitioner(reviewer, agency)
    inspection = f.inspection(reviewer, agency=agency)
    # when
    answer = client.post(
        f"/staff/supervision/inspections/{inspection.pk}/violations/",
        {
            "severity": "serious",
            "description": "违规提供个人信用报告。",
            "basis": "《征信业管理条例》第四十条",
            "decided_on": "2026-12-01",
            "decision_document": "齐银罚〔2026〕3号",
            "responsible": [str(person.pk)],
            "listing_reason": "违规提供个人信用信息，情节严重。",
            "listing_until": "2029-12-01",
        },
    )
    # then
    assert answer.status_code == 302
    assert BlacklistListing.objects.get().status == ListingStatus.LISTED
    public = client.get("/disclosure/agency-blacklist/").content.decode()
    assert agency.name in public
    assert agency.uscc in public
    assert person.subject.name_masked not in public


def test_a_serious_violation_without_an_end_comes_back_on_the_form(client, reviewer):
    # given
    inspection = f.inspection(reviewer, agency=f.agency(reviewer))
    # when
    answer = client.post(
        f"/staff/supervision/inspections/{inspection.pk}/violations/",
        {
            "severity": "serious",
            "description": "违规提供个人信用报告。",
            "basis": "《征信业管理条例》",
            "decided_on": "2026-12-01",
            "decision_document": "齐银罚〔2026〕3号",
            "listing_reason": "情节严重。",
        },
    )
    # then
    assert answer.status_code == 422
    assert "列入期限至" in answer.content.decode()
    assert BlacklistListing.objects.count() == 0


def test_follow_up_and_closing_on_the_inspection_page(client, reviewer):
    # given
    inspection = f.inspection(reviewer, agency=f.agency(reviewer))
    url = f"/staff/supervision/inspections/{inspection.pk}/"
    # when
    follow = client.post(
        url + "follow-up/", {"follow_up": "限期整改。", "follow_up_due": "2027-01-10"}
    )
    close = client.post(url + "close/", {"note": "整改到位。"})
    # then
    assert (follow.status_code, close.status_code) == (302, 302)
    assert Inspection.objects.get().status == InspectionStatus.CLOSED


def test_an_auditor_reads_but_cannot_register(client):
    # given
    auditor = staff_user(Role.AUDITOR, username="auditor")
    sign_in_verified(client, auditor)
    # when
    page = client.get("/staff/supervision/")
    post = client.post("/staff/supervision/agencies/new/", _agency_form())
    # then
    assert page.status_code == 200
    assert "登记征信机构" not in page.content.decode()
    assert post.status_code == 403
    assert CreditAgency.objects.count() == 0


def test_the_public_page_is_empty_without_listings(client):
    # when
    answer = client.get("/disclosure/agency-blacklist/")
    # then
    assert answer.status_code == 200
    assert "目前没有列入违规经营黑名单的信用服务机构" in answer.content.decode()
