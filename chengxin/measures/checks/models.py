"""Checks (嵌入式核查), their receipts, the measures they triggered, feedback, and batch checks.

No full ID number is stored: a check keeps the masked number and the subject's blind index; a
batch keeps its list of numbers encrypted until the worker has read it, and its result file
(masked numbers only) encrypted as well.
"""

from __future__ import annotations

import uuid

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.measures.checks.choices import BatchStatus
from chengxin.measures.choices import Matter


class Check(models.Model):
    """One check of one person for one matter: the request (without the ID number), the answer
    and its signed receipt, exactly as given to the officer."""

    id = models.UUIDField(_("核查编号"), primary_key=True, default=uuid.uuid4, editable=False)
    subject_index = models.CharField(_("索引"), max_length=64, db_index=True)
    known = models.BooleanField(_("平台有记录"), default=False)
    matter = models.CharField(_("事项"), max_length=32, choices=Matter.choices)
    case_no = models.CharField(_("案件编号"), max_length=100)
    purpose = models.CharField(_("核查事由"), max_length=200)
    checked_on = models.DateField(_("核查日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("核查部门"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    request = models.JSONField(_("请求"))
    answer = models.JSONField(_("应答"))
    receipt = models.JSONField(_("回执"))
    created_at = models.DateTimeField(_("核查时间"))

    class Meta:
        verbose_name = _("核查")
        verbose_name_plural = _("核查")
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["department", "-created_at"])]

    def __str__(self) -> str:
        return str(self.id)


class CheckMeasure(models.Model):
    """A measure a check found applicable, once per implementing department (feedback rates)."""

    check_ref = models.ForeignKey(
        Check, verbose_name=_("核查"), on_delete=models.CASCADE, related_name="measures"
    )
    measure_code = models.CharField(_("措施代码"), max_length=64)
    kind = models.CharField(_("类别"), max_length=16)
    department_code = models.CharField(_("实施部门"), max_length=64)

    class Meta:
        verbose_name = _("核查触发的措施")
        verbose_name_plural = _("核查触发的措施")
        indexes = [models.Index(fields=["department_code", "measure_code"])]
        constraints = [
            models.UniqueConstraint(
                fields=["check_ref", "measure_code", "department_code"],
                name="checks_measure_unique",
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_ref_id} {self.measure_code} {self.department_code}"


class CheckFeedback(models.Model):
    """Whether a measure a check found was applied, and why (发起-响应-反馈)."""

    check_ref = models.ForeignKey(
        Check, verbose_name=_("核查"), on_delete=models.PROTECT, related_name="feedback"
    )
    measure_code = models.CharField(_("措施代码"), max_length=64)
    applied = models.BooleanField(_("已实施"))
    reason = models.TextField(_("理由"))
    decided_on = models.DateField(_("日期"))
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("反馈人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("反馈部门"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    created_at = models.DateTimeField(_("反馈时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("核查反馈")
        verbose_name_plural = _("核查反馈")
        ordering = ["check_ref", "measure_code"]
        constraints = [
            models.UniqueConstraint(
                fields=["check_ref", "measure_code"], name="checks_feedback_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.check_ref_id} {self.measure_code}"


class BatchCheck(models.Model):
    """A check of many ID numbers for one matter. The numbers are kept encrypted until the worker
    has read them; the result is a CSV (masked numbers) kept encrypted, with a signed receipt."""

    id = models.UUIDField(_("批量核查编号"), primary_key=True, default=uuid.uuid4, editable=False)
    matter = models.CharField(_("事项"), max_length=32, choices=Matter.choices)
    case_no = models.CharField(_("案件编号"), max_length=100)
    purpose = models.CharField(_("核查事由"), max_length=200)
    checked_on = models.DateField(_("核查日期"))
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("核查人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("核查部门"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    file_name = models.CharField(_("文件名"), max_length=255, blank=True)
    status = models.CharField(
        _("状态"), max_length=16, choices=BatchStatus.choices, default=BatchStatus.RECEIVED
    )
    total = models.PositiveIntegerField(_("号码数"), default=0)
    processed = models.PositiveIntegerField(_("已核查数"), default=0)
    counts = models.JSONField(_("结果统计"), default=dict, blank=True)
    input_ciphertext = models.BinaryField(_("号码密文"), blank=True, default=b"")
    input_key_id = models.CharField(_("号码密钥编号"), max_length=32, blank=True)
    input_algorithm = models.CharField(_("号码加密算法"), max_length=32, blank=True)
    result_ciphertext = models.BinaryField(_("结果密文"), blank=True, default=b"")
    result_key_id = models.CharField(_("结果密钥编号"), max_length=32, blank=True)
    result_algorithm = models.CharField(_("结果加密算法"), max_length=32, blank=True)
    receipt = models.JSONField(_("回执"), null=True, blank=True)
    error = models.TextField(_("错误"), blank=True)
    created_at = models.DateTimeField(_("接收时间"), auto_now_add=True)
    started_at = models.DateTimeField(_("开始时间"), null=True, blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("批量核查")
        verbose_name_plural = _("批量核查")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return str(self.id)


class BatchCheckSubject(models.Model):
    """One person a completed batch check checked, by blind index: what lets the person's own
    list of who looked (docs/citizens.md) find the batches that included them without reading
    any batch's encrypted numbers. Written with the batch's result, in its transaction."""

    batch = models.ForeignKey(
        BatchCheck, on_delete=models.CASCADE, related_name="subjects", db_index=False
    )
    subject_index = models.CharField(_("索引"), max_length=64)
    checked_at = models.DateTimeField(_("核查时间"))

    class Meta:
        verbose_name = _("批量核查对象")
        verbose_name_plural = _("批量核查对象")
        constraints = [
            models.UniqueConstraint(
                fields=["batch", "subject_index"], name="checks_batch_subject_once"
            )
        ]
        indexes = [models.Index(fields=["subject_index", "checked_at"])]

    def __str__(self) -> str:
        return f"batch {self.batch_id} subject"
