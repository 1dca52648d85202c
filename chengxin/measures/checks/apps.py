from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChecksConfig(AppConfig):
    name = "chengxin.measures.checks"
    label = "checks"
    verbose_name = _("联合奖惩核查")

    def ready(self) -> None:
        from chengxin.core.signals import worker_starting
        from chengxin.measures.checks import tasks  # noqa: F401 - answers hooks.batch_check_queued
        from chengxin.measures.checks.signals import resume_batch_checks

        worker_starting.connect(resume_batch_checks, dispatch_uid="checks.resume_batch_checks")
