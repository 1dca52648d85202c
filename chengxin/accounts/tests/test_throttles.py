"""Rate limits of the staff sign-in, and a lockout an attacker cannot turn against an admin."""

from __future__ import annotations

import pytest
from axes.models import AccessLog
from django.urls import reverse

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
ATTACKER = "203.0.113.66"
OFFICE = "10.20.30.40"
SPRAYED_PASSWORD = "Qiqihar@2026"
THROTTLED_TEXT = "此网络地址登录失败的次数过多"


@pytest.fixture
def rates(settings, throttle_clock):
    """The production defaults of the sign-in limits (the test settings raise them)."""
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "sign_in_address": "30/15m",
        "sign_in_account": "10/15m",
    }


@pytest.fixture
def security_admin():
    user = staff_user(Role.SECURITY, username="security.zhao")
    totp_device(user)
    return user


def _password(client, username, password, address):
    return client.post(LOGIN, {"username": username, "password": password}, REMOTE_ADDR=address)


def test_one_password_against_forty_user_names_is_refused_after_thirty(client, rates):
    # given
    names = [f"staff.{number:02d}" for number in range(40)]
    for name in names:
        staff_user(Role.OFFICER, username=name)

    # when
    responses = [_password(client, name, SPRAYED_PASSWORD, ATTACKER) for name in names]

    # then
    assert [r.status_code for r in responses] == [200] * 30 + [429] * 10
    refused = responses[30]
    assert refused["Retry-After"] == "870"
    page = refused.content.decode()
    assert f"{THROTTLED_TEXT}，请在 15 分钟后再试。" in page


def test_a_refused_attempt_does_not_even_try_the_password(client, rates, security_admin):
    # given: the address spent its failures on other names
    for number in range(30):
        _password(client, f"nobody.{number}", SPRAYED_PASSWORD, ATTACKER)

    # when: the right password of a real account from that address
    response = _password(client, "security.zhao", PASSWORD, ATTACKER)

    # then
    assert response.status_code == 429
    assert client.session.get("chengxin_pending_user_id") is None


def test_the_first_refusal_of_a_window_is_audited_once(client, rates):
    # given
    for number in range(30):
        _password(client, f"nobody.{number}", SPRAYED_PASSWORD, ATTACKER)

    # when
    for number in range(3):
        _password(client, f"later.{number}", SPRAYED_PASSWORD, ATTACKER)

    # then
    event = AuditEvent.objects.get(detail__reason="throttled")
    assert (event.action, event.ip_address) == (AuditAction.SIGN_IN_FAILED, ATTACKER)
    assert event.detail == {"username": "later.0", "reason": "throttled"}
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 31


def test_another_address_is_not_slowed_by_the_attackers_failures(client, rates, security_admin):
    # given
    for number in range(35):
        _password(client, f"nobody.{number}", SPRAYED_PASSWORD, ATTACKER)

    # when
    response = _password(client, "security.zhao", PASSWORD, OFFICE)

    # then
    assert (response.status_code, response.url) == (302, VERIFY)


def test_five_wrong_passwords_from_elsewhere_do_not_lock_the_admin_at_their_desk(
    client, rates, security_admin
):
    # given: an attacker tries to lock the security administrator out
    attempts = [_password(client, "security.zhao", "wrong-password", ATTACKER) for _ in range(5)]

    # when
    response = _password(client, "security.zhao", PASSWORD, OFFICE)

    # then: the attacker's address is locked for that name, the admin's desk is not
    assert [r.status_code for r in attempts] == [200, 200, 200, 200, 429]
    assert _password(client, "security.zhao", PASSWORD, ATTACKER).status_code == 429
    assert (response.status_code, response.url) == (302, VERIFY)


def test_guessing_one_account_from_many_addresses_is_refused_from_new_addresses(
    client, rates, security_admin
):
    # given: the admin signed in from the office before; ten addresses fail once each
    AccessLog.objects.create(username="security.zhao", ip_address=OFFICE, user_agent="")
    for number in range(10):
        _password(client, "security.zhao", "wrong-password", f"198.51.100.{number}")

    # when
    from_new_address = _password(client, "security.zhao", PASSWORD, "198.51.100.200")
    from_the_office = _password(client, "security.zhao", PASSWORD, OFFICE)

    # then
    assert from_new_address.status_code == 429
    assert "该账户近期登录失败的次数过多" in from_new_address.content.decode()
    assert (from_the_office.status_code, from_the_office.url) == (302, VERIFY)


def test_wrong_totp_codes_count_against_the_address(
    client, settings, throttle_clock, security_admin
):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "sign_in_address": "3/15m",
    }
    device = security_admin.totpdevice_set.get()
    _password(client, "security.zhao", PASSWORD, ATTACKER)
    codes = [
        client.post(VERIFY, {"code": wrong_totp_code(device)}, REMOTE_ADDR=ATTACKER)
        for _attempt in range(3)
    ]

    # when
    response = client.post(VERIFY, {"code": totp_code(device)}, REMOTE_ADDR=ATTACKER)

    # then
    assert [r.status_code for r in codes] == [200, 200, 200]
    assert (response.status_code, response["Content-Type"]) == (429, "text/html; charset=utf-8")
    assert THROTTLED_TEXT in response.content.decode()


def test_a_throttled_sign_in_answers_a_page_of_the_staff_layout(client, settings, throttle_clock):
    # given
    settings.CHENGXIN_THROTTLE_RATES = {
        **settings.CHENGXIN_THROTTLE_RATES,
        "sign_in_address": "1/15m",
    }
    _password(client, "nobody", SPRAYED_PASSWORD, ATTACKER)

    # when
    response = _password(client, "nobody", SPRAYED_PASSWORD, ATTACKER)

    # then
    page = response.content.decode()
    assert response.status_code == 429
    assert "<h1>操作过于频繁</h1>" in page
    assert 'class="site-header staff-header"' in page
    assert response["Retry-After"] == "870"
