"""``chengxin dashboards refresh [--rebuild] [--loop [--interval SECONDS]]``: fold new rows into
the dashboards' summary tables, once (for cron or a systemd timer) or every ``--interval``
seconds until stopped."""

from __future__ import annotations

import time

from django.core.management.base import BaseCommand

from chengxin.dashboards.services import dashboards_rebuild, dashboards_refresh


class Command(BaseCommand):
    help = "Refresh the dashboards' summary tables from the rows written since the last refresh."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="action", required=True)
        refresh = subcommands.add_parser("refresh", help="Fold new rows into the summary tables.")
        refresh.add_argument(
            "--rebuild",
            action="store_true",
            help="Drop the summary tables and fold every row again.",
        )
        refresh.add_argument("--loop", action="store_true", help="Refresh until stopped.")
        refresh.add_argument(
            "--interval", type=float, default=60.0, help="Seconds between refreshes with --loop."
        )

    def handle(self, *args, **options):
        results = dashboards_rebuild() if options["rebuild"] else dashboards_refresh()
        self._print(results)
        while options["loop"]:
            time.sleep(max(options["interval"], 1.0))
            self._print(dashboards_refresh())

    def _print(self, results) -> None:
        for result in results:
            self.stdout.write(
                f"{result.source}\t读取 {result.rows_read} 行\t更新统计 {result.metrics_written} 项"
            )
