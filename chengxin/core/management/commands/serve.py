"""``chengxin serve``: serve the platform with the production WSGI server.

gunicorn (one worker process per CPU, four threads each) on ADDRESS:PORT, static files by
WhiteNoise under hashed, compressed names, collected first. The process becomes gunicorn's master
(SIGTERM stops it gracefully). The same server a city runs behind its reverse proxy
(docs/deployment.md); ``make run`` serves the embedded default with it too.
"""

from __future__ import annotations

import os

from django.core.management import call_command
from django.core.management.base import BaseCommand

from chengxin.config.gunicorn import THREADS_PER_WORKER, default_workers, gunicorn_command


class Command(BaseCommand):
    help = "启动网站服务（gunicorn）。Serve the platform on ADDRESS:PORT with gunicorn."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")
        parser.add_argument("--workers", type=int, default=default_workers())
        parser.add_argument("--threads", type=int, default=THREADS_PER_WORKER)

    def handle(self, *args, **options):
        call_command("collectstatic", interactive=False, verbosity=0)
        command = gunicorn_command(
            options["addrport"], workers=options["workers"], threads=options["threads"]
        )
        self.stdout.write(
            f"gunicorn：{options['workers']} 个进程 × {options['threads']} 个线程。"
            f"\ngunicorn: {options['workers']} workers x {options['threads']} threads."
        )
        self.stdout.flush()
        # This process becomes gunicorn's master: signals reach it, nothing is left behind.
        os.execv(command[0], command)  # noqa: S606 - the platform's own server
