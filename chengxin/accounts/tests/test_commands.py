"""``chengxin user`` and ``chengxin token``."""

from __future__ import annotations

import io

import pytest
from django.core.management import CommandError, call_command

from chengxin.accounts.choices import Role
from chengxin.accounts.models import ApiToken, User
from chengxin.accounts.tests.factories import PASSWORD, DepartmentFactory, staff_user
from chengxin.accounts.tokens import TOKEN_PATTERN, token_digest
from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.models import AuditEvent

pytestmark = pytest.mark.django_db


def _run(*args) -> str:
    output = io.StringIO()
    call_command(*args, stdout=output)
    return output.getvalue()


@pytest.fixture
def tax():
    return DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")


def test_user_create_prints_the_generated_password_once(tax):
    # when
    output = _run("user", "create", "clerk.li", "--department", "tax", "--role", "provider")

    # then
    lines = output.splitlines()
    assert lines[0] == "已创建用户 clerk.li（数据报送员）。"
    password = lines[1].removeprefix("初始密码（只显示这一次）Password (shown once): ")
    assert len(lines) == 2
    assert User.objects.get(username="clerk.li").check_password(password) is True


def test_user_create_reads_the_password_from_stdin(tax, monkeypatch):
    # given
    monkeypatch.setattr("sys.stdin", io.StringIO(PASSWORD + "\n"))

    # when
    output = _run(
        "user",
        "create",
        "clerk.li",
        "--department",
        "tax",
        "--role",
        "provider",
        "--password-stdin",
    )

    # then
    assert output == "已创建用户 clerk.li（数据报送员）。\n"
    assert User.objects.get(username="clerk.li").check_password(PASSWORD) is True


def test_user_create_reports_a_refusal_in_both_languages():
    # when
    with pytest.raises(CommandError) as refused:
        _run("user", "create", "clerk.li", "--department", "nowhere", "--role", "provider")

    # then
    assert str(refused.value) == (
        "未找到代码为 nowhere 的部门。\nNo department has the code nowhere. "
        "[accounts.department_not_found]"
    )


def test_user_reset_password_prints_a_new_password():
    # given
    user = staff_user(Role.OFFICER, username="officer.wang")

    # when
    output = _run("user", "reset-password", "officer.wang")

    # then
    password = output.strip().removeprefix("新密码（只显示这一次）New password (shown once): ")
    user.refresh_from_db()
    assert user.check_password(password) is True


def test_token_create_prints_only_the_token():
    # given
    user = staff_user(Role.PROVIDER, username="clerk.li")

    # when
    output = _run("token", "create", "clerk.li", "--expires-days", "7", "--name", "报送系统")

    # then
    lines = output.splitlines()
    assert len(lines) == 1
    assert output == lines[0] + "\n"
    assert TOKEN_PATTERN.fullmatch(lines[0]) is not None
    token = ApiToken.objects.get(user=user)
    assert (token.token_hash, token.name) == (token_digest(lines[0]), "报送系统")
    assert AuditEvent.objects.get(action=AuditAction.TOKEN_ISSUED).actor_id is None


def test_token_create_for_an_unknown_user_fails_without_output():
    # when
    output = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("token", "create", "nobody", stdout=output)

    # then
    assert output.getvalue() == ""
    assert str(refused.value).endswith("[accounts.user_not_found]")


def test_token_revoke_by_prefix_and_list():
    # given
    staff_user(Role.PROVIDER, username="clerk.li")
    plaintext = _run("token", "create", "clerk.li").strip()
    prefix = plaintext[:11]

    # when
    revoked = _run("token", "revoke", prefix)
    listing = _run("token", "list", "clerk.li")

    # then
    assert revoked == f"已吊销令牌 {prefix}…。Token revoked.\n"
    token = ApiToken.objects.get(prefix=prefix)
    assert token.is_revoked is True
    assert listing == f"{prefix}\trevoked\t{token.expires_at:%Y-%m-%d}\t命令行签发\n"
