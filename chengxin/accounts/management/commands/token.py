"""``chengxin token``: issue, revoke and list API tokens.

``create`` writes the new token, and nothing else, to stdout, so scripts can capture it
(``TOKEN=$(chengxin token create clerk)``). It is never shown again.
"""

from __future__ import annotations

from django.core.management.base import BaseCommand
from django.utils import timezone

from chengxin.accounts.management.commands.user import command_error
from chengxin.accounts.selectors import (
    api_token_get_by_prefix,
    api_token_list_for_user,
    user_get_by_username,
)
from chengxin.accounts.services import TOKEN_DEFAULT_DAYS, api_token_create, api_token_revoke
from chengxin.core.errors import DomainError

DEFAULT_PURPOSE = "命令行签发"


class Command(BaseCommand):
    help = "接口令牌：create、revoke、list。API tokens."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        create = subcommands.add_parser("create", help="签发令牌（只输出令牌）。Issue a token.")
        create.add_argument("username")
        create.add_argument("--expires-days", type=int, default=TOKEN_DEFAULT_DAYS)
        create.add_argument("--name", default=DEFAULT_PURPOSE)
        revoke = subcommands.add_parser("revoke", help="吊销令牌。Revoke a token.")
        revoke.add_argument("prefix")
        listing = subcommands.add_parser("list", help="列出用户的令牌。List a user's tokens.")
        listing.add_argument("username")

    def handle(self, *args, **options):
        handlers = {"create": self._create, "revoke": self._revoke, "list": self._list}
        try:
            handlers[options["subcommand"]](options)
        except DomainError as error:
            raise command_error(error) from error

    def _create(self, options) -> None:
        user = user_get_by_username(username=options["username"])
        _token, plaintext = api_token_create(
            user=user,
            name=options["name"],
            expires_in_days=options["expires_days"],
            actor=None,
        )
        self.stdout.write(plaintext)

    def _revoke(self, options) -> None:
        token = api_token_revoke(
            token=api_token_get_by_prefix(prefix=options["prefix"]), actor=None
        )
        self.stdout.write(f"已吊销令牌 {token.prefix}…。Token revoked.")

    def _list(self, options) -> None:
        now = timezone.now()
        user = user_get_by_username(username=options["username"])
        for token in api_token_list_for_user(user=user):
            state = (
                "revoked"
                if token.is_revoked
                else "expired"
                if token.has_expired(now=now)
                else "active"
            )
            self.stdout.write(f"{token.prefix}\t{state}\t{token.expires_at:%Y-%m-%d}\t{token.name}")
