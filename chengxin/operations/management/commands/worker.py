"""``chengxin worker``: run background tasks (Django's Tasks API, database backend).

Before taking tasks it sends ``worker_starting``, so that apps re-enqueue what a killed worker
left unfinished (file imports go on after their last committed chunk). ``--batch`` runs what is
queued and exits (used by tests and by cron-style deployments).

Beside the task loop it keeps the audit log's checkpoints (``audit.checkpoints``): a thread signs
one by time and copies new ones to the external checkpoint file, and when the worker stops (SIGTERM,
SIGINT, or the end of a run) it signs a last one at the end of the chain before it exits. A
``--batch`` run only makes the time-based step once, at its end. ``--no-audit-checkpoints`` leaves
the checkpoints to another worker (several hosts, one file).

A third thread is the audit sealer (``audit.sealing.SealerClock``): every second it gives the
events committed since its last run their place in the hash chain, so that no request waits for
a seal; ``--no-audit-sealer`` leaves that to another worker or to ``chengxin audit seal --loop``.
A ``--batch`` run seals once, at its end.

A fourth folds new rows into the dashboards' summary tables every minute
(``dashboards.worker``); ``--no-dashboards-refresh`` leaves that to ``chengxin dashboards refresh
--loop`` or a timer.

When a provincial platform is configured (``CHENGXIN_UPSTREAM_URL``), another thread delivers the
outbox to it (``exchange.worker``, docs/exchange.md); ``--no-upstream-push`` leaves that to
another worker or to ``chengxin exchange push --loop``.
"""

from __future__ import annotations

import logging
from argparse import BooleanOptionalAction

from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import DatabaseError
from django.utils import timezone

from chengxin.core.audit.checkpoints import (
    CheckpointClock,
    audit_checkpoint_make,
    audit_checkpoint_tick_logged,
)
from chengxin.core.audit.external import ExternalCheckpointError
from chengxin.core.audit.sealing import SealerClock, audit_seal_pending_logged
from chengxin.core.signals import worker_starting
from chengxin.dashboards.worker import DashboardsRefreshClock
from chengxin.exchange.worker import UpstreamPushClock

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "运行后台任务（文件导入等）。Run background tasks such as file imports."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run queued tasks, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")
        parser.add_argument(
            "--audit-checkpoints",
            action=BooleanOptionalAction,
            default=True,
            help="sign audit checkpoints by time and at shutdown (default: on)",
        )
        parser.add_argument(
            "--audit-sealer",
            action=BooleanOptionalAction,
            default=True,
            help="seal committed audit events every second (default: on)",
        )
        parser.add_argument(
            "--dashboards-refresh",
            action=BooleanOptionalAction,
            default=True,
            help="refresh the dashboards' summary tables every minute (default: on)",
        )
        parser.add_argument(
            "--upstream-push",
            action=BooleanOptionalAction,
            default=True,
            help="deliver the outbox to the provincial platform when configured (default: on)",
        )

    def handle(self, *args, **options):
        responses = worker_starting.send(sender=self.__class__)
        resumed = sum(count for _receiver, count in responses if isinstance(count, int))
        if resumed:
            self.stdout.write(
                f"已重新排队 {resumed} 项未完成的任务。Re-queued {resumed} unfinished tasks."
            )
        sealer = SealerClock() if options["audit_sealer"] and not options["batch"] else None
        if sealer is not None:
            sealer.start()
        refresh = None
        if options["dashboards_refresh"] and not options["batch"]:
            refresh = DashboardsRefreshClock()
            refresh.start()
        checkpoints = options["audit_checkpoints"]
        clock = CheckpointClock() if checkpoints and not options["batch"] else None
        if clock is not None:
            clock.start()
        push = None
        if options["upstream_push"] and not options["batch"]:
            push = UpstreamPushClock.from_settings()
        if push is not None:
            push.start()
        try:
            call_command(
                "db_worker",
                batch=options["batch"],
                interval=options["interval"],
                reload=False,
                startup_delay=False,
                verbosity=options["verbosity"],
            )
        finally:
            # Runs on the SystemExit that db_worker raises on SIGTERM/SIGINT, too.
            if push is not None:
                push.stop()
            if refresh is not None:
                refresh.stop()
            if sealer is not None:
                sealer.stop()
            elif options["audit_sealer"]:
                audit_seal_pending_logged()
            if clock is not None:
                clock.stop()
                self._final_checkpoint()
            elif checkpoints:
                audit_checkpoint_tick_logged(now=timezone.now())

    def _final_checkpoint(self) -> None:
        """Sign a checkpoint at the end of the chain and copy it out before the worker exits."""
        try:
            outcome = audit_checkpoint_make()
        except ExternalCheckpointError as error:
            logger.error("The final audit checkpoint was not copied out: %s", error)
            self.stderr.write(
                f"退出前的审计检查点未能写入外部检查点文件：{error}"
                f"\nThe final audit checkpoint was not written to the external file: {error}"
            )
            return
        except DatabaseError as error:
            logger.error("The final audit checkpoint failed: %s", type(error).__name__)
            return
        if outcome.checkpoint is not None:
            seq = outcome.checkpoint.seq
            self.stdout.write(
                f"退出前已在序号 {seq} 处签署审计检查点。\nFinal audit checkpoint at seq {seq}."
            )
