"""Lockout after 5 failed sign-ins (django-axes, per user name and address), and unlocking it."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
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
HOME = reverse("backoffice:home")
LOCKED_TEXT = "账户已暂时锁定"
LOCKED_STATUS = 429  # django-axes answers "Too Many Requests"


@pytest.fixture
def officer():
    user = staff_user(Role.OFFICER, username="officer.wang")
    totp_device(user)
    return user


def _sign_in(client, password):
    return client.post(LOGIN, {"username": "officer.wang", "password": password})


def test_four_failures_still_allow_the_right_password(client, officer):
    # given
    for _attempt in range(4):
        _sign_in(client, "wrong-password")

    # when
    response = _sign_in(client, PASSWORD)

    # then
    assert (response.status_code, response.url) == (302, VERIFY)


def test_the_fifth_failure_locks_the_account_even_for_the_right_password(client, officer):
    # given
    responses = [_sign_in(client, "wrong-password") for _attempt in range(5)]

    # when
    response = _sign_in(client, PASSWORD)

    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 200, LOCKED_STATUS]
    assert response.status_code == LOCKED_STATUS
    assert LOCKED_TEXT in response.content.decode()
    assert client.session.get("chengxin_pending_user_id") is None
    assert AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).count() == 6


def test_the_lockout_page_says_how_long_the_lock_lasts(client, officer):
    # given
    for _attempt in range(4):
        _sign_in(client, "wrong-password")

    # when
    response = _sign_in(client, "wrong-password")

    # then
    page = response.content.decode()
    assert response.status_code == LOCKED_STATUS
    assert "请在 30 分钟后再试" in page
    assert "每次锁定 30 分钟，从最后一次失败登录起算" in page
    assert 1 <= int(response["Retry-After"]) <= 1800


def test_a_locked_name_leaves_the_colleagues_at_the_same_address_free(client, officer):
    # given
    colleague = staff_user(Role.OFFICER, username="officer.li")
    totp_device(colleague)
    for _attempt in range(5):
        _sign_in(client, "wrong-password")

    # when
    response = client.post(LOGIN, {"username": "officer.li", "password": PASSWORD})

    # then
    assert (response.status_code, response.url) == (302, VERIFY)


def test_five_wrong_totp_codes_lock_the_account(client, officer):
    # given
    device = officer.totpdevice_set.get()
    _sign_in(client, PASSWORD)
    responses = [client.post(VERIFY, {"code": wrong_totp_code(device)}) for _attempt in range(5)]

    # when
    response = client.post(VERIFY, {"code": totp_code(device)})

    # then
    assert [r.status_code for r in responses] == [200, 200, 200, 200, LOCKED_STATUS]
    assert response.status_code == LOCKED_STATUS
    assert LOCKED_TEXT in response.content.decode()
    assert client.get(HOME).status_code == 302


def test_the_security_admin_unlocks_with_the_command(client, officer):
    # given
    for _attempt in range(5):
        _sign_in(client, "wrong-password")
    output = io.StringIO()

    # when
    call_command("user", "unlock", "officer.wang", stdout=output)
    response = _sign_in(client, PASSWORD)

    # then
    assert output.getvalue() == "已解除锁定，清除 1 条失败记录。Unlocked.\n"
    assert (response.status_code, response.url) == (302, VERIFY)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="user")
    assert event.detail == {"changed": ["lockout"], "attempts_removed": 1}
