"""``chengxin worker``: run background tasks (Django's Tasks API, database backend).

Before taking tasks it sends ``worker_starting``, so that apps re-enqueue what a killed worker
left unfinished (file imports go on after their last committed chunk). ``--batch`` runs what is
queued and exits (used by tests and by cron-style deployments).
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand

from chengxin.core.signals import worker_starting


class Command(BaseCommand):
    help = "运行后台任务（文件导入等）。Run background tasks such as file imports."

    def add_arguments(self, parser):
        parser.add_argument("--batch", action="store_true", help="run queued tasks, then exit")
        parser.add_argument("--interval", type=float, default=1.0, help="seconds between polls")

    def handle(self, *args, **options):
        responses = worker_starting.send(sender=self.__class__)
        resumed = sum(count for _receiver, count in responses if isinstance(count, int))
        if resumed:
            self.stdout.write(
                f"已重新排队 {resumed} 项未完成的任务。Re-queued {resumed} unfinished tasks."
            )
        call_command(
            "db_worker",
            batch=options["batch"],
            interval=options["interval"],
            reload=False,
            startup_delay=False,
            verbosity=options["verbosity"],
        )
