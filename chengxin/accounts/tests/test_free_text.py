"""Usernames, display names and token purposes: limits and no ID number (a username is copied into
audit events and check receipts); a sign-in with an over-long username is an ordinary refusal."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.urls import reverse

from chengxin.accounts.choices import Role
from chengxin.accounts.limits import USERNAME_MAX_LENGTH
from chengxin.accounts.models import ApiToken, Department, User
from chengxin.accounts.services import api_token_create, department_create, user_create
from chengxin.accounts.tests.factories import credit_office, staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError

pytestmark = pytest.mark.django_db

# Valid for the platform, though python-stdnum's ``ric.is_valid`` rejects it.
COUNTY_RENAMED = "230208197001010013"


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"username": COUNTY_RENAMED}, "text_holds_id_number"),
        ({"username": f"wang{COUNTY_RENAMED.lower()}"}, "text_holds_id_number"),
        ({"username": "w" * (USERNAME_MAX_LENGTH + 1)}, "text_too_long"),
        ({"display_name": f"王小明{COUNTY_RENAMED}"}, "text_holds_id_number"),
    ],
    ids=["username", "username-with-x", "username-too-long", "display-name"],
)
def test_an_account_naming_an_id_number_or_over_its_limits_is_refused(fields, code):
    # given
    credit_office()
    arguments = {"username": "wang.xm", "display_name": "王小明", **fields}

    # when
    with pytest.raises(DomainError) as refusal:
        user_create(department_code="market", role=Role.REVIEWER, actor=None, **arguments)

    # then
    assert (refusal.value.status, refusal.value.code) == (422, code)
    assert refusal.value.details["errors"][0]["field"] == next(iter(fields))
    assert not User.objects.exists()
    assert COUNTY_RENAMED not in str(list(AuditEvent.objects.values_list("detail", flat=True)))


def test_a_token_whose_purpose_holds_an_id_number_is_refused():
    # given
    user = staff_user(Role.OFFICER, username="officer.li")

    # when
    with pytest.raises(DomainError) as refusal:
        api_token_create(user=user, name=f"核查{COUNTY_RENAMED}", actor=None)

    # then
    assert (refusal.value.status, refusal.value.code) == (422, "text_holds_id_number")
    assert not ApiToken.objects.exists()


def test_a_department_code_holding_an_id_number_is_refused():
    # when
    with pytest.raises(DomainError) as refusal:
        department_create(code=COUNTY_RENAMED, name="某部门", kind="government", actor=None)

    # then
    assert (refusal.value.status, refusal.value.code) == (422, "text_holds_id_number")
    assert not Department.objects.exists()


def test_signing_in_with_a_megabyte_username_is_refused_by_the_form(client):
    # given
    staff_user(Role.OFFICER, username="officer.li")

    # when
    response = client.post(
        reverse("accounts:login"), {"username": "u" * (1024 * 1024), "password": "x" * 20}
    )

    # then
    assert response.status_code == 200
    assert "accounts/login" in response.templates[0].name
    assert response.context["form"].errors["username"]
    assert not AccessAttempt.objects.exists()
    assert not AuditEvent.objects.filter(action="sign_in_failed").exists()
