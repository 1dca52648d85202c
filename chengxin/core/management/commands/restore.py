"""``chengxin restore --from FOLDER --data NEW_DATA --archive WAL_FOLDER [--target-time T]
--keys FILE --keys-to FILE``: a PostgreSQL base backup into a new data folder, recovering from
the WAL archive to a point in time, and the keys back (docs/operations.md, "Restore")."""

from __future__ import annotations

import datetime
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from chengxin.core.backup import restore_postgresql
from chengxin.core.errors import DomainError


def _moment(text: str) -> datetime.datetime:
    try:
        moment = datetime.datetime.fromisoformat(text)
    except ValueError as error:
        raise CommandError(f"--target-time: not an ISO 8601 time: {text}") from error
    if timezone.is_naive(moment):
        moment = timezone.make_aware(moment)  # the platform's time zone (Asia/Shanghai)
    return moment


class Command(BaseCommand):
    help = "Restore a PostgreSQL base backup to a point in time into a new data folder, and keys."

    def add_arguments(self, parser):
        parser.add_argument("--from", dest="source", type=Path, required=True)
        parser.add_argument("--data", type=Path, required=True, help="a new, empty data folder")
        parser.add_argument("--archive", type=Path, required=True, help="the WAL archive folder")
        parser.add_argument(
            "--target-time", type=_moment, default=None, help="ISO 8601; default: the latest"
        )
        parser.add_argument("--keys", type=Path, required=True, help="the keys file of the backup")
        parser.add_argument(
            "--keys-to", type=Path, required=True, help="where the keys go (var/secrets.json)"
        )

    def handle(self, *args, **options):
        try:
            result = restore_postgresql(
                source=options["source"],
                data=options["data"],
                archive=options["archive"],
                target_time=options["target_time"],
                keys=options["keys"],
                keys_to=options["keys_to"],
            )
        except DomainError as error:
            raise CommandError(error.message) from error
        target = result.target_time.isoformat() if result.target_time else "latest"
        self.stdout.write(
            f"已准备恢复：数据目录 {result.data}，恢复到 {target}；密钥已写入 {result.keys_to}。\n"
            f"Recovery prepared in {result.data} (target: {target}); keys in {result.keys_to}.\n"
            "Next: start PostgreSQL on that folder as its OS user, wait until it is promoted, "
            "then chengxin migrate, chengxin audit verify, chengxin audit checkpoint "
            "--after-restore."
        )
