"""Demo accounts: one per role, passwords printed once."""

from __future__ import annotations

import io

import pytest

from chengxin.accounts.choices import Role
from chengxin.accounts.demo import demo_accounts_ensure
from chengxin.accounts.models import User
from chengxin.accounts.tests.factories import DepartmentFactory, credit_office

pytestmark = pytest.mark.django_db


@pytest.fixture
def departments():
    DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
    credit_office()


def test_first_run_creates_one_account_per_role_with_a_working_password(departments):
    # when
    accounts = demo_accounts_ensure(stdout=io.StringIO())

    # then
    assert [(account.username, account.role, account.department_code) for account in accounts] == [
        ("demo-provider", Role.PROVIDER, "tax"),
        ("demo-officer", Role.OFFICER, "tax"),
        ("demo-reviewer", Role.REVIEWER, "market"),
        ("demo-admin", Role.ADMIN, "market"),
        ("demo-security", Role.SECURITY, "market"),
        ("demo-auditor", Role.AUDITOR, "market"),
    ]
    for account in accounts:
        assert User.objects.get(username=account.username).check_password(account.password)


def test_second_run_prints_no_password_and_says_how_to_reset(departments):
    # given
    demo_accounts_ensure(stdout=io.StringIO())
    output = io.StringIO()

    # when
    accounts = demo_accounts_ensure(stdout=output)

    # then
    assert [account.password for account in accounts] == [None] * 6
    assert output.getvalue().splitlines()[0] == (
        "演示账户 demo-provider（数据报送员）已存在；"
        "如需新密码，请运行 chengxin user reset-password demo-provider"
    )
    assert User.objects.filter(username__startswith="demo-").count() == 6
