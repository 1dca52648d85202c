"""The outbox: every change of a record that its recipients must hear of (SPEC §9).

A service that changes a record writes the event here in the same transaction as the change
(``services.outbox_event_record``, ``services.outbox_events_write``), so an event exists exactly
when its change does; the delivery worker (``delivery``) sends the events of items pushed upstream
to the provincial platform and stores the receiver's receipt per event (docs/exchange.md).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.exchange.choices import (
    DeliveryOutcome,
    ExportSchedule,
    ExportStatus,
    NoticeRecipientKind,
    OutboxEventType,
    OutboxStatus,
    SignatureAlgorithm,
)


class UpstreamDelivery(models.Model):
    """One HTTP request that carried a batch of events to the provincial platform: how it was
    signed (the algorithm and key id stored so that SM2 can be added), what came of it, and the
    counts. The request body is not kept: the events and their receipts are."""

    batch_id = models.UUIDField(_("批次编号"), default=uuid.uuid4, unique=True, editable=False)
    endpoint = models.CharField(_("接收地址"), max_length=300)
    algorithm = models.CharField(_("签名算法"), max_length=32, choices=SignatureAlgorithm.choices)
    key_id = models.CharField(_("密钥编号"), max_length=64)
    signature = models.CharField(_("签名"), max_length=200)
    event_count = models.PositiveIntegerField(_("事件数"))
    delivered_count = models.PositiveIntegerField(_("送达数"), default=0)
    outcome = models.CharField(
        _("结果"), max_length=20, choices=DeliveryOutcome.choices, blank=True
    )
    http_status = models.PositiveSmallIntegerField(_("HTTP 状态码"), null=True, blank=True)
    error = models.CharField(_("错误"), max_length=200, blank=True)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("结束时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("推送批次")
        verbose_name_plural = _("推送批次")
        indexes = [models.Index(fields=["outcome", "id"])]

    def __str__(self) -> str:
        return f"delivery {self.batch_id}"


class OutboxEvent(models.Model):
    """One event of one record. ``message_id`` is what receivers deduplicate on; ``payload`` holds
    no personal data (the record's ids, item, status, dates); the person is named by blind index
    only, for the order of a person's events and for sharding.

    Delivery state (docs/exchange.md): a ``pending`` event is due at ``next_attempt_at`` (at once
    when empty) unless an earlier event of the same person is still undelivered; a worker claims
    it until ``claimed_until`` (so a killed worker's claim lapses); each failed attempt counts in
    ``attempts`` and moves ``next_attempt_at`` by exponential backoff with jitter; after the
    policy's number of attempts the event is ``dead`` until an operator retries it."""

    # Random (version 4), so unique by construction; no index: nothing looks an event up by it,
    # and the import path writes one event per record.
    message_id = models.UUIDField(_("消息编号"), default=uuid.uuid4, editable=False)
    event_type = models.CharField(_("事件类型"), max_length=32, choices=OutboxEventType.choices)
    record_id = models.BigIntegerField(_("记录编号"))
    subject_index = models.CharField(_("索引"), max_length=64)
    payload = models.JSONField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True)
    attempts = models.PositiveIntegerField(_("已尝试次数"), default=0)
    next_attempt_at = models.DateTimeField(_("下次尝试时间"), null=True, blank=True)
    claimed_until = models.DateTimeField(_("认领截止时间"), null=True, blank=True)
    claim_token = models.UUIDField(_("认领标记"), null=True, blank=True)
    last_error = models.CharField(_("最近一次错误"), max_length=200, blank=True)
    last_attempt_at = models.DateTimeField(_("最近一次尝试时间"), null=True, blank=True)
    last_delivery = models.ForeignKey(
        UpstreamDelivery,
        verbose_name=_("最近一次推送批次"),
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    delivered_at = models.DateTimeField(_("送达时间"), null=True, blank=True)
    receipt = models.JSONField(_("回执"), null=True, blank=True)
    dead_at = models.DateTimeField(_("转入失败队列时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("待发送事件")
        verbose_name_plural = _("待发送事件")
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["subject_index", "id"]),
            models.Index(fields=["record_id", "id"]),
            # Only a claimed event has a token: the rows an import writes stay out of it.
            models.Index(
                fields=["claim_token"],
                name="exchange_outbox_claimed",
                condition=models.Q(claim_token__isnull=False),
            ),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} of record {self.record_id}"


class ExportRecipient(models.Model):
    """A recipient of scheduled file exports (the financial credit database and others): the
    agreed catalog items, the formats and the schedule (docs/exchange.md#exports)."""

    code = models.SlugField(_("代码"), max_length=40, unique=True)
    name = models.CharField(_("名称"), max_length=120)
    items = models.ManyToManyField(
        "catalog.CatalogItem", verbose_name=_("约定的目录事项"), related_name="+"
    )
    formats = models.JSONField(_("文件格式"), default=list)
    schedule = models.CharField(_("周期"), max_length=10, choices=ExportSchedule.choices)
    active = models.BooleanField(_("启用"), default=True)

    class Meta:
        verbose_name = _("导出接收方")
        verbose_name_plural = _("导出接收方")

    def __str__(self) -> str:
        return self.code


class Export(models.Model):
    """One export run of one recipient for one period; ``status`` records its progress."""

    recipient = models.ForeignKey(ExportRecipient, on_delete=models.PROTECT, related_name="+")
    period = models.CharField(_("期间"), max_length=10)
    status = models.CharField(
        _("状态"), max_length=10, choices=ExportStatus.choices, default=ExportStatus.RUNNING
    )
    folder = models.CharField(_("目录"), max_length=500)
    manifest_sha256 = models.CharField(_("清单摘要"), max_length=64, blank=True)
    record_count = models.PositiveIntegerField(_("记录数"), default=0)
    attempts = models.PositiveIntegerField(_("运行次数"), default=0)
    started_at = models.DateTimeField(_("开始时间"))
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        verbose_name = _("导出")
        verbose_name_plural = _("导出")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient", "period"], name="exchange_export_one_per_period"
            )
        ]

    def __str__(self) -> str:
        return f"export {self.recipient_id} {self.period}"


class ExportedRecord(models.Model):
    """That a record, in a given version, went out in an export: who received what."""

    export = models.ForeignKey(Export, on_delete=models.CASCADE, related_name="+")
    record_id = models.BigIntegerField(_("记录编号"))
    version = models.PositiveIntegerField(_("版本号"))

    class Meta:
        verbose_name = _("已导出记录")
        verbose_name_plural = _("已导出记录")
        constraints = [
            models.UniqueConstraint(
                fields=["export", "record_id", "version"], name="exchange_exported_record_once"
            )
        ]
        indexes = [models.Index(fields=["record_id"])]

    def __str__(self) -> str:
        return f"record {self.record_id} v{self.version} in export {self.export_id}"


class CorrectionNotice(models.Model):
    """One notice to one earlier recipient of a record that an event changed it (SPEC §9
    correction fan-out); unique per recipient, record and event."""

    recipient_kind = models.CharField(
        _("接收方类型"), max_length=12, choices=NoticeRecipientKind.choices
    )
    recipient_code = models.CharField(_("接收方代码"), max_length=40)
    record_id = models.BigIntegerField(_("记录编号"))
    event = models.ForeignKey(OutboxEvent, on_delete=models.PROTECT, related_name="+")
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True)
    acknowledged_at = models.DateTimeField(_("确认时间"), null=True, blank=True)
    acknowledged_by = models.CharField(_("确认人"), max_length=150, blank=True)

    class Meta:
        verbose_name = _("更正通知")
        verbose_name_plural = _("更正通知")
        constraints = [
            models.UniqueConstraint(
                fields=["recipient_kind", "recipient_code", "record_id", "event"],
                name="exchange_correction_notice_once",
            )
        ]

    def __str__(self) -> str:
        return f"notice to {self.recipient_kind} {self.recipient_code} of record {self.record_id}"


class FanOutCursor(models.Model):
    """How far the correction fan-out has read the outbox (one row)."""

    last_event_id = models.BigIntegerField(_("已处理至事件编号"), default=0)

    def __str__(self) -> str:
        return f"fan-out at event {self.last_event_id}"
