"""The pages that take an ID number never show it again, not even to whoever typed it."""

import pytest

from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.inquiry.tests.factories import (
    CASE_NO,
    PURPOSE,
    load_purposes,
    person_file,
    tax_officer,
)
from chengxin.measures.checks.tests.factories import check_body, officer
from chengxin.measures.tests.factories import list_items

pytestmark = pytest.mark.django_db


def test_the_officer_query_page_shows_the_answer_but_not_the_number_it_was_given(client):
    # given
    load_purposes()
    person = person_file()
    sign_in_verified(client, tax_officer())
    form = {
        "id_number": person.id_number,
        "purpose": PURPOSE,
        "case_no": CASE_NO,
        "action": "query",
    }
    # when
    page = client.post("/staff/inquiry/", form).content.decode()
    # then
    assert person.id_number[:6] + "********" + person.id_number[-4:] in page
    assert person.id_number not in page
    assert "提交后页面上不保留身份证号码" in page


def test_a_check_form_sent_back_with_an_error_keeps_the_other_fields_but_not_the_number(client):
    # given
    list_items()
    sign_in_verified(client, officer(username="officer-tax"))
    body = check_body(case_no="")
    # when
    response = client.post("/staff/checks/", body)
    # then
    page = response.content.decode()
    assert response.status_code == 422
    assert body["id_number"] not in page
    assert body["purpose"] in page
