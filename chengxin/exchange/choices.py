"""Vocabulary of the exchange app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class OutboxEventType(models.TextChoices):
    """A change of a record that its recipients must hear of (SPEC §9)."""

    RECORD_CREATED = "record.created", _("新增记录")
    RECORD_CORRECTED = "record.corrected", _("记录更正")
    RECORD_REVOKED = "record.revoked", _("记录撤销")
    RECORD_REPAIRED = "record.repaired", _("信用修复")
    RECORD_EXPIRED = "record.expired", _("记录到期")
    RECORD_WITHDRAWN = "record.withdrawn", _("退出守信记录")
    RECORD_REINSTATED = "record.reinstated", _("恢复守信记录")
    RECORD_DISPUTED = "record.disputed", _("异议中")
    RECORD_DISPUTE_CLOSED = "record.dispute_closed", _("异议结束")
    RECORD_STATEMENT = "record.statement", _("附加异议声明")


class OutboxStatus(models.TextChoices):
    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("投递失败")
