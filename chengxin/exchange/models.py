"""The outbox: every change of a record that its recipients must hear of (SPEC §9).

A service that changes a record writes the event here in the same transaction as the change
(``services.outbox_event_record``), so an event exists exactly when its change does; a worker
delivers the events to the provincial platform and the other recipients (docs/exchange.md).
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.exchange.choices import OutboxEventType, OutboxStatus


class OutboxEvent(models.Model):
    """One event of one record. ``message_id`` is what receivers deduplicate on; ``payload`` holds
    no personal data (the record's ids, item, status, dates); the person is named by blind index
    only, for the order of a person's events and for sharding."""

    message_id = models.UUIDField(_("消息编号"), default=uuid.uuid4, unique=True, editable=False)
    event_type = models.CharField(_("事件类型"), max_length=32, choices=OutboxEventType.choices)
    record_id = models.BigIntegerField(_("记录编号"))
    subject_index = models.CharField(_("索引"), max_length=64)
    payload = models.JSONField(_("内容"))
    status = models.CharField(
        _("状态"), max_length=16, choices=OutboxStatus.choices, default=OutboxStatus.PENDING
    )
    created_at = models.DateTimeField(_("产生时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("待发送事件")
        verbose_name_plural = _("待发送事件")
        indexes = [
            models.Index(fields=["status", "id"]),
            models.Index(fields=["subject_index", "id"]),
            models.Index(fields=["record_id", "id"]),
        ]

    def __str__(self) -> str:
        return f"{self.event_type} of record {self.record_id}"
