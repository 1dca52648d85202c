from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class InquiryConfig(AppConfig):
    name = "chengxin.inquiry"
    label = "inquiry"
    verbose_name = _("信用查询和信用报告")
