from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "chengxin.collection"
    label = "collection"
    verbose_name = _("信用信息归集")

    def ready(self) -> None:
        from chengxin.collection import tasks  # noqa: F401 - answers hooks.file_import_queued
        from chengxin.collection.signals import resume_file_imports
        from chengxin.core.signals import worker_starting

        worker_starting.connect(resume_file_imports, dispatch_uid="collection.resume_file_imports")
