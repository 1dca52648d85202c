"""``chengxin user``: create accounts, reset passwords, lift lockouts, reset the second factor.

``create`` prints the generated password once (unless ``--password-stdin`` reads one); nothing
else ever prints a password. These are operator commands: the audit events have no actor.
"""

from __future__ import annotations

import sys

from django.core.management.base import BaseCommand, CommandError

from chengxin.accounts.choices import Role
from chengxin.accounts.selectors import user_get_by_username
from chengxin.accounts.services import (
    user_create,
    user_password_reset,
    user_second_factor_reset,
    user_unlock,
)
from chengxin.core.errors import DomainError


def command_error(error: DomainError) -> CommandError:
    """A refusal of a service as the command's error (Chinese, English, code)."""
    return CommandError(f"{error.message}\n{error.message_en} [{error.code}]")


class Command(BaseCommand):
    help = "用户账户：create、reset-password、unlock、reset-totp。User accounts."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="新建账户。Create an account.")
        create.add_argument("username")
        create.add_argument("--role", required=True, choices=Role.values)
        create.add_argument("--department", default="", help="部门代码。Department code.")
        create.add_argument("--display-name", default="")
        create.add_argument(
            "--password-stdin",
            action="store_true",
            help="从标准输入读取密码（第一行）。Read the password from stdin.",
        )
        for name, text in (
            ("reset-password", "生成新密码。Generate a new password."),
            ("unlock", "解除登录锁定。Lift a lockout."),
            ("reset-totp", "删除身份验证器，下次登录重新绑定。Remove the TOTP devices."),
        ):
            subcommands.add_parser(name, help=text).add_argument("username")

    def handle(self, *args, **options):
        handlers = {
            "create": self._create,
            "reset-password": self._reset_password,
            "unlock": self._unlock,
            "reset-totp": self._reset_totp,
        }
        try:
            handlers[options["subcommand"]](options)
        except DomainError as error:
            raise command_error(error) from error

    def _create(self, options) -> None:
        password = sys.stdin.readline().rstrip("\r\n") if options["password_stdin"] else None
        created = user_create(
            username=options["username"],
            department_code=options["department"],
            role=options["role"],
            password=password,
            display_name=options["display_name"],
            actor=None,
        )
        user = created.user
        self.stdout.write(f"已创建用户 {user.username}（{user.get_role_display()}）。")
        if created.password is not None:
            self.stdout.write(f"初始密码（只显示这一次）Password (shown once): {created.password}")

    def _reset_password(self, options) -> None:
        user = user_get_by_username(username=options["username"])
        password = user_password_reset(user=user, actor=None)
        self.stdout.write(f"新密码（只显示这一次）New password (shown once): {password}")

    def _unlock(self, options) -> None:
        user = user_get_by_username(username=options["username"])
        removed = user_unlock(user=user, actor=None)
        self.stdout.write(f"已解除锁定，清除 {removed} 条失败记录。Unlocked.")

    def _reset_totp(self, options) -> None:
        user = user_get_by_username(username=options["username"])
        removed = user_second_factor_reset(user=user, actor=None)
        self.stdout.write(f"已删除 {removed} 个身份验证器，下次登录时重新绑定。TOTP reset.")
