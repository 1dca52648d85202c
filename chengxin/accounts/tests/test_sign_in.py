"""Staff sign-in (SPEC §14): password, then TOTP; enrolment on the first sign-in."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django_otp.plugins.otp_totp.models import TOTPDevice

from chengxin.accounts.choices import Role
from chengxin.accounts.tests.factories import (
    PASSWORD,
    staff_user,
    totp_code,
    totp_device,
    wrong_totp_code,
)
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

LOGIN = reverse("accounts:login")
VERIFY = reverse("accounts:verify")
ENROL = reverse("accounts:enrol")
HOME = reverse("backoffice:home")


@pytest.fixture
def officer():
    return staff_user(Role.OFFICER, username="officer.wang")


def _password_step(client, username="officer.wang", password=PASSWORD, **extra):
    return client.post(LOGIN, {"username": username, "password": password, **extra})


def test_the_sign_in_page_is_in_chinese(client):
    # when
    response = client.get(LOGIN)

    # then
    assert response.status_code == 200
    assert "工作人员登录" in response.content.decode()


def test_password_then_totp_signs_in_with_a_verified_session(client, officer):
    # given
    device = totp_device(officer)

    # when
    first = _password_step(client)
    second = client.post(VERIFY, {"code": totp_code(device)})

    # then
    assert (first.status_code, first.url) == (302, VERIFY)
    assert (second.status_code, second.url) == (302, HOME)
    home = client.get(HOME)
    assert home.status_code == 200
    assert home.wsgi_request.user == officer
    assert home.wsgi_request.user.is_verified() is True
    event = AuditEvent.objects.get(action=AuditAction.SIGN_IN)
    assert event.actor_id == officer.pk


def test_the_password_alone_does_not_sign_in(client, officer):
    # given
    totp_device(officer)

    # when
    _password_step(client)
    response = client.get(HOME)

    # then
    assert (response.status_code, response.url) == (302, f"{LOGIN}?next={HOME}")
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN).count() == 0


def test_a_wrong_totp_code_is_refused_and_recorded_as_a_failed_sign_in(client, officer):
    # given
    device = totp_device(officer)
    _password_step(client)

    # when
    response = client.post(VERIFY, {"code": wrong_totp_code(device)})

    # then
    assert response.status_code == 200
    assert "验证码不正确或已过期" in response.content.decode()
    assert client.get(HOME).status_code == 302
    failed = AuditEvent.objects.get(action=AuditAction.SIGN_IN_FAILED)
    assert failed.detail == {"username": "officer.wang"}


def test_a_wrong_password_is_refused(client, officer):
    # when
    response = _password_step(client, password="not-the-password")

    # then
    assert response.status_code == 200
    assert "用户名或密码不正确" in response.content.decode()
    assert client.session.get("chengxin_pending_user_id") is None


def test_first_sign_in_enrols_an_authenticator_before_any_staff_page(client, officer):
    # when
    first = _password_step(client)
    page = client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer, confirmed=False)
    blocked = client.get(HOME)
    confirmed = client.post(ENROL, {"code": totp_code(device)})

    # then
    assert (first.status_code, first.url) == (302, ENROL)
    content = page.content.decode()
    assert content.count("<svg") == 1
    assert page.context["secret"].replace(" ", "") in content.replace(" ", "")
    assert blocked.status_code == 302
    assert (confirmed.status_code, confirmed.url) == (302, HOME)
    device.refresh_from_db()
    assert device.confirmed is True
    assert client.get(HOME).status_code == 200


def test_enrolment_with_a_wrong_code_leaves_the_device_unconfirmed(client, officer):
    # given
    _password_step(client)
    client.get(ENROL)
    device = TOTPDevice.objects.get(user=officer)

    # when
    response = client.post(ENROL, {"code": wrong_totp_code(device)})

    # then
    device.refresh_from_db()
    assert (response.status_code, device.confirmed) == (200, False)
    assert client.get(HOME).status_code == 302


def test_an_enrolled_user_cannot_enrol_again(client, officer):
    # given
    totp_device(officer)
    _password_step(client)

    # when
    response = client.get(ENROL)

    # then
    assert (response.status_code, response.url) == (302, VERIFY)
    assert TOTPDevice.objects.filter(user=officer).count() == 1


def test_the_second_step_without_a_password_goes_back_to_sign_in(client):
    # when
    responses = [client.get(VERIFY), client.get(ENROL)]

    # then
    assert [(response.status_code, response.url) for response in responses] == [
        (302, LOGIN),
        (302, LOGIN),
    ]


def test_citizens_cannot_sign_in_on_the_staff_page(client):
    # given
    staff_user(Role.CITIZEN, username="citizen.zhang")

    # when
    response = _password_step(client, username="citizen.zhang")

    # then
    assert response.status_code == 200
    assert "此页面仅供工作人员登录" in response.content.decode()
    assert client.session.get("chengxin_pending_user_id") is None


@pytest.mark.parametrize(
    ("next_url", "expected"),
    [("/staff/catalog/", "/staff/catalog/"), ("https://elsewhere.example/", HOME)],
)
def test_sign_in_returns_to_a_local_next_page_only(client, officer, next_url, expected):
    # given
    device = totp_device(officer)

    # when
    _password_step(client, next=next_url)
    response = client.post(VERIFY, {"code": totp_code(device)})

    # then
    assert response.url == expected


def test_without_the_totp_requirement_the_password_signs_in(client, officer, settings):
    # given
    settings.CHENGXIN_REQUIRE_TOTP = False

    # when
    response = _password_step(client)

    # then
    assert (response.status_code, response.url) == (302, HOME)
    assert client.get(HOME).status_code == 200


def test_a_session_without_the_second_factor_is_sent_to_sign_in(client, officer):
    # given
    client.force_login(officer)

    # when
    response = client.get(HOME)

    # then
    assert (response.status_code, response.url) == (302, f"{LOGIN}?next={HOME}")


def test_sign_out_ends_the_session_and_is_audited(client, officer):
    # given
    device = totp_device(officer)
    _password_step(client)
    client.post(VERIFY, {"code": totp_code(device)})

    # when
    response = client.post(reverse("accounts:logout"))

    # then
    assert (response.status_code, response.url) == (302, LOGIN)
    assert client.get(HOME).status_code == 302
    assert AuditEvent.objects.get(action=AuditAction.SIGN_OUT).actor_id == officer.pk
