"""``chengxin seed``: load the reference data of every app (idempotent; edits survive re-runs).

Each app that ships reference data has a ``reference`` module with
``load_reference_data(*, stdout) -> None``. Apps are loaded in ``INSTALLED_APPS`` order, so
departments exist before the catalog items that name them.
"""

from __future__ import annotations

import importlib
import importlib.util

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction


def reference_modules():
    for config in apps.get_app_configs():
        if not config.name.startswith("chengxin."):
            continue
        module_name = f"{config.name}.reference"
        if importlib.util.find_spec(module_name) is not None:
            yield importlib.import_module(module_name)


class Command(BaseCommand):
    help = "加载参考数据（部门、信息目录、政策参数等）。Load the reference data of every app."

    def handle(self, *args, **options):
        for module in reference_modules():
            with transaction.atomic():
                module.load_reference_data(stdout=self.stdout)
        self.stdout.write(self.style.SUCCESS("参考数据已加载。Reference data loaded."))
