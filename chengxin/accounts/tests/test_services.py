"""Services of the accounts app: the rules they enforce and the audit event each one writes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.contrib.auth import authenticate
from django.forms.models import model_to_dict
from django.test import RequestFactory
from django.utils import timezone
from django_otp.plugins.otp_totp.models import TOTPDevice

from chengxin.accounts import error_codes
from chengxin.accounts.choices import Role, TokenHashAlgorithm
from chengxin.accounts.models import ApiToken, User
from chengxin.accounts.services import (
    api_token_create,
    api_token_mark_used,
    api_token_revoke,
    department_update,
    totp_device_confirm,
    totp_device_for_enrolment,
    user_create,
    user_password_reset,
    user_second_factor_reset,
    user_update,
)
from chengxin.accounts.tests.factories import (
    PASSWORD,
    DepartmentFactory,
    credit_office,
    staff_user,
    totp_code,
    totp_device,
)
from chengxin.accounts.tokens import token_digest
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError

pytestmark = pytest.mark.django_db


@pytest.fixture
def security():
    return staff_user(Role.SECURITY, username="security-admin")


@pytest.fixture
def tax():
    return DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")


def test_user_create_generates_a_password_that_signs_in(security, tax):
    # given / when
    created = user_create(
        username="clerk.li", department_code="tax", role=Role.PROVIDER, actor=security
    )

    # then
    user = User.objects.get(username="clerk.li")
    assert (user.role, user.department, user.is_staff) == (Role.PROVIDER, tax, False)
    assert created.user == user
    assert len(created.password) == 16
    request = RequestFactory().post("/staff/accounts/login/")
    assert authenticate(request, username="clerk.li", password=created.password) == user


def test_user_create_with_a_password_returns_none_and_uses_it(security, tax):
    # when
    created = user_create(
        username="clerk.li",
        department_code="tax",
        role=Role.OFFICER,
        password=PASSWORD,
        display_name="李经办",
        actor=security,
    )

    # then
    assert created.password is None
    assert created.user.check_password(PASSWORD) is True
    assert created.user.display_name == "李经办"


def test_user_create_writes_an_audit_event_without_the_username(security, tax):
    # when
    created = user_create(
        username="clerk.li", department_code="tax", role=Role.PROVIDER, actor=security
    )

    # then
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="user")
    assert (event.actor_id, event.object_id) == (security.pk, str(created.user.pk))
    assert event.detail == {"role": "provider", "department": "tax"}


def test_administrative_roles_are_staff_in_the_django_sense(security):
    # given
    credit_office()

    # when
    created = user_create(
        username="sysadmin", department_code="market", role=Role.ADMIN, actor=security
    )

    # then
    assert created.user.is_staff is True


@pytest.mark.parametrize(
    ("role", "department_code", "code"),
    [
        (Role.PROVIDER, "", error_codes.DEPARTMENT_REQUIRED),
        (Role.OFFICER, "", error_codes.DEPARTMENT_REQUIRED),
        (Role.REVIEWER, "", error_codes.DEPARTMENT_REQUIRED),
        (Role.REVIEWER, "tax", error_codes.DEPARTMENT_NOT_CREDIT_OFFICE),
        (Role.AUDITOR, "tax", error_codes.DEPARTMENT_NOT_CREDIT_OFFICE),
        (Role.CITIZEN, "tax", error_codes.DEPARTMENT_NOT_ALLOWED),
        (Role.AGENCY, "market", error_codes.DEPARTMENT_NOT_ALLOWED),
        (Role.PROVIDER, "nowhere", error_codes.DEPARTMENT_NOT_FOUND),
        ("superhero", "tax", error_codes.USER_ROLE_UNKNOWN),
    ],
)
def test_user_create_refuses_a_role_and_department_that_do_not_fit(
    security, tax, role, department_code, code
):
    # given
    credit_office()

    # when
    with pytest.raises(DomainError) as refused:
        user_create(username="someone", department_code=department_code, role=role, actor=security)

    # then
    assert refused.value.code == code
    assert User.objects.filter(username="someone").exists() is False
    assert AuditEvent.objects.filter(object_type="user").count() == 0


def test_user_create_refuses_an_inactive_department(security):
    # given
    DepartmentFactory(code="old", name="撤销的部门", is_active=False)

    # when
    with pytest.raises(DomainError) as refused:
        user_create(username="someone", department_code="old", role=Role.PROVIDER, actor=security)

    # then
    assert refused.value.code == error_codes.DEPARTMENT_INACTIVE


def test_user_create_refuses_a_taken_username(security, tax):
    # given
    staff_user(Role.PROVIDER, username="clerk.li")

    # when
    with pytest.raises(DomainError) as refused:
        user_create(username="clerk.li", department_code="tax", role=Role.OFFICER, actor=security)

    # then
    assert (refused.value.code, refused.value.status) == (error_codes.USER_USERNAME_TAKEN, 409)


def test_user_create_refuses_a_weak_password_and_a_malformed_username(security, tax):
    # when
    with pytest.raises(DomainError) as weak:
        user_create(
            username="clerk", department_code="tax", role=Role.PROVIDER, password="123", actor=None
        )
    with pytest.raises(DomainError) as malformed:
        user_create(username="bad name!", department_code="tax", role=Role.PROVIDER, actor=None)

    # then
    assert weak.value.code == error_codes.USER_PASSWORD_WEAK
    assert malformed.value.code == error_codes.USER_USERNAME_INVALID
    assert User.objects.filter(role=Role.PROVIDER).count() == 0


def test_user_update_changes_role_and_audits_what_changed(security, tax):
    # given
    credit_office()
    user = staff_user(Role.PROVIDER, username="clerk.li")

    # when
    user_update(
        user=user,
        role=Role.REVIEWER,
        department_code="market",
        display_name=user.display_name,
        is_active=True,
        actor=security,
    )

    # then
    user.refresh_from_db()
    assert (user.role, user.department.code) == (Role.REVIEWER, "market")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="user")
    assert event.detail == {
        "changed": ["department", "role"],
        "department": "market",
        "role": "reviewer",
    }


def test_user_password_reset_replaces_the_password(security):
    # given
    user = staff_user(Role.OFFICER, username="officer.wang")

    # when
    password = user_password_reset(user=user, actor=security)

    # then
    user.refresh_from_db()
    assert (user.check_password(PASSWORD), user.check_password(password)) == (False, True)
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="user")
    assert event.detail == {"changed": ["password"]}


def test_user_second_factor_reset_removes_the_devices(security):
    # given
    user = staff_user(Role.OFFICER, username="officer.wang")
    totp_device(user)

    # when
    removed = user_second_factor_reset(user=user, actor=security)

    # then
    assert removed == 1
    assert TOTPDevice.objects.filter(user=user).count() == 0
    event = AuditEvent.objects.get(action=AuditAction.DELETE, object_type="totp_device")
    assert event.detail == {"devices_removed": 1}


def test_totp_enrolment_reuses_the_pending_device_and_confirms_with_a_code():
    # given
    user = staff_user(Role.OFFICER, username="officer.wang")
    device = totp_device_for_enrolment(user=user)

    # when
    same = totp_device_for_enrolment(user=user)
    confirmed = totp_device_confirm(device=device, token=totp_code(device))

    # then
    device.refresh_from_db()
    assert (same.pk, confirmed, device.confirmed) == (device.pk, True, True)
    event = AuditEvent.objects.get(object_type="totp_device")
    assert (event.action, event.actor_id) == (AuditAction.CREATE, user.pk)


def test_totp_enrolment_refuses_a_wrong_code():
    # given
    user = staff_user(Role.OFFICER, username="officer.wang")
    device = totp_device_for_enrolment(user=user)
    wrong = f"{(int(totp_code(device)) + 1) % 1_000_000:06d}"

    # when
    confirmed = totp_device_confirm(device=device, token=wrong)

    # then
    device.refresh_from_db()
    assert (confirmed, device.confirmed) == (False, False)
    assert AuditEvent.objects.filter(object_type="totp_device").count() == 0


def test_api_token_is_shown_once_and_stored_only_as_a_digest(security):
    # given
    user = staff_user(Role.PROVIDER, username="clerk.li")

    before = timezone.now()

    # when
    token, plaintext = api_token_create(
        user=user, name="税务报送系统", expires_in_days=30, actor=security
    )

    # then
    row = ApiToken.objects.get(pk=token.pk)
    assert row.token_hash == token_digest(plaintext)
    assert row.hash_algorithm == TokenHashAlgorithm.SHA256
    assert row.prefix == plaintext[:11]
    stored = [str(value) for value in model_to_dict(row).values()]
    assert [value for value in stored if plaintext in value] == []
    assert plaintext[11:] not in row.token_hash
    assert before + timedelta(days=30) <= row.expires_at <= timezone.now() + timedelta(days=30)


def test_api_token_create_writes_a_token_issued_event(security):
    # given
    user = staff_user(Role.PROVIDER, username="clerk.li")

    # when
    token, plaintext = api_token_create(user=user, name="报送", expires_in_days=30, actor=security)

    # then
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUED)
    assert (event.actor_id, event.object_type, event.object_id) == (
        security.pk,
        "api_token",
        str(token.pk),
    )
    assert event.detail == {
        "prefix": token.prefix,
        "user_id": user.pk,
        "expires_at": token.expires_at.isoformat(),
    }
    assert plaintext not in str(event.detail)


@pytest.mark.parametrize(
    ("role", "is_active", "days", "name", "code"),
    [
        (Role.CITIZEN, True, 30, "报送", error_codes.TOKEN_ROLE_NOT_ALLOWED),
        (Role.PROVIDER, False, 30, "报送", error_codes.TOKEN_USER_INACTIVE),
        (Role.PROVIDER, True, 0, "报送", error_codes.TOKEN_EXPIRY_OUT_OF_RANGE),
        (Role.PROVIDER, True, 366, "报送", error_codes.TOKEN_EXPIRY_OUT_OF_RANGE),
        (Role.PROVIDER, True, 30, "  ", error_codes.TOKEN_NAME_INVALID),
    ],
)
def test_api_token_create_refuses(security, role, is_active, days, name, code):
    # given
    user = staff_user(role, username="holder", is_active=is_active)

    # when
    with pytest.raises(DomainError) as refused:
        api_token_create(user=user, name=name, expires_in_days=days, actor=security)

    # then
    assert refused.value.code == code
    assert ApiToken.objects.count() == 0
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_ISSUED).count() == 0


def test_api_token_revoke_marks_the_token_and_writes_a_token_revoked_event(security):
    # given
    user = staff_user(Role.PROVIDER, username="clerk.li")
    token, _plaintext = api_token_create(user=user, name="报送", expires_in_days=30, actor=None)

    # when
    revoked = api_token_revoke(token=token, actor=security)

    # then
    assert (revoked.is_revoked, revoked.revoked_by) == (True, security)
    event = AuditEvent.objects.get(action=AuditAction.TOKEN_REVOKED)
    assert (event.actor_id, event.object_id) == (security.pk, str(token.pk))
    assert event.detail == {"prefix": token.prefix, "user_id": user.pk}


def test_api_token_revoke_twice_is_refused(security):
    # given
    user = staff_user(Role.PROVIDER, username="clerk.li")
    token, _plaintext = api_token_create(user=user, name="报送", expires_in_days=30, actor=None)
    api_token_revoke(token=token, actor=security)

    # when
    with pytest.raises(DomainError) as refused:
        api_token_revoke(token=token, actor=security)

    # then
    assert (refused.value.code, refused.value.status) == (error_codes.TOKEN_ALREADY_REVOKED, 409)
    assert AuditEvent.objects.filter(action=AuditAction.TOKEN_REVOKED).count() == 1


def test_api_token_mark_used_writes_at_most_once_a_minute(django_assert_num_queries):
    # given
    user = staff_user(Role.PROVIDER, username="clerk.li")
    token, _plaintext = api_token_create(user=user, name="报送", expires_in_days=30, actor=None)
    now = timezone.now()
    api_token_mark_used(token=token, now=now)

    # when
    with django_assert_num_queries(0):
        api_token_mark_used(token=token, now=now + timedelta(seconds=59))
    with django_assert_num_queries(1):
        api_token_mark_used(token=token, now=now + timedelta(seconds=61))

    # then
    token.refresh_from_db()
    assert token.last_used_at == now + timedelta(seconds=61)


def test_department_update_changes_fields_but_not_the_code(security):
    # given
    department = DepartmentFactory(code="tax", name="旧名称")

    # when
    department_update(department=department, changes={"name": "新名称"}, actor=security)
    with pytest.raises(ValueError, match="code"):
        department_update(department=department, changes={"code": "other"}, actor=security)

    # then
    department.refresh_from_db()
    assert (department.code, department.name) == ("tax", "新名称")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="department")
    assert event.detail == {"code": "tax", "changed": ["name"]}
