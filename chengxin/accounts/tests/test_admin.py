"""The Django admin: administrative roles only, behind the second factor, each model with its
role, saves through the services, and no token secret on any page."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken, User
from chengxin.accounts.services import api_token_create
from chengxin.accounts.tests.factories import (
    DepartmentFactory,
    matrix_user,
    sign_in_verified,
    staff_user,
)
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db

ADMIN_INDEX = reverse("admin:index")
LOGIN = reverse("accounts:login")
PAGES = {
    "index": ADMIN_INDEX,
    "departments": reverse("admin:accounts_department_changelist"),
    "users": reverse("admin:accounts_user_changelist"),
    "tokens": reverse("admin:accounts_apitoken_changelist"),
}
EXPECTED = {
    "citizen": {"index": 403, "departments": 403, "users": 403, "tokens": 403},
    "provider_same_department": {"index": 403, "departments": 403, "users": 403, "tokens": 403},
    "provider_other_department": {"index": 403, "departments": 403, "users": 403, "tokens": 403},
    "reviewer": {"index": 403, "departments": 403, "users": 403, "tokens": 403},
    "auditor": {"index": 200, "departments": 403, "users": 403, "tokens": 403},
    "admin": {"index": 200, "departments": 200, "users": 403, "tokens": 403},
    "security": {"index": 200, "departments": 403, "users": 200, "tokens": 200},
}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_admin_pages_by_role(client, case):
    # given
    sign_in_verified(client, matrix_user(case))

    # when
    statuses = {name: client.get(url).status_code for name, url in PAGES.items()}

    # then
    assert statuses == EXPECTED[case]


def test_anonymous_visitors_are_sent_to_the_staff_sign_in(client):
    # when
    response = client.get(PAGES["users"], follow=True)

    # then
    assert response.redirect_chain[-1] == (f"{LOGIN}?next={PAGES['users']}", 302)
    assert response.status_code == 200


def test_a_session_without_the_second_factor_is_sent_to_sign_in(client):
    # given
    client.force_login(staff_user(Role.SECURITY, username="secadmin"))

    # when
    response = client.get(PAGES["users"], follow=True)

    # then
    assert response.redirect_chain[-1] == (f"{LOGIN}?next={PAGES['users']}", 302)


def test_the_admin_is_in_chinese(client):
    # given
    sign_in_verified(client, staff_user(Role.SECURITY, username="secadmin"))

    # when
    response = client.get(ADMIN_INDEX)

    # then
    content = response.content.decode()
    assert "信用信息平台 后台管理" in content
    assert "接口令牌" in content


def test_security_admin_adds_a_user_through_the_service_and_sees_the_password_once(client):
    # given
    security = staff_user(Role.SECURITY, username="secadmin")
    tax = DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
    sign_in_verified(client, security)

    # when
    response = client.post(
        reverse("admin:accounts_user_add"),
        {
            "username": "clerk.li",
            "display_name": "李报送",
            "role": "provider",
            "department": tax.pk,
        },
    )

    # then
    assert response.status_code == 302
    user = User.objects.get(username="clerk.li")
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    password = shown[0].rsplit("：", 1)[1]
    assert user.check_password(password) is True
    event = AuditEvent.objects.get(action=AuditAction.CREATE, object_type="user")
    assert event.actor_id == security.pk


def test_the_admin_shows_a_refusal_of_the_service_as_a_form_error(client):
    # given
    sign_in_verified(client, staff_user(Role.SECURITY, username="secadmin"))

    # when
    response = client.post(
        reverse("admin:accounts_user_add"),
        {"username": "clerk.li", "display_name": "", "role": "reviewer", "department": ""},
    )

    # then
    assert response.status_code == 200
    assert "报送员、经办员和审核员必须指定所属部门。" in response.content.decode()
    assert User.objects.filter(username="clerk.li").exists() is False


def test_security_admin_issues_a_token_shown_once_and_never_on_its_page(client):
    # given
    security = staff_user(Role.SECURITY, username="secadmin")
    clerk = staff_user(Role.PROVIDER, username="clerk.li")
    sign_in_verified(client, security)

    # when
    response = client.post(
        reverse("admin:accounts_apitoken_add"),
        {"user": clerk.pk, "name": "税务报送系统", "expires_in_days": 30},
    )
    token = ApiToken.objects.get(user=clerk)
    client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))
    detail = client.get(reverse("admin:accounts_apitoken_change", args=[token.pk]))

    # then
    shown = [str(message) for message in get_messages(response.wsgi_request)]
    plaintext = shown[0].rsplit("：", 1)[1]
    assert token.prefix == plaintext[:11]
    content = detail.content.decode()
    assert detail.status_code == 200
    assert plaintext not in content
    assert token.token_hash not in content


def test_security_admin_revokes_tokens_with_the_action(client):
    # given
    security = staff_user(Role.SECURITY, username="secadmin")
    token, _plaintext = api_token_create(
        user=staff_user(Role.PROVIDER, username="clerk.li"), name="报送", actor=None
    )
    sign_in_verified(client, security)

    # when
    client.post(PAGES["tokens"], {"action": "revoke_selected", "_selected_action": [str(token.pk)]})

    # then
    token.refresh_from_db()
    assert (token.is_revoked, token.revoked_by) == (True, security)


def test_system_admin_edits_a_department_through_the_service(client):
    # given
    admin = staff_user(Role.ADMIN, username="sysadmin")
    department = DepartmentFactory(code="tax", name="旧名称")
    sign_in_verified(client, admin)

    # when
    response = client.post(
        reverse("admin:accounts_department_change", args=[department.pk]),
        {"name": "国家税务总局齐齐哈尔市税务局", "short_name": "市税务局", "kind": "government",
         "name_en": "", "uscc": "", "succeeds": "", "is_active": "on"},
    )  # fmt: skip

    # then
    assert response.status_code == 302
    department.refresh_from_db()
    assert (department.code, department.name) == ("tax", "国家税务总局齐齐哈尔市税务局")
    event = AuditEvent.objects.get(action=AuditAction.UPDATE, object_type="department")
    assert event.detail == {"code": "tax", "changed": ["name", "short_name"]}
