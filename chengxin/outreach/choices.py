"""Vocabulary of the outreach app (SPEC §10, §13; docs/outreach.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class ArticleKind(models.TextChoices):
    """What an article is, and so where the public site shows it."""

    NEWS = "news", _("信用动态")
    POLICY = "policy", _("政策解读")
    MODEL = "model", _("诚信典型")
    WARNING = "warning", _("失信案例警示")
    CULTURE = "culture", _("诚信文化")
    READER = "reader", _("信用知识读本")


# Kinds shown as "typical cases" on the home page.
CASE_KINDS = (ArticleKind.MODEL, ArticleKind.WARNING)


class ArticleStatus(models.TextChoices):
    """Where an article is in its workflow: drafted by an editor, sent for review, published by
    a credit-office reviewer (visible from ``publish_at``), or taken down again (back to draft)."""

    DRAFT = "draft", _("草稿")
    IN_REVIEW = "in_review", _("待审核")
    PUBLISHED = "published", _("已发布")


class Transition(models.TextChoices):
    """The workflow's steps, each one service and one audit event."""

    CREATE = "create", _("新建草稿")
    UPDATE = "update", _("修改草稿")
    SUBMIT = "submit", _("提交审核")
    RETURN = "return", _("退回修改")
    PUBLISH = "publish", _("审核发布")
    UNPUBLISH = "unpublish", _("撤下")
    IMAGE_ADD = "image_add", _("添加图片")
    ATTACHMENT_ADD = "attachment_add", _("添加附件")
    LOAD_REFERENCE = "load_reference", _("加载参考内容")


class CampaignTiming(models.TextChoices):
    """How a campaign date of the plan falls in a year."""

    FIXED = "fixed", _("每年固定日期")
    LUNAR = "lunar", _("农历节日")
    MONTH = "month", _("宣传月")
    ANNOUNCED = "announced", _("以当年通知为准")


class ActivityStatus(models.TextChoices):
    """A campaign activity is planned by its unit, then reported once held (SPEC §10: "the
    activities planned and reported for each date")."""

    PLANNED = "planned", _("已计划")
    REPORTED = "reported", _("已报告")


class ReferenceOutcome(models.TextChoices):
    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("未变")
    KEPT = "kept", _("保留本地修改")
