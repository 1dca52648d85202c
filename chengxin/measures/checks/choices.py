"""Vocabulary of the checks app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class BatchStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    RUNNING = "running", _("核查中")
    COMPLETED = "completed", _("已完成")
    FAILED = "failed", _("失败")


class RowOutcome(models.TextChoices):
    """What a batch check found for one ID number."""

    CHECKED = "checked", _("已核查")
    NO_RECORDS = "no_records", _("无记录")
    INVALID = "invalid", _("号码无效")


class VerificationReason(models.TextChoices):
    """Why a receipt did or did not verify (``ReceiptVerification.reason``)."""

    VALID = "valid", _("回执有效")
    MALFORMED = "malformed", _("回执格式不正确")
    ALGORITHM_UNSUPPORTED = "algorithm_unsupported", _("签名算法不受支持")
    KEY_UNKNOWN = "key_unknown", _("签名密钥未知")
    SIGNATURE_INVALID = "signature_invalid", _("签名不正确")
    BINDING_MISMATCH = "binding_mismatch", _("绑定摘要与请求、应答摘要不符")
    ANSWER_MISMATCH = "answer_mismatch", _("应答内容与回执不符")
    REQUEST_MISMATCH = "request_mismatch", _("请求内容与回执不符")
