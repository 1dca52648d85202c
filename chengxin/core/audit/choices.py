"""Vocabulary of the audit log."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class AuditAction(models.TextChoices):
    """What an audit event records (SPEC §14: sign-ins, reads of personal data, changes, exports)."""

    SIGN_IN = "sign_in", _("登录")
    SIGN_IN_FAILED = "sign_in_failed", _("登录失败")
    SIGN_OUT = "sign_out", _("退出登录")
    PERSONAL_DATA_READ = "personal_data_read", _("查阅个人信息")
    CREATE = "create", _("新增")
    UPDATE = "update", _("修改")
    DELETE = "delete", _("删除")
    EXPORT = "export", _("导出")
    DECISION = "decision", _("决定")
    POLICY_CHANGE = "policy_change", _("政策参数变更")
    KEY_ROTATION = "key_rotation", _("密钥轮换")
    TOKEN_ISSUED = "token_issued", _("签发令牌")
    TOKEN_REVOKED = "token_revoked", _("吊销令牌")


class HashAlgorithm(models.TextChoices):
    """Algorithm ids stored next to every hash and signature, so a deployment can switch to
    approved commercial cryptography (SM3) without losing the ability to verify old rows."""

    SHA256 = "sha256", "SHA-256"
    HMAC_SHA256 = "hmac-sha256", "HMAC-SHA256"


class ExternalCheckpointKind(models.TextChoices):
    """What a line of the external checkpoint file states (docs/audit.md)."""

    CHECKPOINT = "checkpoint", _("检查点")
    RESTORE = "restore", _("确认从备份恢复")
