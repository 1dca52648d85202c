from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SupervisionConfig(AppConfig):
    name = "chengxin.supervision"
    label = "supervision"
    verbose_name = _("征信机构监管")
