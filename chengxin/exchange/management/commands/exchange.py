"""``chengxin exchange push`` and ``chengxin exchange retry``: the upstream push's operator
commands (docs/exchange.md).

``push`` delivers what is due, round after round until nothing is due, then prints the state of
the push; ``--loop`` keeps going (every ``CHENGXIN_UPSTREAM_PUSH_INTERVAL`` seconds when idle)
until interrupted. ``retry`` makes the events waiting for their backoff due now; ``retry --dead``
sends the dead letters again with their attempts counted from zero (one audit event).

``export [--recipient CODE] [--today DATE]`` writes the due exports with their signed manifests;
``verify-manifest PATH`` checks a manifest (exit 1 naming the first bad file); ``fan-out`` writes
the correction notices of new outbox events; ``acknowledge ID`` records a notice's
acknowledgement (docs/exchange.md#exports).
"""

from __future__ import annotations

import datetime
import logging
import time
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import DatabaseError, close_old_connections
from django.utils import timezone

from chengxin.core.errors import DomainError
from chengxin.exchange.delivery import upstream_config, upstream_push
from chengxin.exchange.exports import (
    ManifestError,
    export_recipient_set,
    exports_run,
    manifest_verify,
)
from chengxin.exchange.fanout import correction_fanout_all, correction_notice_acknowledge
from chengxin.exchange.selectors import upstream_summary
from chengxin.exchange.services import outbox_events_retry

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "向省级平台推送（push）或重试（retry）。Push to the provincial platform, or retry."

    def add_arguments(self, parser):
        subcommands = parser.add_subparsers(dest="subcommand", required=True)
        push = subcommands.add_parser("push", help="推送到期的事件。Deliver the due events.")
        push.add_argument(
            "--loop", action="store_true", help="持续推送直到中断。Keep delivering until stopped."
        )
        retry = subcommands.add_parser("retry", help="立即重试。Retry now.")
        retry.add_argument(
            "--dead",
            action="store_true",
            help="重试投递失败队列中的事件。Retry the dead letters.",
        )

        export = subcommands.add_parser("export", help="写出到期的导出文件。Write the exports.")
        export.add_argument("--recipient", default=None, help="接收方代码。Recipient code.")
        export.add_argument(
            "--today", default=None, type=datetime.date.fromisoformat, help="YYYY-MM-DD"
        )
        recipient = subcommands.add_parser(
            "recipient", help="设置导出接收方。Create or update an export recipient."
        )
        recipient.add_argument("code")
        recipient.add_argument("--name", required=True)
        recipient.add_argument("--items", required=True, help="目录事项代码，逗号分隔。")
        recipient.add_argument("--formats", default="csv,jsonl")
        recipient.add_argument("--schedule", default="monthly", help="daily|weekly|monthly")
        verify = subcommands.add_parser("verify-manifest", help="校验清单。Verify a manifest.")
        verify.add_argument("path")
        subcommands.add_parser("fan-out", help="生成更正通知。Write correction notices.")
        acknowledge = subcommands.add_parser("acknowledge", help="确认更正通知。Acknowledge.")
        acknowledge.add_argument("notice_id", type=int)
        acknowledge.add_argument("--by", default="", help="确认人。Who acknowledged.")

    def handle(self, *args, **options):
        sub = options["subcommand"]
        if sub == "export":
            return self._export(options["recipient"], options["today"])
        if sub == "recipient":
            try:
                made = export_recipient_set(
                    code=options["code"],
                    name=options["name"],
                    items=[code for code in options["items"].split(",") if code],
                    formats=[fmt for fmt in options["formats"].split(",") if fmt],
                    schedule=options["schedule"],
                )
            except ValueError as error:
                raise CommandError(str(error)) from error
            self.stdout.write(
                f"已保存导出接收方 {made.code}。\nSaved export recipient {made.code}."
            )
            return None
        if sub == "verify-manifest":
            return self._verify(options["path"])
        if sub == "fan-out":
            written = correction_fanout_all()
            self.stdout.write(
                f"写入更正通知 {written} 条。\nCorrection notices written: {written}."
            )
            return None
        if sub == "acknowledge":
            try:
                correction_notice_acknowledge(notice_id=options["notice_id"], by=options["by"])
            except DomainError as error:
                raise CommandError(f"{error.message}\n{error.message_en}") from error
            self.stdout.write("已确认。\nAcknowledged.")
            return None
        if options["subcommand"] == "retry":
            self._retry(dead=options["dead"])
        elif options["loop"]:
            self._loop()
        else:
            self._push_once()

    def _export(self, recipient: str | None, today: datetime.date | None) -> None:
        results = exports_run(today=today or timezone.localdate(), recipient_code=recipient)
        for result in results:
            state = "written" if result.written else "already done"
            self.stdout.write(
                f"{result.export.recipient.code} {result.export.period}: "
                f"{result.export.record_count} records, {state} ({result.export.folder})"
            )

    def _verify(self, path: str) -> None:
        try:
            manifest = manifest_verify(Path(path))
        except ManifestError as error:
            self.stderr.write(f"清单校验失败：{error}\nManifest does not verify: {error}")
            raise SystemExit(1) from error
        self.stdout.write(
            f"清单校验通过（{len(manifest['files'])} 个文件）。\n"
            f"Manifest verifies: {len(manifest['files'])} files."
        )

    def _config(self):
        config = upstream_config()
        if config is None:
            raise CommandError(
                "未配置省级平台接收地址（CHENGXIN_UPSTREAM_URL）。"
                "\nNo provincial platform is configured (CHENGXIN_UPSTREAM_URL)."
            )
        return config

    def _push_once(self) -> None:
        results = upstream_push(config=self._config())
        delivered = sum(result.delivered for result in results)
        failed = sum(result.failed for result in results)
        dead = sum(result.dead for result in results)
        self.stdout.write(
            f"请求 {len(results)} 次，送达 {delivered} 个事件，失败待重试 {failed} 个，"
            f"转入失败队列 {dead} 个。\nRequests: {len(results)}, delivered: {delivered}, "
            f"failed (to retry): {failed}, dead: {dead}."
        )
        self._summary()

    def _loop(self) -> None:
        config = self._config()
        try:
            while True:
                if not self._rounds(config):
                    time.sleep(settings.CHENGXIN_UPSTREAM_PUSH_INTERVAL)
        except KeyboardInterrupt:
            self._summary()

    def _rounds(self, config) -> bool:
        """Rounds until nothing is due; whether any was sent. A database error (busy, gone) is
        logged and the loop goes on: the state is in the database."""
        try:
            return bool(upstream_push(config=config))
        except DatabaseError as error:
            logger.error("The upstream push round failed: %s", type(error).__name__)
            close_old_connections()
            return False

    def _retry(self, *, dead: bool) -> None:
        retried = outbox_events_retry(actor=None, dead=dead)
        kind = "投递失败队列中的" if dead else "等待重试的"
        self.stdout.write(
            f"已安排立即重试{kind} {retried} 个事件。\nRetrying {retried} "
            f"{'dead letters' if dead else 'waiting events'} now."
        )

    def _summary(self) -> None:
        summary = upstream_summary()
        lag = summary.lag
        lag_text = f"{int(lag.total_seconds())} s" if lag is not None else "—"
        self.stdout.write(
            f"待发送 {summary.pending}（其中失败待重试 {summary.failing}），失败队列 {summary.dead}，"
            f"已送达 {summary.delivered}，最早未送达事件已等待 {lag_text}。"
            f"\nPending {summary.pending} (failing {summary.failing}), dead {summary.dead}, "
            f"delivered {summary.delivered}, lag {lag_text}."
        )
