"""Demo accounts: one per role, for trying the platform out (``chengxin demo``).

Passwords are random and printed once, when an account is created; a later run only says the
account exists and how to give it a new password. Never run this on a production deployment.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.utils.translation import gettext

from chengxin.accounts.choices import Role
from chengxin.accounts.models import User
from chengxin.accounts.services import user_create


@dataclass(frozen=True)
class DemoAccount:
    """One demo account; ``password`` is set only on the run that created it."""

    username: str
    role: str
    department_code: str
    password: str | None


DEMO_ACCOUNTS = (
    ("demo-provider", Role.PROVIDER, "tax", "演示报送员"),
    ("demo-officer", Role.OFFICER, "tax", "演示经办员"),
    ("demo-reviewer", Role.REVIEWER, "market", "演示审核员"),
    ("demo-admin", Role.ADMIN, "market", "演示系统管理员"),
    ("demo-security", Role.SECURITY, "market", "演示安全管理员"),
    ("demo-auditor", Role.AUDITOR, "market", "演示审计管理员"),
)
# The demo citizen is a confirmed citizen account with a file of its own: made by
# ``chengxin.collection.demo_citizen`` (it needs the catalog and the submission pipeline).


def demo_accounts_ensure(*, stdout) -> list[DemoAccount]:
    """Create the demo accounts that are missing (departments ``tax`` and ``market`` must exist,
    from ``chengxin seed``) and report each one on ``stdout``."""
    existing = set(
        User.objects.filter(username__in=[row[0] for row in DEMO_ACCOUNTS]).values_list(
            "username", flat=True
        )
    )
    accounts = []
    for username, role, department_code, display_name in DEMO_ACCOUNTS:
        password = None
        if username not in existing:
            password = user_create(
                username=username,
                department_code=department_code,
                role=role,
                display_name=display_name,
                actor=None,
            ).password
        account = DemoAccount(username, role, department_code, password)
        stdout.write(_report_line(account) + "\n")
        accounts.append(account)
    return accounts


def _report_line(account: DemoAccount) -> str:
    role = Role(account.role).label
    if account.password is not None:
        return gettext(
            "演示账户 %(username)s（%(role)s）已创建，密码（只显示这一次）：%(password)s"
        ) % {
            "username": account.username,
            "role": role,
            "password": account.password,
        }
    return gettext(
        "演示账户 %(username)s（%(role)s）已存在；如需新密码，请运行 chengxin user reset-password %(username)s"
    ) % {"username": account.username, "role": role}
