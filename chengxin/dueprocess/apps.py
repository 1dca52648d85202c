from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class DueProcessConfig(AppConfig):
    name = "chengxin.dueprocess"
    label = "dueprocess"
    verbose_name = _("异议、信用修复与举报")
