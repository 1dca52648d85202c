"""The capability matrix of SPEC §1: what each role may do."""

from __future__ import annotations

import pytest
from django.contrib.auth.models import AnonymousUser

from chengxin.accounts.choices import Capability, Role
from chengxin.accounts.permissions import (
    acts_for_department,
    can_manage_users,
    can_read_audit_log,
    can_submit_records,
    capabilities_of,
    is_staff_member,
)
from chengxin.accounts.tests.factories import DepartmentFactory, matrix_user, staff_user

pytestmark = pytest.mark.django_db

C = Capability
EXPECTED = {
    "anonymous": set(),
    "citizen": {C.VIEW_OWN_FILE},
    "provider_same_department": {
        C.VIEW_CATALOG,
        C.SUBMIT_RECORDS,
        C.ANSWER_OBJECTIONS,
        C.DRAFT_CONTENT,
    },
    "provider_other_department": {
        C.VIEW_CATALOG,
        C.SUBMIT_RECORDS,
        C.ANSWER_OBJECTIONS,
        C.DRAFT_CONTENT,
    },
    "reviewer": {
        C.VIEW_CATALOG,
        C.SCREEN_DUE_PROCESS,
        C.CONFIRM_CITIZENS,
        C.MANAGE_LISTS,
        C.MANAGE_CONTENT,
        C.MANAGE_WORK_PLAN,
        C.DRAFT_CONTENT,
    },
    "auditor": {C.VIEW_CATALOG, C.READ_AUDIT_LOG, C.USE_ADMIN_SITE},
    "admin": {
        C.VIEW_CATALOG,
        C.MANAGE_CATALOG,
        C.MANAGE_DEPARTMENTS,
        C.MANAGE_POLICIES,
        C.USE_ADMIN_SITE,
    },
    "security": {
        C.VIEW_CATALOG,
        C.MANAGE_USERS,
        C.MANAGE_TOKENS,
        C.UNLOCK_ACCOUNTS,
        C.USE_ADMIN_SITE,
    },
}
SUBMITS_FOR_TAX = {"provider_same_department"}


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_capabilities_of_each_role(case):
    # given
    user = matrix_user(case) or AnonymousUser()

    # when
    capabilities = capabilities_of(user)

    # then
    assert capabilities == EXPECTED[case]


@pytest.mark.parametrize("case", sorted(EXPECTED))
def test_only_a_provider_of_the_department_submits_its_records(case):
    # given
    user = matrix_user(case) or AnonymousUser()
    tax = DepartmentFactory(code="tax")

    # when
    allowed = can_submit_records(user, tax)

    # then
    assert allowed is (case in SUBMITS_FOR_TAX)


def test_the_three_administrative_roles_are_separated():
    # given
    admin = staff_user(Role.ADMIN, username="sysadmin")
    security = staff_user(Role.SECURITY, username="secadmin")
    auditor = staff_user(Role.AUDITOR, username="auditor")

    # when
    audit_readers = [
        user.username for user in (admin, security, auditor) if can_read_audit_log(user)
    ]
    user_managers = [user.username for user in (admin, security, auditor) if can_manage_users(user)]

    # then
    assert (audit_readers, user_managers) == (["auditor"], ["secadmin"])


def test_an_inactive_account_can_do_nothing():
    # given
    user = staff_user(Role.AUDITOR, username="auditor", is_active=False)

    # when / then
    assert (capabilities_of(user), is_staff_member(user)) == (frozenset(), False)


def test_department_binding_applies_to_providers_and_officers_only():
    # given
    tax = DepartmentFactory(code="tax")
    court = DepartmentFactory(code="court")
    officer = staff_user(Role.OFFICER, username="officer", department=tax)
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    citizen = staff_user(Role.CITIZEN, username="citizen")

    # when
    answers = [
        acts_for_department(officer, tax),
        acts_for_department(officer, court),
        acts_for_department(reviewer, court),
        acts_for_department(citizen, tax),
    ]

    # then
    assert answers == [True, False, True, False]
