"""``chengxin demo``: set up the embedded default and serve it.

Migrates, loads the reference data, creates a small synthetic demo set and one demo account per role
(their passwords are printed once, when they are created), the demo citizen with a file of their
own (``collection.demo_citizen``), then serves on 127.0.0.1:8000 with gunicorn (as ``chengxin
serve``) and a background worker (``chengxin worker``: uploaded files, the audit sealer). Running
it again reuses what exists.
"""

from __future__ import annotations

import subprocess
import sys

from django.core.management import call_command
from django.core.management.base import BaseCommand

from chengxin.accounts.demo import demo_accounts_ensure
from chengxin.collection.demo_citizen import demo_citizen_ensure
from chengxin.config.gunicorn import gunicorn_command, serve
from chengxin.education.demo import demo_education_ensure
from chengxin.identity.models import Subject
from chengxin.outreach.demo import demo_content_ensure
from chengxin.portal.demo import demo_disclosures_ensure
from chengxin.supervision.demo import demo_supervision_ensure
from chengxin.supervision.demo_consents import demo_consents_ensure
from chengxin.workplan.demo import demo_workplan_ensure

DEMO_PERSONS = 500


class Command(BaseCommand):
    help = "初始化演示环境并启动服务。Set up the embedded default with demo data and serve it."

    def add_arguments(self, parser):
        parser.add_argument("--persons", type=int, default=DEMO_PERSONS)
        parser.add_argument("--no-serve", action="store_true", help="set up only, do not serve")
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command("migrate", interactive=False, verbosity=0)
        self.stdout.write("数据库已迁移。Database migrated.")
        call_command("seed", stdout=self.stdout)
        if not Subject.objects.exists():
            call_command("demo_data", persons=options["persons"], stdout=self.stdout)
        demo_accounts_ensure(stdout=self.stdout)
        demo_citizen_ensure(stdout=self.stdout)
        demo_supervision_ensure(stdout=self.stdout)
        demo_consents_ensure(stdout=self.stdout)
        demo_content_ensure(stdout=self.stdout)
        demo_education_ensure(stdout=self.stdout)
        demo_workplan_ensure(stdout=self.stdout)
        # Entries of the public site's lists to search and page through (docs/public.md).
        demo_disclosures_ensure(stdout=self.stdout)
        if options["no_serve"]:
            return
        call_command("collectstatic", interactive=False, verbosity=0)
        worker = self._start_worker()
        self.stdout.write(f"服务地址 Serving on http://{options['addrport']}/")
        try:
            serve(gunicorn_command(options["addrport"]))
        finally:
            worker.terminate()
            worker.wait(timeout=10)

    def _start_worker(self) -> subprocess.Popen:
        """``chengxin worker`` beside the server, for uploaded files; stopped with the server."""
        worker = subprocess.Popen([sys.executable, "-m", "chengxin.cli", "worker"])
        self.stdout.write(f"后台任务进程已启动。Worker started (pid {worker.pid}).")
        return worker
