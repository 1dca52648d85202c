"""The person's pages (/my/…) and the staff's (/staff/challenges/): the file shows the number
masked and never in full, who looked offers the challenge button, a refused challenge keeps what
was typed (ID numbers masked), and the department and the credit office work the queue."""

from __future__ import annotations

import pytest
from django.test import Client

from chengxin.accounts.models import CitizenAccount
from chengxin.collection.tests.factories import ITEM_CODE, id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.dueprocess.myfile.choices import LOOKUPS_OBJECT_TYPE, ChallengeStatus
from chengxin.dueprocess.myfile.models import AccessChallenge
from chengxin.dueprocess.myfile.tests.factories import CASE_NO, cast, honour
from chengxin.dueprocess.objections.tests.factories import PERSON, record
from chengxin.inquiry.models import CreditReport
from chengxin.inquiry.tests.factories import load_purposes
from chengxin.measures.checks.services import check_run

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def no_second_factor(settings):
    settings.CHENGXIN_REQUIRE_TOTP = False


@pytest.fixture
def people():
    load_purposes()
    return cast()


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_my_file_lists_every_record_masks_the_number_and_offers_the_report(people):
    # given
    penalty = record(people.provider, source_id="P-1", item_code=ITEM_CODE)
    honour(people.provider)
    masked = CitizenAccount.objects.get(user=people.citizen).id_masked
    # when
    page = signed_in(people.citizen).get("/my/")
    # then
    text = page.content.decode()
    assert page.status_code == 200
    assert masked in text
    assert id_number(PERSON) not in text
    assert f"/my/records/{penalty.pk}/object/" in text
    assert "优秀志愿者" in text and "税务行政处罚" in text
    assert "下载本人信用报告" in text


def test_a_record_page_shows_why_dates_and_versions(people):
    # given
    penalty = record(people.provider, source_id="P-1", item_code=ITEM_CODE)
    # when
    page = signed_in(people.citizen).get(f"/my/records/{penalty.pk}/")
    other = signed_in(people.citizen_other).get(f"/my/records/{penalty.pk}/")
    # then
    text = page.content.decode()
    assert (page.status_code, other.status_code) == (200, 404)
    assert "齐税罚〔2026〕1号" in text
    assert "第 1 版" in text
    assert penalty.repairable_from.isoformat() in text


def test_my_report_is_a_pdf_of_my_own_file(people):
    # given
    record(people.provider, source_id="P-1", item_code=ITEM_CODE)
    # when
    response = signed_in(people.citizen).post("/my/report/")
    # then
    report = CreditReport.objects.get()
    assert (response.status_code, response["Content-Type"]) == (200, "application/pdf")
    assert response.content.startswith(b"%PDF")
    assert (report.self_service, report.requested_by) == (True, people.citizen)
    assert report.subject_index == CitizenAccount.objects.get(user=people.citizen).subject_index


def _check(people):
    record(people.provider, source_id="P-1", item_code=ITEM_CODE)
    return check_run(
        actor=people.officer,
        id_number=id_number(PERSON),
        matter="public_procurement",
        case_no=CASE_NO,
        purpose="供应商资格审查",
    )


def test_who_looked_shows_the_look_without_the_officer_and_is_audited(people):
    # given
    check = _check(people)
    # when
    page = signed_in(people.citizen).get("/my/lookups/")
    # then
    text = page.content.decode()
    assert page.status_code == 200
    assert CASE_NO in text
    assert people.officer.username not in text
    assert f"/my/lookups/check/{check.pk}/challenge/" in text
    assert AuditEvent.objects.filter(object_type=LOOKUPS_OBJECT_TYPE).count() == 1


def test_a_refused_challenge_keeps_the_text_with_id_numbers_masked(people):
    # given
    check = _check(people)
    typed = f"这不是我，我的号码是{id_number(PERSON)}。"
    # when
    page = signed_in(people.citizen).post(
        f"/my/lookups/check/{check.pk}/challenge/", {"reason": typed}
    )
    # then
    text = page.content.decode()
    assert page.status_code == 422
    assert id_number(PERSON) not in text
    assert "这不是我" in text
    assert AccessChallenge.objects.count() == 0


def test_challenge_opened_answered_and_closed_through_the_pages(people):
    # given
    check = _check(people)
    citizen = signed_in(people.citizen)
    # when
    opened = citizen.post(
        f"/my/lookups/check/{check.pk}/challenge/", {"reason": "我不认识该部门。"}
    )
    challenge = AccessChallenge.objects.get()
    queue = signed_in(people.provider).get("/staff/challenges/")
    other_queue = signed_in(people.provider_other).get("/staff/challenges/")
    answered = signed_in(people.officer).post(
        f"/staff/challenges/{challenge.pk}/answer/", {"explanation": "依采购项目资格审查核查。"}
    )
    closed = signed_in(people.reviewer).post(
        f"/staff/challenges/{challenge.pk}/close/", {"note": "查询合规。"}
    )
    mine = citizen.get(f"/my/challenges/{challenge.pk}/")
    # then
    assert opened["Location"] == f"/my/challenges/{challenge.pk}/"
    assert f"/staff/challenges/{challenge.pk}/" in queue.content.decode()
    assert f"/staff/challenges/{challenge.pk}/" not in other_queue.content.decode()
    assert (answered.status_code, closed.status_code) == (302, 302)
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.CLOSED
    assert "依采购项目资格审查核查。" in mine.content.decode()
    assert "查询合规。" in mine.content.decode()
    lookups = citizen.get("/my/lookups/").content.decode()
    assert f"/my/challenges/{challenge.pk}/" in lookups


def test_an_empty_answer_is_refused_on_the_form(people):
    # given
    check = _check(people)
    signed_in(people.citizen).post(
        f"/my/lookups/check/{check.pk}/challenge/", {"reason": "我不认识该部门。"}
    )
    challenge = AccessChallenge.objects.get()
    # when
    page = signed_in(people.provider).post(
        f"/staff/challenges/{challenge.pk}/answer/", {"explanation": ""}
    )
    # then
    assert page.status_code == 422
    challenge.refresh_from_db()
    assert challenge.status == ChallengeStatus.OPEN
