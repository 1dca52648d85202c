from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class WorkplanConfig(AppConfig):
    name = "chengxin.workplan"
    label = "workplan"
    verbose_name = _("工作方案")

    def ready(self) -> None:
        from chengxin.workplan.dashboard import register_workplan_dashboard

        register_workplan_dashboard()
