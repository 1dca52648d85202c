"""Guessing report verification codes is throttled per address, on the API and on the page."""

from __future__ import annotations

import pytest

from chengxin.core import error_codes as core_error_codes
from chengxin.inquiry import error_codes
from chengxin.inquiry.selectors import VERIFICATION_ALPHABET
from chengxin.inquiry.tests.factories import CASE_NO, PURPOSE, bearer, health_officer

pytestmark = pytest.mark.django_db

REPORTS = "/api/v1/reports"
VERIFY_PAGE = "/verify/"
GUESSER = "203.0.113.50"
BANK = "192.0.2.10"
PROBLEM = "application/problem+json"


@pytest.fixture
def verify_rate(settings, throttle_clock):
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "verify_address": "5/10m",
    }


def _guess(number: int) -> str:
    """A code of the shape the platform issues (12 characters of its alphabet) that no report has."""
    return "GUESSAAAAAA" + VERIFICATION_ALPHABET[number]


def _issued_code(client, file_of_person) -> str:
    body = {"id_number": file_of_person.id_number, "purpose": PURPOSE, "case_no": CASE_NO}
    response = client.post(
        REPORTS, body, content_type="application/json", **bearer(health_officer())
    )
    return response.json()["verification_code"]


def test_guessed_codes_get_429_with_retry_after_past_the_rate(client, verify_rate):
    # when
    responses = [
        client.get(f"{REPORTS}/verify/{_guess(number)}", REMOTE_ADDR=GUESSER) for number in range(7)
    ]

    # then
    assert [r.status_code for r in responses] == [404] * 5 + [429] * 2
    assert responses[0].json()["code"] == error_codes.VERIFICATION_CODE_UNKNOWN
    refused = responses[5]
    assert refused["Content-Type"] == PROBLEM
    assert refused.json()["code"] == core_error_codes.RATE_LIMITED
    assert refused.json()["title"] == "此网络地址核验失败的次数过多，请在 10 分钟后再试。"
    assert refused["Retry-After"] == "570"


def test_past_the_rate_a_real_code_gets_no_answer_either(client, verify_rate, file_of_person):
    # given
    code = _issued_code(client, file_of_person)
    for number in range(5):
        client.get(f"{REPORTS}/verify/{_guess(number)}", REMOTE_ADDR=GUESSER)

    # when
    response = client.get(f"{REPORTS}/verify/{code}", REMOTE_ADDR=GUESSER)

    # then
    assert response.status_code == 429


def test_codes_that_find_their_report_cost_nothing(client, verify_rate, file_of_person):
    # given
    code = _issued_code(client, file_of_person)

    # when
    responses = [client.get(f"{REPORTS}/verify/{code}", REMOTE_ADDR=BANK) for _ in range(8)]

    # then
    assert [r.status_code for r in responses] == [200] * 8


def test_the_public_page_refuses_guessing_with_a_page_of_the_site(client, verify_rate):
    # given
    for number in range(5):
        client.get(VERIFY_PAGE, {"code": _guess(number)}, REMOTE_ADDR=GUESSER)

    # when
    response = client.get(VERIFY_PAGE, {"code": _guess(9)}, REMOTE_ADDR=GUESSER)

    # then
    page = response.content.decode()
    assert response.status_code == 429
    assert response["Retry-After"] == "570"
    assert "此网络地址核验失败的次数过多" in page
    assert 'class="site-header portal-header"' in page


def test_page_and_api_share_the_addresss_count(client, verify_rate):
    # given
    for number in range(3):
        client.get(VERIFY_PAGE, {"code": _guess(number)}, REMOTE_ADDR=GUESSER)
    for number in range(3, 5):
        client.get(f"{REPORTS}/verify/{_guess(number)}", REMOTE_ADDR=GUESSER)

    # when
    response = client.get(f"{REPORTS}/verify/{_guess(5)}", REMOTE_ADDR=GUESSER)

    # then
    assert response.status_code == 429
