"""Bearer-token authentication of the API, tried on ``GET /api/v1/me``."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import RequestFactory
from django.urls import reverse
from django.utils import timezone

from chengxin.accounts import error_codes
from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken
from chengxin.accounts.services import api_token_create, api_token_revoke
from chengxin.accounts.tests.factories import matrix_user, sign_in_verified, staff_user
from chengxin.api.auth import optional_bearer_auth
from chengxin.core.errors import DomainError

pytestmark = pytest.mark.django_db

ME = reverse("api:me")
PROBLEM = "application/problem+json"
EXPECTED_ME = {
    "provider_same_department": ("provider-tax", "provider", "tax"),
    "provider_other_department": ("provider-court", "provider", "court"),
    "reviewer": ("matrix-reviewer", "reviewer", "market"),
    "auditor": ("matrix-auditor", "auditor", "market"),
    "admin": ("matrix-admin", "admin", "market"),
    "security": ("matrix-security", "security", "market"),
}


def _bearer(plaintext: str) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {plaintext}"}


def _issued(**extra) -> tuple[ApiToken, str]:
    user = staff_user(Role.PROVIDER, username="clerk.li", **extra)
    return api_token_create(user=user, name="报送系统", expires_in_days=30, actor=None)


@pytest.mark.parametrize("case", sorted(EXPECTED_ME))
def test_me_answers_the_token_holder(client, case):
    # given
    user = matrix_user(case)
    _token, plaintext = api_token_create(user=user, name="测试", expires_in_days=30, actor=None)

    # when
    response = client.get(ME, **_bearer(plaintext))

    # then
    assert response.status_code == 200
    body = response.json()
    assert (body["username"], body["role"], body["department"]) == EXPECTED_ME[case]


def test_me_lists_the_capabilities_of_the_role(client):
    # given
    _token, plaintext = _issued()

    # when
    response = client.get(ME, **_bearer(plaintext))

    # then
    assert response.json()["capabilities"] == [
        "answer_objections",
        "draft_content",
        "submit_records",
        "view_catalog",
    ]


@pytest.mark.parametrize("case", ["anonymous", "citizen", "security"])
def test_a_session_without_a_token_is_not_enough(client, case):
    # given
    user = matrix_user(case)
    if user is not None:
        sign_in_verified(client, user)

    # when
    response = client.get(ME)

    # then
    assert response.status_code == 401
    assert response["Content-Type"] == PROBLEM
    assert response.json()["code"] == "auth_required"


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("Bearer not-a-token", error_codes.TOKEN_INVALID),
        ("Bearer cx_" + "A" * 43, error_codes.TOKEN_INVALID),
        ("Token cx_" + "A" * 43, "auth_required"),
    ],
)
def test_unknown_and_malformed_tokens_are_refused(client, header, code):
    # given
    _issued()

    # when
    response = client.get(ME, HTTP_AUTHORIZATION=header)

    # then
    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
    assert response.json()["code"] == code


def test_an_expired_token_is_refused_with_its_code(client):
    # given
    token, plaintext = _issued()
    ApiToken.objects.filter(pk=token.pk).update(expires_at=timezone.now() - timedelta(seconds=1))

    # when
    response = client.get(ME, **_bearer(plaintext))

    # then
    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
    body = response.json()
    assert (body["code"], body["status"]) == (error_codes.TOKEN_EXPIRED, 401)
    assert body["title"] == "访问令牌已过期，请申请新的令牌。"
    assert body["message_en"] == "The access token has expired; ask for a new one."


def test_a_revoked_token_is_refused_from_the_next_request_on(client):
    # given
    token, plaintext = _issued()
    before = client.get(ME, **_bearer(plaintext))
    api_token_revoke(token=token, actor=None)

    # when
    response = client.get(ME, **_bearer(plaintext))

    # then
    assert before.status_code == 200
    assert (response.status_code, response["Content-Type"]) == (401, PROBLEM)
    assert response.json()["code"] == error_codes.TOKEN_REVOKED


def test_a_token_of_a_disabled_account_is_refused(client):
    # given
    token, plaintext = _issued()
    type(token.user).objects.filter(pk=token.user_id).update(is_active=False)

    # when
    response = client.get(ME, **_bearer(plaintext))

    # then
    assert response.status_code == 401
    assert response.json()["code"] == error_codes.TOKEN_ACCOUNT_DISABLED


def test_a_good_request_records_the_last_use(client, django_assert_max_num_queries):
    # given
    token, plaintext = _issued()

    before = timezone.now()

    # when
    with django_assert_max_num_queries(2):
        response = client.get(ME, **_bearer(plaintext))

    # then
    after = timezone.now()
    token.refresh_from_db()
    assert response.status_code == 200
    assert before <= token.last_used_at <= after


def test_optional_bearer_lets_a_request_without_a_header_through():
    # given
    request = RequestFactory().get("/api/v1/anything")

    # when
    result = optional_bearer_auth(request)

    # then
    assert result is True


def test_optional_bearer_still_checks_a_presented_token():
    # given
    token, plaintext = _issued()
    good = RequestFactory().get("/api/v1/anything", **_bearer(plaintext))
    bad = RequestFactory().get("/api/v1/anything", **_bearer("cx_" + "B" * 43))

    # when
    accepted = optional_bearer_auth(good)
    with pytest.raises(DomainError) as refused:
        optional_bearer_auth(bad)

    # then
    assert (accepted, good.user) == (token, token.user)
    assert (refused.value.code, refused.value.status) == (error_codes.TOKEN_INVALID, 401)
