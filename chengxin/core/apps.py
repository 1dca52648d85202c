from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "chengxin.core"
    label = "core"
    verbose_name = _("核心")

    def ready(self) -> None:
        from chengxin.core import (
            checks,  # noqa: F401 - registers the system checks
            replica,  # noqa: F401 - registers the replica's policy value
        )
        from chengxin.core.cache import create_cache_tables

        post_migrate.connect(
            create_cache_tables, sender=self, dispatch_uid="chengxin.core.create_cache_tables"
        )
