from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MyFileConfig(AppConfig):
    name = "chengxin.dueprocess.myfile"
    label = "myfile"
    verbose_name = _("我的信用档案与查询记录")
