from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ObjectionsConfig(AppConfig):
    name = "chengxin.dueprocess.objections"
    label = "objections"
    verbose_name = _("异议")
