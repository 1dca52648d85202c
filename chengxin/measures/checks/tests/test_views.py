"""Staff pages of checks: form → result page by UUID, receipt download, feedback, rates."""

from __future__ import annotations

import datetime
import json

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import sign_in_verified, staff_user
from chengxin.collection.tests.factories import id_number
from chengxin.core.audit.models import AuditEvent
from chengxin.measures.checks.models import Check, CheckFeedback
from chengxin.measures.checks.receipts import receipt_verify
from chengxin.measures.checks.tests.factories import PROCUREMENT
from chengxin.measures.tests.factories import TAX_SERIOUS, submit, tax_measure, today

pytestmark = pytest.mark.django_db

FORM = "/staff/checks/"


def _form(sequence=1, **overrides):
    data = {
        "id_number": id_number(sequence),
        "matter": PROCUREMENT,
        "purpose": "政府采购供应商资格审查",
        "case_no": "采购-2026-001",
    }
    data.update(overrides)
    return data


def test_officer_checks_a_person_and_sees_the_answer_by_uuid(client, items, tax_officer):
    # given
    user, _headers = tax_officer
    tax_measure()
    record = submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    record.disputed = True
    record.save(update_fields=["disputed"])
    sign_in_verified(client, user)
    # when
    response = client.post(FORM, _form())
    # then
    check = Check.objects.get()
    assert response.status_code == 302
    assert response.url == f"/staff/checks/{check.pk}/"
    assert id_number(1) not in response.url
    page = client.get(response.url)
    html = page.content.decode()
    assert page.status_code == 200
    assert id_number(1) not in html
    assert "230202********" + id_number(1)[-4:] in html
    assert "重点监管对象名单" in html
    assert "《中华人民共和国政府采购法》第二十二条" in html
    assert "异议中" in html
    assert check.answer["green_channel"]["reason"] in html
    assert AuditEvent.objects.filter(object_type="checks.check").count() == 1
    download = client.get(f"/staff/checks/{check.pk}/receipt.json")
    document = json.loads(download.content)
    assert receipt_verify(
        document["receipt"], answer=document["answer"], request=document["request"]
    ).valid
    assert id_number(1) not in download.content.decode()


def test_feedback_form_and_rates_page(client, items, tax_officer):
    # given
    user, _headers = tax_officer
    tax_measure()
    submit(TAX_SERIOUS, source_id="T-1", decided_on=today() - datetime.timedelta(30))
    sign_in_verified(client, user)
    check_url = client.post(FORM, _form()).url
    check = Check.objects.get()
    code = "tax-procurement-limit"
    # when
    response = client.post(
        f"/staff/checks/{check.pk}/feedback/",
        {
            "measure_code": code,
            f"{code}-measure_code": code,
            f"{code}-applied": "1",
            f"{code}-reason": "已限制其参加本次采购",
            f"{code}-date": today().isoformat(),
        },
    )
    rates = client.get("/staff/checks/feedback/")
    # then
    assert response.status_code == 302, response.content.decode()
    assert response.url == check_url
    assert CheckFeedback.objects.get().applied is True
    assert "已限制其参加本次采购" in client.get(check_url).content.decode()
    assert "100%" in rates.content.decode()


def test_missing_fields_are_shown_on_the_form(client, items, tax_officer):
    user, _headers = tax_officer
    sign_in_verified(client, user)
    response = client.post(FORM, _form(purpose="", case_no=""))
    assert response.status_code == 422
    assert not Check.objects.exists()
    invalid = client.post(FORM, _form(id_number="230202198005170000"))
    assert invalid.status_code == 422
    assert "校验码" in invalid.content.decode()


@pytest.mark.parametrize("role", [Role.PROVIDER, Role.REVIEWER, Role.AUDITOR, Role.CITIZEN])
def test_other_roles_are_refused(client, items, role):
    user = staff_user(role, username=f"page-{role}")
    sign_in_verified(client, user)
    assert client.get(FORM).status_code == 403
    assert client.post(FORM, _form()).status_code == 403
    assert not Check.objects.exists()


def test_another_departments_check_is_not_found(client, items, tax_officer, court_officer):
    tax, _ = tax_officer
    court, _ = court_officer
    sign_in_verified(client, tax)
    url = client.post(FORM, _form()).url
    client.logout()
    sign_in_verified(client, court)
    assert client.get(url).status_code == 404
    assert client.get(url + "receipt.json").status_code == 404


def test_anonymous_goes_to_sign_in(client):
    response = client.get(FORM)
    assert response.status_code == 302
    assert "/staff/accounts/" in response.url
