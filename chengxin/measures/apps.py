from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeasuresConfig(AppConfig):
    name = "chengxin.measures"
    label = "measures"
    verbose_name = _("联合奖惩措施")
