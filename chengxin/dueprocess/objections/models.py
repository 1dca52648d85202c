"""Objections to credit records (异议, SPEC §8) and the statements people attach to them.

An objection disputes one version of one record. While it is open the record carries the
``disputed`` flag (set and cleared by the objection's services, in the transaction of the
change); at most one objection per record is open at a time (a database constraint). Every
field is written by ``services`` only, one service per transition, each with its audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.objections.choices import (
    OPEN_STATUSES,
    FilingChannel,
    ObjectionGrounds,
    ObjectionStatus,
    RefusalReason,
    Resolution,
    ReviewOutcome,
)
from chengxin.dueprocess.objections.limits import (
    EXTENSION_REASON_MAX_LENGTH,
    REASONS_MAX_LENGTH,
    REVIEW_REASON_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)

_USER = settings.AUTH_USER_MODEL


def _actor(verbose_name) -> models.ForeignKey:
    return models.ForeignKey(
        _USER,
        verbose_name=verbose_name,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )


class Objection(models.Model):
    """One person's objection to one record version, from filing to its end.

    ``department`` is the record's providing department, copied so that each department's
    queue is one index look-up; ``subject_index`` the person (blind index). ``deadline`` is the
    last day of the step the platform owes (the department's decision, or the credit office's
    review), empty when nothing is owed; ``allowed_working_days`` the working days the
    department's decision may take from ``filed_on`` (the policy, or the extension).
    """

    record = models.ForeignKey(
        "collection.CreditRecord",
        verbose_name=_("信用记录"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    record_version = models.PositiveIntegerField(_("被异议的记录版本"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("信息提供单位"),
        on_delete=models.PROTECT,
        related_name="objections",
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=20, choices=ObjectionStatus.choices, default=ObjectionStatus.FILED
    )
    grounds = models.CharField(_("异议类型"), max_length=20, choices=ObjectionGrounds.choices)
    text = models.TextField(_("异议理由"), max_length=TEXT_MAX_LENGTH)
    channel = models.CharField(_("提交方式"), max_length=10, choices=FilingChannel.choices)
    power_of_attorney = models.ForeignKey(
        "dueprocess.Attachment",
        verbose_name=_("授权委托书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    filed_by = _actor(_("提交人"))
    filed_at = models.DateTimeField(_("提交时间"))
    filed_on = models.DateField(_("提交日期"))
    flagged_at = models.DateTimeField(_("标注异议时间"))
    allowed_working_days = models.PositiveSmallIntegerField(_("处理时限（工作日）"))
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    extended_at = models.DateTimeField(_("延长时间"), null=True, blank=True)
    extended_by = _actor(_("延长人"))
    extension_reason = models.TextField(
        _("延长理由"), max_length=EXTENSION_REASON_MAX_LENGTH, blank=True
    )
    accepted_at = models.DateTimeField(_("受理时间"), null=True, blank=True)
    accepted_by = _actor(_("受理人"))
    refusal_reason = models.CharField(
        _("不予受理理由"), max_length=30, choices=RefusalReason.choices, blank=True
    )
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = _actor(_("决定人"))
    reasons = models.TextField(_("决定理由"), max_length=REASONS_MAX_LENGTH, blank=True)
    resolution = models.CharField(
        _("处理结果"), max_length=10, choices=Resolution.choices, blank=True
    )
    corrected_version = models.PositiveIntegerField(_("更正后的版本"), null=True, blank=True)
    correction_submission_id = models.BigIntegerField(_("更正报送批次"), null=True, blank=True)
    review_request_until = models.DateField(_("可申请复核至"), null=True, blank=True)
    review_requested_at = models.DateTimeField(_("申请复核时间"), null=True, blank=True)
    review_reason = models.TextField(_("复核理由"), max_length=REVIEW_REASON_MAX_LENGTH, blank=True)
    review_decided_at = models.DateTimeField(_("复核决定时间"), null=True, blank=True)
    review_decided_by = _actor(_("复核人"))
    review_outcome = models.CharField(
        _("复核结果"), max_length=12, choices=ReviewOutcome.choices, blank=True
    )
    review_reasons = models.TextField(_("复核理由说明"), max_length=REASONS_MAX_LENGTH, blank=True)
    withdrawn_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    overdue_since = models.DateField(_("超期日期"), null=True, blank=True)
    reminded_for = models.DateField(_("已提醒的期限"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("异议")
        verbose_name_plural = _("异议")
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="objections_one_open_objection_per_record",
                violation_error_message=_("该记录已有正在处理的异议。"),
            )
        ]
        indexes = [
            models.Index(fields=["department", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["subject_index", "filed_at"]),
        ]

    def __str__(self) -> str:
        return f"objection {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


class ObjectionStatement(models.Model):
    """The person's statement (异议声明) on a record whose objection was rejected: it travels
    with the record in every later check answer, officer query and credit report, until the
    record is corrected or revoked by a later objection (``superseded_at``) or a newer
    statement replaces it. At most one per objection."""

    objection = models.OneToOneField(
        Objection, verbose_name=_("异议"), on_delete=models.PROTECT, related_name="statement"
    )
    record = models.ForeignKey(
        "collection.CreditRecord",
        verbose_name=_("信用记录"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    text = models.TextField(_("声明内容"), max_length=STATEMENT_MAX_LENGTH)
    made_at = models.DateTimeField(_("声明时间"))
    superseded_at = models.DateTimeField(_("失效时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("异议声明")
        verbose_name_plural = _("异议声明")
        indexes = [models.Index(fields=["record", "superseded_at"])]

    def __str__(self) -> str:
        return f"statement of objection {self.objection_id}"
