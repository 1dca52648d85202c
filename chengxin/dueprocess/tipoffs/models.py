"""Tip-offs (举报, SPEC §8): anyone, signed in or anonymous, reports dishonest conduct or a false
record; the credit office routes it to the competent department, which answers.

The person concerned is kept as far as the reporter knows them: a name and an ID number, each
only encrypted (the number also as its blind index, so staff find every tip-off about a person,
and masked for display), never in a free-text column. The reporter follows the tip-off with its
tracking number and a query code shown once; only the code's hash is kept. Every field is
written by ``services`` only, one service per transition, each with its audit event.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.core import rotation
from chengxin.dueprocess.tipoffs.choices import (
    OPEN_STATUSES,
    AnswerOutcome,
    RefusalReason,
    TipOffCategory,
    TipOffStatus,
)
from chengxin.dueprocess.tipoffs.limits import (
    ANSWER_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    REASONS_MAX_LENGTH,
    RECORD_REFERENCE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TRACKING_NUMBER_MAX_LENGTH,
)

ID_NUMBER_PURPOSE = "tipoffs.tipoff.concerned_id_number"
NAME_PURPOSE = "tipoffs.tipoff.concerned_name"
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


class TipOff(models.Model):
    """One tip-off, from filing to its end.

    ``deadline`` is the last day of the step the platform owes (routing by the credit office,
    the department's answer, the credit office's closing), empty once nothing is owed.
    ``routed_department`` is the competent department the credit office chose; its staff see
    the tip-off from then on. ``reported_department`` is the department the reporter named, if
    any (a hint for routing).
    """

    number = models.CharField(_("举报编号"), max_length=TRACKING_NUMBER_MAX_LENGTH, unique=True)
    query_code_hash = models.CharField(_("查询码哈希"), max_length=128)
    status = models.CharField(
        _("状态"), max_length=20, choices=TipOffStatus.choices, default=TipOffStatus.FILED
    )
    category = models.CharField(_("举报类型"), max_length=20, choices=TipOffCategory.choices)
    text = models.TextField(_("举报内容"), max_length=TEXT_MAX_LENGTH)
    concerned_name_ciphertext = models.BinaryField(_("被举报人姓名密文"), blank=True, default=b"")
    concerned_name_key_id = models.CharField(_("姓名密钥编号"), max_length=32, blank=True)
    concerned_name_algorithm = models.CharField(_("姓名加密算法"), max_length=32, blank=True)
    concerned_name_masked = models.CharField(_("被举报人姓名（脱敏）"), max_length=100, blank=True)
    concerned_index = models.CharField(_("被举报人索引"), max_length=64, blank=True)
    concerned_id_ciphertext = models.BinaryField(_("证件号码密文"), blank=True, default=b"")
    concerned_id_key_id = models.CharField(_("证件号码密钥编号"), max_length=32, blank=True)
    concerned_id_algorithm = models.CharField(_("证件号码加密算法"), max_length=32, blank=True)
    concerned_id_masked = models.CharField(_("证件号码（脱敏）"), max_length=18, blank=True)
    record_reference = models.CharField(
        _("涉及的记录或文书号"), max_length=RECORD_REFERENCE_MAX_LENGTH, blank=True
    )
    reported_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("举报人所称的部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    reporter = models.ForeignKey(
        _USER,
        verbose_name=_("举报人账户"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="tip_offs",
    )
    anonymous = models.BooleanField(_("匿名举报"), default=True)
    filed_at = models.DateTimeField(_("提交时间"))
    filed_on = models.DateField(_("提交日期"))
    deadline = models.DateField(_("办理期限"), null=True, blank=True)
    routed_department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("承办部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="tip_offs",
    )
    routed_at = models.DateTimeField(_("转办时间"), null=True, blank=True)
    routed_by = _actor(_("转办人"))
    routing_note = models.TextField(_("转办意见"), max_length=NOTE_MAX_LENGTH, blank=True)
    refusal_reason = models.CharField(
        _("不予受理理由"), max_length=20, choices=RefusalReason.choices, blank=True
    )
    refusal_reasons = models.TextField(
        _("不予受理的说明"), max_length=REASONS_MAX_LENGTH, blank=True
    )
    refused_at = models.DateTimeField(_("不予受理时间"), null=True, blank=True)
    refused_by = _actor(_("决定人"))
    outcome = models.CharField(
        _("办理结果"), max_length=20, choices=AnswerOutcome.choices, blank=True
    )
    answer = models.TextField(_("答复内容"), max_length=ANSWER_MAX_LENGTH, blank=True)
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = _actor(_("答复人"))
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = _actor(_("办结人"))
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("举报")
        verbose_name_plural = _("举报")
        indexes = [
            models.Index(fields=["status", "deadline"]),
            models.Index(fields=["routed_department", "status", "deadline"]),
            models.Index(fields=["reporter", "filed_at"]),
            models.Index(fields=["concerned_index"]),
        ]

    def __str__(self) -> str:
        return self.number

    @property
    def is_open(self) -> bool:
        return self.status in OPEN_STATUSES


rotation.register(
    TipOff,
    ciphertext_field="concerned_id_ciphertext",
    key_id_field="concerned_id_key_id",
    algorithm_field="concerned_id_algorithm",
    purpose=ID_NUMBER_PURPOSE,
)
rotation.register(
    TipOff,
    ciphertext_field="concerned_name_ciphertext",
    key_id_field="concerned_name_key_id",
    algorithm_field="concerned_name_algorithm",
    purpose=NAME_PURPOSE,
)
