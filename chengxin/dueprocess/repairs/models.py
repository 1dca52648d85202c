"""Credit repair applications (信用修复, SPEC §8).

An application asks the record's deciding department (谁认定、谁修复) to repair one negative
record once its earliest repair date has passed, with proof that the obligation was met
(attachments of ``dueprocess.Attachment``, case type ``repairs.repair``) and the credit
commitment the person accepted (its exact text, hash and time). At most one application per
record is open at a time (a database constraint). Every field is written by ``services`` only,
one service per transition, each with its audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.repairs.choices import OPEN_STATUSES, RepairChannel, RepairStatus
from chengxin.dueprocess.repairs.limits import (
    COMMITMENT_VERSION_MAX_LENGTH,
    REASONS_MAX_LENGTH,
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


class Repair(models.Model):
    """One application to repair one record, from applying to its decision.

    ``department`` is the record's department (the one that decided the penalty and decides the
    repair), copied so that each department's queue is one index look-up; ``subject_index`` the
    person (blind index). ``deadline`` is the last day of the department's decision while the
    application is open (``allowed_working_days`` after ``applied_on``), empty once decided.
    """

    record = models.ForeignKey(
        "collection.CreditRecord",
        verbose_name=_("信用记录"),
        on_delete=models.PROTECT,
        related_name="repairs",
    )
    record_version = models.PositiveIntegerField(_("申请时的记录版本"))
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("认定单位"),
        on_delete=models.PROTECT,
        related_name="repairs",
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    status = models.CharField(
        _("状态"), max_length=20, choices=RepairStatus.choices, default=RepairStatus.APPLIED
    )
    text = models.TextField(_("履行情况说明"), max_length=TEXT_MAX_LENGTH)
    channel = models.CharField(_("申请方式"), max_length=10, choices=RepairChannel.choices)
    power_of_attorney = models.ForeignKey(
        "dueprocess.Attachment",
        verbose_name=_("授权委托书"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    commitment_version = models.CharField(
        _("信用承诺书版本"), max_length=COMMITMENT_VERSION_MAX_LENGTH
    )
    commitment_text = models.TextField(_("信用承诺书内容"), max_length=5000)
    commitment_sha256 = models.CharField(_("信用承诺书摘要（SHA-256）"), max_length=64)
    commitment_accepted_at = models.DateTimeField(_("承诺时间"))
    applied_by = _actor(_("申请人"))
    applied_at = models.DateTimeField(_("申请时间"))
    applied_on = models.DateField(_("申请日期"))
    allowed_working_days = models.PositiveSmallIntegerField(_("决定时限（工作日）"))
    deadline = models.DateField(_("决定期限"), null=True, blank=True)
    decided_at = models.DateTimeField(_("决定时间"), null=True, blank=True)
    decided_on = models.DateField(_("决定日期"), null=True, blank=True)
    decided_by = _actor(_("决定人"))
    reasons = models.TextField(_("决定理由"), max_length=REASONS_MAX_LENGTH, blank=True)
    repaired_version = models.PositiveIntegerField(_("修复后的记录版本"), null=True, blank=True)
    overdue_since = models.DateField(_("超期日期"), null=True, blank=True)
    reminded_for = models.DateField(_("已提醒的期限"), null=True, blank=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信用修复申请")
        verbose_name_plural = _("信用修复申请")
        constraints = [
            models.UniqueConstraint(
                fields=["record"],
                condition=models.Q(status__in=OPEN_STATUSES),
                name="repairs_one_open_repair_per_record",
                violation_error_message=_("该记录已有正在办理的信用修复申请。"),
            )
        ]
        indexes = [
            models.Index(fields=["department", "status", "deadline"]),
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["subject_index", "applied_at"]),
        ]

    def __str__(self) -> str:
        return f"repair {self.pk}"

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES
