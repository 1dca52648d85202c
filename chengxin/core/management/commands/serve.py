"""``chengxin serve``: serve the platform with Django's threaded server.

For the embedded default and pilots. A city deployment runs the WSGI application
(``chengxin.config.wsgi``) behind a reverse proxy instead (docs/deployment.md).
"""

from __future__ import annotations

from django.core.management import call_command
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = "启动网站服务（内置服务器）。Serve the platform on ADDRESS:PORT."

    def add_arguments(self, parser):
        parser.add_argument("addrport", nargs="?", default="127.0.0.1:8000")

    def handle(self, *args, **options):
        call_command(
            "runserver",
            options["addrport"],
            use_reloader=False,
            use_threading=True,
            insecure_serving=True,
        )
