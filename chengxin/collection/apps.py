from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CollectionConfig(AppConfig):
    name = "chengxin.collection"
    label = "collection"
    verbose_name = _("信用信息归集")
