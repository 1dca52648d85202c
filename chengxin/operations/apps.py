from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class OperationsConfig(AppConfig):
    """The operator's commands that compose every app: ``chengxin demo`` (set up and serve the
    embedded default) and ``chengxin worker`` (the task loop and its clocks). They stand above
    the apps they start, so that ``core`` stands on nothing above it."""

    name = "chengxin.operations"
    label = "operations"
    verbose_name = _("运维命令")
