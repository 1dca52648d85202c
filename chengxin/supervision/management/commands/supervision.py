"""``chengxin supervision delist-expired``: take off the violation blacklist every agency whose
listing period has ended (run daily, like ``chengxin expire``); idempotent."""

from __future__ import annotations

from django.core.management.base import BaseCommand

from chengxin.supervision.services import listings_delist_expired


class Command(BaseCommand):
    help = "征信机构监管：期满移出违规经营黑名单。Delist agencies whose listing period has ended."

    def add_arguments(self, parser):
        commands = parser.add_subparsers(dest="action", required=True)
        commands.add_parser("delist-expired", help="期满移出 / delist expired listings")

    def handle(self, *args, **options):
        count = listings_delist_expired()
        self.stdout.write(f"期满移出 {count} 家机构。Delisted {count} agencies.")
