"""Vocabulary of the measures catalog (SPEC §6)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Matter(models.TextChoices):
    """The matters (事项) a measure applies to; a check names one of them."""

    ADMINISTRATIVE_LICENSING = "administrative_licensing", _("行政许可")
    PUBLIC_PROCUREMENT = "public_procurement", _("政府采购")
    SUBSIDY = "subsidy", _("财政补贴")
    HONOUR = "honour", _("评优评先")
    PUBLIC_HIRING = "public_hiring", _("公职人员招录")
    PUBLIC_RESOURCES = "public_resources", _("公共资源交易")
    EDUCATION_EMPLOYMENT = "education_employment", _("教育就业创业扶持")
    ALL = "all", _("全部事项")


class MeasureKind(models.TextChoices):
    REWARD = "reward", _("激励")
    PUNISHMENT = "punishment", _("惩戒")


class MeasureType(models.TextChoices):
    ADMINISTRATIVE = "administrative", _("行政性")
    MARKET = "market", _("市场性")
    SOCIAL = "social", _("社会性")
    INDUSTRY = "industry", _("行业性")


class MeasureStatus(models.TextChoices):
    DRAFT = "draft", _("草稿")
    ACTIVE = "active", _("已启用")
    RETIRED = "retired", _("已停用")
