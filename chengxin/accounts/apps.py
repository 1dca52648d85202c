from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AccountsConfig(AppConfig):
    name = "chengxin.accounts"
    label = "accounts"
    verbose_name = _("账户与部门")
