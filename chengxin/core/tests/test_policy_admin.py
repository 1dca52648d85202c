"""Policy values: the ``policy`` command and the staff admin pages."""

from __future__ import annotations

import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User
from chengxin.accounts.tests.factories import sign_in_verified
from chengxin.core import error_codes, policies, policy_registry
from chengxin.core.models import PolicyChange, PolicyValue
from chengxin.core.reference import load_reference_data
from chengxin.core.selectors import policy_value

DECISION = policies.OBJECTION_DECISION.name


# --- Command line and admin ------------------------------------------------------------------


@pytest.mark.django_db
def test_policy_command_sets_a_value_as_the_named_actor(system_admin):
    # given
    output = io.StringIO()

    # when
    call_command(
        "policy",
        "set",
        DECISION,
        "8",
        "--reason",
        "本地细则。",
        "--actor",
        "sysadmin",
        stdout=output,
    )

    # then
    assert output.getvalue() == f"{DECISION} = 8 个工作日\n"
    assert PolicyChange.objects.get().actor == system_admin


@pytest.mark.django_db
def test_policy_command_reports_an_out_of_range_value():
    # given / when
    with pytest.raises(CommandError) as raised:
        call_command("policy", "set", DECISION, "100", "--reason", "试图修改。")

    # then
    assert str(raised.value).endswith(f"({error_codes.POLICY_OUT_OF_RANGE})")
    assert PolicyValue.objects.count() == 0


@pytest.mark.django_db
def test_policy_command_lists_every_policy():
    # given
    output = io.StringIO()

    # when
    call_command("policy", "list", stdout=output)

    # then
    lines = output.getvalue().splitlines()
    assert len(lines) == len(policy_registry.all_definitions()) + 1
    assert f"{DECISION}\t5 个工作日\t异议处理时限" in lines


@pytest.mark.django_db
def test_system_admin_changes_a_policy_in_the_admin(client, system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    row = PolicyValue.objects.get(name=DECISION)
    sign_in_verified(client, system_admin)

    # when
    response = client.post(
        f"/staff/admin/core/policyvalue/{row.pk}/change/",
        {"new_value": "6", "reason": "本地细则。"},
    )

    # then
    assert response.status_code == 302
    assert policy_value(DECISION) == 6
    change = PolicyChange.objects.get()
    assert (change.actor, change.reason) == (system_admin, "本地细则。")


@pytest.mark.django_db
def test_admin_form_refuses_a_value_out_of_range(client, system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    row = PolicyValue.objects.get(name=DECISION)
    sign_in_verified(client, system_admin)

    # when
    response = client.post(
        f"/staff/admin/core/policyvalue/{row.pk}/change/",
        {"new_value": "61", "reason": "试图修改。"},
    )

    # then
    assert response.status_code == 200
    assert policy_value(DECISION) == 5
    assert PolicyChange.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("role", [Role.REVIEWER, Role.AUDITOR, Role.SECURITY])
def test_other_staff_roles_cannot_open_policies_in_the_admin(client, role):
    # given
    load_reference_data(stdout=io.StringIO())
    row = PolicyValue.objects.get(name=DECISION)
    user = User.objects.create_user(
        username="staff", password="correct-horse-battery", role=role, is_staff=True
    )
    sign_in_verified(client, user)

    # when
    response = client.post(
        f"/staff/admin/core/policyvalue/{row.pk}/change/",
        {"new_value": "6", "reason": "试图修改。"},
    )

    # then
    assert response.status_code == 403
    assert policy_value(DECISION) == 5
    assert PolicyChange.objects.count() == 0


@pytest.mark.django_db
def test_admin_lists_a_row_whose_definition_was_removed_without_editing_it(client, system_admin):
    # given
    load_reference_data(stdout=io.StringIO())
    orphan = PolicyValue.objects.create(name="retired.old_days", value=9)
    sign_in_verified(client, system_admin)

    # when
    listing = client.get("/staff/admin/core/policyvalue/")
    change = client.post(
        f"/staff/admin/core/policyvalue/{orphan.pk}/change/",
        {"new_value": "6", "reason": "试图修改。"},
    )

    # then
    assert listing.status_code == 200
    assert "（代码中已不再定义）" in listing.content.decode()
    assert change.status_code == 403
    assert PolicyValue.objects.get(pk=orphan.pk).value == 9
