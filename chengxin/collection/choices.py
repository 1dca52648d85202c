"""Vocabulary of the collection app (SPEC §4, §5)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class RecordStatus(models.TextChoices):
    """A credit record's status (SPEC §5)."""

    ACTIVE = "active", _("有效")
    EXPIRED = "expired", _("已到期")
    REPAIRED = "repaired", _("已修复")
    REVOKED = "revoked", _("已撤销")
    WITHDRAWN = "withdrawn", _("已退出")


class Outcome(models.TextChoices):
    """What a submitted row did to its record."""

    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新")
    UNCHANGED = "unchanged", _("未变化")
    REVOKED = "revoked", _("撤销")


class SubmissionStatus(models.TextChoices):
    RECEIVED = "received", _("已接收")
    RUNNING = "running", _("处理中")
    COMPLETED = "completed", _("已完成")
    FAILED = "failed", _("失败")
    REFUSED = "refused", _("文件被拒收")


class SubmissionChannel(models.TextChoices):
    API = "api", _("接口")
    FILE = "file", _("文件")
    CLI = "cli", _("命令行")
    # A corrected version or a revocation that an upheld objection made (docs/dueprocess.md).
    OBJECTION = "dispute", _("异议处理")


class Operation(models.TextChoices):
    """What a submission asks for: add or change records, or withdraw them by ``source_id``."""

    UPSERT = "upsert", _("新增或更新")
    REVOKE = "revoke", _("撤销")
