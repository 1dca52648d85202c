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
    """Where an event stands on its way to the provincial platform (docs/exchange.md).

    ``pending`` events are sent (again) when due; ``delivered`` ones carry the receiver's
    receipt; ``dead`` ones failed the policy's number of attempts and wait for an operator to
    retry them; ``local`` events are of items not pushed upstream (kept for the other
    recipients)."""

    PENDING = "pending", _("待发送")
    DELIVERED = "delivered", _("已送达")
    DEAD = "dead", _("投递失败")
    LOCAL = "local", _("不推送省级平台")


class SignatureAlgorithm(models.TextChoices):
    """How a request to the provincial platform is signed; kept per delivery so that a
    deployment can add SM2 without losing the meaning of old rows (SPEC §14)."""

    HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"


class DeliveryOutcome(models.TextChoices):
    """What one HTTP request of a batch came to."""

    DELIVERED = "delivered", _("全部送达")
    PARTIAL = "partial", _("部分送达")
    HTTP_ERROR = "http_error", _("接收方返回错误")
    TIMEOUT = "timeout", _("超时")
    CONNECTION_ERROR = "connection_error", _("连接失败或中断")
    BAD_RECEIPT = "bad_receipt", _("回执无效")


class ReceiptStatus(models.TextChoices):
    """The receiver's word on one event of a batch."""

    ACCEPTED = "accepted", _("已接收")
    DUPLICATE = "duplicate", _("重复（已接收过）")
    REJECTED = "rejected", _("拒收")


class ExportSchedule(models.TextChoices):
    """How often a recipient gets its files; the period of a run is the day, the ISO week or
    the month of its date."""

    DAILY = "daily", _("每日")
    WEEKLY = "weekly", _("每周")
    MONTHLY = "monthly", _("每月")


class ExportStatus(models.TextChoices):
    RUNNING = "running", _("进行中")
    DONE = "done", _("已完成")


class NoticeRecipientKind(models.TextChoices):
    """Who an earlier recipient of a record is."""

    EXPORT = "export", _("导出接收方")
    DEPARTMENT = "department", _("查询部门")
    AGENCY = "agency", _("查询过的征信机构")


CORRECTION_EVENT_TYPES = (
    "record.corrected",
    "record.revoked",
    "record.repaired",
    "record.withdrawn",
    "record.expired",
)
