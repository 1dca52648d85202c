from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class TipOffsConfig(AppConfig):
    name = "chengxin.dueprocess.tipoffs"
    label = "tipoffs"
    verbose_name = _("举报")
