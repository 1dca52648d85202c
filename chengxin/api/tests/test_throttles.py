"""Guessed bearer tokens are throttled per address; a refused token is a 401 on every operation."""

from __future__ import annotations

import secrets

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from chengxin.accounts import error_codes
from chengxin.accounts.choices import Role
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import staff_user
from chengxin.catalog.tests.factories import make_item
from chengxin.core import error_codes as core_error_codes

pytestmark = pytest.mark.django_db

ME = reverse("api:me")
CATALOG = "/api/v1/catalog"
PROBLEM = "application/problem+json"
GUESSER = "203.0.113.9"
DEPARTMENT_SYSTEM = "10.8.0.12"


@pytest.fixture
def token_rate(settings, throttle_clock):
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "token_address": "10/10m",
    }


def _guess() -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer cx_{secrets.token_urlsafe(32)}"}


def _issued() -> str:
    user = staff_user(Role.PROVIDER, username="clerk.li")
    _token, plaintext = api_token_create(user=user, name="报送系统", expires_in_days=30, actor=None)
    return plaintext


def test_guessed_tokens_get_429_with_retry_after_past_the_rate(client, token_rate):
    # when
    responses = [client.get(ME, REMOTE_ADDR=GUESSER, **_guess()) for _attempt in range(12)]

    # then
    assert [r.status_code for r in responses] == [401] * 10 + [429] * 2
    refused = responses[10]
    assert refused["Content-Type"] == PROBLEM
    body = refused.json()
    assert body["code"] == core_error_codes.RATE_LIMITED
    assert body["status"] == 429
    assert body["title"] == "此网络地址的访问令牌验证失败次数过多，请在 10 分钟后再试。"
    assert body["message_en"] == (
        "Too many refused access tokens from this address; try again in 10 min."
    )
    assert (refused["Retry-After"], body["retry_after"]) == ("570", 570)


def test_past_the_rate_even_a_valid_token_from_that_address_gets_no_answer(client, token_rate):
    # given
    plaintext = _issued()
    for _attempt in range(10):
        client.get(ME, REMOTE_ADDR=GUESSER, **_guess())

    # when
    response = client.get(ME, REMOTE_ADDR=GUESSER, HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    # then
    assert response.status_code == 429
    assert response.json()["code"] == core_error_codes.RATE_LIMITED


def test_the_guessers_refusals_do_not_slow_another_address(client, token_rate):
    # given
    plaintext = _issued()
    for _attempt in range(12):
        client.get(ME, REMOTE_ADDR=GUESSER, **_guess())

    # when
    response = client.get(
        ME, REMOTE_ADDR=DEPARTMENT_SYSTEM, HTTP_AUTHORIZATION=f"Bearer {plaintext}"
    )

    # then
    assert (response.status_code, response.json()["username"]) == (200, "clerk.li")


def test_guessing_on_an_operation_without_authentication_is_throttled_too(client, token_rate):
    # when
    responses = [client.get(CATALOG, REMOTE_ADDR=GUESSER, **_guess()) for _attempt in range(11)]

    # then
    assert [r.status_code for r in responses] == [401] * 10 + [429]


def test_an_invalid_token_on_the_public_catalog_is_a_401_not_anonymous(client):
    # given
    make_item(code="tax-penalty")

    # when
    response = client.get(CATALOG, HTTP_AUTHORIZATION="Bearer cx_" + "A" * 43)

    # then
    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
    assert response.json()["code"] == error_codes.TOKEN_INVALID


def test_another_scheme_on_the_public_catalog_is_a_401(client):
    # when
    response = client.get(CATALOG, HTTP_AUTHORIZATION="Basic Y2xlcms6cGFzc3dvcmQ=")

    # then
    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
    assert response.json()["code"] == error_codes.AUTH_REQUIRED


def test_the_public_catalog_answers_without_a_header_and_with_a_valid_token(client):
    # given
    make_item(code="tax-penalty")
    plaintext = _issued()

    # when
    anonymous = client.get(CATALOG)
    known = client.get(CATALOG, HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    # then
    assert (anonymous.status_code, known.status_code) == (200, 200)
    assert known.json() == anonymous.json()


def test_a_token_checked_by_the_middleware_is_not_looked_up_again(client):
    # given
    plaintext = _issued()

    # when
    with CaptureQueriesContext(connection) as queries:
        response = client.get(ME, HTTP_AUTHORIZATION=f"Bearer {plaintext}")

    # then
    assert response.status_code == 200
    look_ups = [q["sql"] for q in queries if 'FROM "accounts_apitoken"' in q["sql"]]
    assert len(look_ups) == 1
