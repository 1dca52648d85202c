"""``chengxin backup --to FOLDER --keys-to FILE``: the database into a new folder, the keys apart.

PostgreSQL: a base backup with ``pg_basebackup`` (with WAL archiving on the server, the start of
a point-in-time recovery); SQLite: a consistent copy by SQLite's online backup API. The keys go
into their own file, mode 600, never into the database backup (docs/operations.md).
"""

from __future__ import annotations

from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from chengxin.core.backup import backup
from chengxin.core.errors import DomainError


class Command(BaseCommand):
    help = "Back up the database into a new folder and the keys into a separate file (mode 600)."

    def add_arguments(self, parser):
        parser.add_argument("--to", type=Path, required=True, help="a new folder for the backup")
        parser.add_argument(
            "--keys-to", type=Path, required=True, help="a new file for the keys, kept apart"
        )

    def handle(self, *args, **options):
        try:
            result = backup(folder=options["to"], keys=options["keys_to"])
        except DomainError as error:
            raise CommandError(error.message) from error
        seconds = (result.finished_at - result.started_at).total_seconds()
        self.stdout.write(
            f"备份完成：{result.folder}（{result.vendor}，{seconds:.1f} 秒）；"
            f"密钥另存于 {result.keys}（权限 600），请与备份分开保管。\n"
            f"Backup done: {result.folder}; keys in {result.keys}, store them apart."
        )
        if result.vendor == "postgresql" and not result.archiving:
            self.stderr.write(
                self.style.WARNING(
                    "警告：数据库未开启 WAL 归档（archive_mode），只能恢复到本次备份的时点。\n"
                    "WARNING: WAL archiving is off; this backup restores to its own time only."
                )
            )
