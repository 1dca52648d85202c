from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DashboardsConfig(AppConfig):
    name = "chengxin.dashboards"
    label = "dashboards"
    verbose_name = _("统计分析")

    def ready(self) -> None:
        from chengxin.dashboards.panels import register_platform_dashboards

        register_platform_dashboards()
