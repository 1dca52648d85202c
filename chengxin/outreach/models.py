"""Content of the public site and the plan's campaign calendar (SPEC §10, §13;
docs/outreach.md).

An ``Article`` is news, a policy interpretation, an integrity model, a warning case, an integrity
culture page or a chapter of the credit knowledge reader. It is written as plain text with a small
line syntax (paragraphs, headings, lists: ``outreach.markup``), never HTML, so nothing an editor
types reaches a page unescaped. Every change goes through ``outreach.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.outreach import limits
from chengxin.outreach.choices import ActivityStatus, ArticleKind, ArticleStatus, CampaignTiming


class Article(models.Model):
    """One piece of content and its workflow state.

    Visible to the public exactly when ``status`` is published and ``publish_at`` has come
    (scheduled publication needs no job: the public selectors filter on the time). The owning
    ``department`` is the author's: its providers edit their own drafts; the credit office sees
    all. ``reference_key`` marks the starter pages loaded by ``chengxin seed``.
    """

    kind = models.CharField(_("栏目"), max_length=16, choices=ArticleKind.choices)
    status = models.CharField(
        _("状态"), max_length=16, choices=ArticleStatus.choices, default=ArticleStatus.DRAFT
    )
    title = models.CharField(_("标题"), max_length=limits.TITLE_MAX_LENGTH)
    summary = models.CharField(_("摘要"), max_length=limits.SUMMARY_MAX_LENGTH, blank=True)
    body = models.TextField(_("正文"), max_length=limits.BODY_MAX_LENGTH)
    source = models.CharField(_("来源"), max_length=limits.SOURCE_MAX_LENGTH, blank=True)
    position = models.PositiveSmallIntegerField(_("章节顺序"), default=0)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("所属部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("起草人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("修改时间"), auto_now=True)
    submitted_at = models.DateTimeField(_("提交审核时间"), null=True, blank=True)
    return_reason = models.CharField(_("退回理由"), max_length=limits.REASON_MAX_LENGTH, blank=True)
    publish_at = models.DateTimeField(_("发布时间"), null=True, blank=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("审核发布人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    reference_key = models.SlugField(_("参考内容编号"), max_length=64, blank=True)
    reference_hash = models.CharField(_("参考内容摘要"), max_length=64, blank=True)

    class Meta:
        verbose_name = _("文章")
        verbose_name_plural = _("文章")
        constraints = [
            models.UniqueConstraint(
                fields=["reference_key"],
                condition=~models.Q(reference_key=""),
                name="outreach_article_reference",
            )
        ]
        indexes = [
            models.Index(fields=["kind", "status", "publish_at"], name="outreach_article_public"),
            models.Index(fields=["status", "updated_at"], name="outreach_article_queue"),
        ]

    def __str__(self) -> str:
        return self.title


class ArticleImage(models.Model):
    """A picture of an article, stored re-encoded by Pillow without its metadata
    (``outreach.images``); public once its article is."""

    article = models.ForeignKey(Article, on_delete=models.CASCADE, related_name="images")
    content_type = models.CharField(_("图片类型"), max_length=16)
    data = models.BinaryField(_("图片"))
    width = models.PositiveIntegerField(_("宽度"))
    height = models.PositiveIntegerField(_("高度"))
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    alt = models.CharField(_("图片说明"), max_length=limits.ALT_MAX_LENGTH)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("文章图片")
        verbose_name_plural = _("文章图片")

    def __str__(self) -> str:
        return self.alt


class CampaignDay(models.Model):
    """A date of the plan's campaign calendar (SPEC §10; plan 二(一)2): a fixed day, a lunar
    festival (its date per year in ``year_dates``), a campaign month, or a day announced each
    year. Reference data, loaded by ``chengxin seed``."""

    code = models.SlugField(_("编号"), max_length=32, unique=True)
    name = models.CharField(_("名称"), max_length=60)
    timing = models.CharField(_("日期规则"), max_length=16, choices=CampaignTiming.choices)
    month = models.PositiveSmallIntegerField(_("月"), null=True, blank=True)
    day = models.PositiveSmallIntegerField(_("日"), null=True, blank=True)
    year_dates = models.JSONField(_("各年日期"), default=dict, blank=True)
    theme = models.CharField(_("宣传重点"), max_length=300)
    position = models.PositiveSmallIntegerField(_("顺序"), default=0)

    class Meta:
        verbose_name = _("宣传节点")
        verbose_name_plural = _("宣传节点")
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name


class CampaignActivity(models.Model):
    """An activity organised for a campaign date in a year: who organises it, what it does
    (planned), and once held, how it went (``report``, SPEC §10 "planned and reported").

    ``department`` is the responsible unit whose staff plan and report it
    (``outreach.activities``); activities the credit office registered by name only have none.
    The report's photos and files are ``Attachment`` rows of case type ``outreach.activity``."""

    campaign = models.ForeignKey(CampaignDay, on_delete=models.PROTECT, related_name="activities")
    year = models.PositiveSmallIntegerField(_("年度"))
    held_on = models.DateField(_("活动日期"), null=True, blank=True)
    title = models.CharField(_("活动名称"), max_length=limits.ACTIVITY_TITLE_MAX_LENGTH)
    organiser = models.CharField(_("组织单位"), max_length=limits.ACTIVITY_UNIT_MAX_LENGTH)
    description = models.TextField(_("活动内容"), max_length=limits.ACTIVITY_DESCRIPTION_MAX_LENGTH)
    report = models.TextField(
        _("开展情况"), max_length=limits.ACTIVITY_REPORT_MAX_LENGTH, blank=True
    )
    reported_at = models.DateTimeField(_("报告时间"), null=True, blank=True)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("责任单位"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    status = models.CharField(
        _("状态"), max_length=16, choices=ActivityStatus.choices, default=ActivityStatus.PLANNED
    )
    participants = models.PositiveIntegerField(_("参与人数"), null=True, blank=True)
    reported_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("报告人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("登记人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("宣传活动")
        verbose_name_plural = _("宣传活动")
        indexes = [
            models.Index(fields=["year", "campaign"], name="outreach_activity_year"),
            models.Index(fields=["department", "year"], name="outreach_activity_unit"),
        ]

    def __str__(self) -> str:
        return self.title
