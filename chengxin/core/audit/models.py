"""The append-only audit log: events, the seals that chain them, and signed checkpoints.

All three tables are append-only in the database itself: triggers created by migration 0002
refuse UPDATE and DELETE (and TRUNCATE on PostgreSQL). Rows are only ever inserted, by
``events.record`` and by the sealer in ``sealing.py``. See ``docs/audit.md``.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.core.audit.choices import AuditAction, HashAlgorithm
from chengxin.core.roles import Role


class AuditEvent(models.Model):
    """One audited fact: a sign-in, a read of personal data, a change, an export, a decision.

    Written inside the caller's transaction, so it exists exactly when the change it records does.
    The actor is copied as plain values (id, username, role, department code) so the log outlives
    account changes. ``subject_index`` is the blind index of the person concerned, never the ID
    number; ``detail`` never holds personal data. ``content_hash`` is a keyed hash (HMAC) of every
    field, with its algorithm and key id, so a row inserted or altered behind the application's
    back cannot carry a valid hash.
    """

    created_at = models.DateTimeField(_("时间"))
    actor_id = models.BigIntegerField(_("操作人编号"), null=True, blank=True)
    actor_username = models.CharField(_("操作人账号"), max_length=150, blank=True)
    actor_role = models.CharField(_("操作人角色"), max_length=20, blank=True)
    actor_department = models.CharField(_("操作人部门"), max_length=32, blank=True)
    action = models.CharField(_("操作"), max_length=32, choices=AuditAction.choices)
    object_type = models.CharField(_("对象类型"), max_length=64, blank=True)
    object_id = models.CharField(_("对象编号"), max_length=64, blank=True)
    subject_index = models.CharField(_("信息主体索引"), max_length=64, blank=True)
    purpose = models.CharField(_("查询事由"), max_length=200, blank=True)
    case_no = models.CharField(_("案件编号"), max_length=100, blank=True)
    detail = models.JSONField(_("详情"), default=dict, blank=True)
    ip_address = models.CharField(_("IP 地址"), max_length=45, blank=True)
    content_hash = models.CharField(_("内容哈希"), max_length=64)
    hash_algorithm = models.CharField(
        _("哈希算法"),
        max_length=16,
        choices=HashAlgorithm.choices,
        default=HashAlgorithm.HMAC_SHA256,
    )
    hash_key_id = models.CharField(_("哈希密钥编号"), max_length=32)

    class Meta:
        verbose_name = _("审计事件")
        verbose_name_plural = _("审计事件")
        indexes = [
            models.Index(fields=["created_at"], name="audit_event_created_idx"),
            models.Index(fields=["subject_index", "created_at"], name="audit_event_subject_idx"),
            models.Index(fields=["actor_id", "created_at"], name="audit_event_actor_idx"),
            models.Index(fields=["object_type", "object_id"], name="audit_event_object_idx"),
        ]

    def __str__(self) -> str:
        return f"{self.pk} {self.action} {self.object_type} {self.object_id}".strip()

    @property
    def actor_role_label(self) -> str:
        """The actor's role as its label, or the stored value for a role no longer defined."""
        return str(dict(Role.choices).get(self.actor_role, self.actor_role))


class AuditSeal(models.Model):
    """The place of one event in the hash chain, fixed when the event is sealed.

    ``seq`` runs 1, 2, 3, … without gaps in sealing order, which is commit order, not id order:
    an event whose transaction commits late simply gets a later ``seq``, so the chain never has to
    be rewritten. ``chain_hash`` = hash(prev_hash, seq, event id, event content hash, sealed_at).
    """

    seq = models.PositiveBigIntegerField(_("序号"), primary_key=True)
    event = models.OneToOneField(
        AuditEvent, verbose_name=_("审计事件"), on_delete=models.PROTECT, related_name="seal"
    )
    prev_hash = models.CharField(_("前一哈希"), max_length=64)
    chain_hash = models.CharField(_("链哈希"), max_length=64)
    algorithm = models.CharField(
        _("哈希算法"), max_length=16, choices=HashAlgorithm.choices, default=HashAlgorithm.SHA256
    )
    sealed_at = models.DateTimeField(_("封存时间"))

    class Meta:
        verbose_name = _("审计链封存")
        verbose_name_plural = _("审计链封存")

    def __str__(self) -> str:
        return f"#{self.seq} → {self.event_id}"


class AuditPending(models.Model):
    """An event waiting for its seal: the sealer's queue.

    Inserted with the event, in the caller's transaction, so it becomes visible exactly when the
    event commits; the sealer takes the lowest event ids first, appends their seals and deletes
    these rows in the same transaction. Finding the next batch is an index range scan of this
    small table, whatever the size of the log. Not append-only: a row lives only until its seal.
    """

    event = models.OneToOneField(
        AuditEvent,
        verbose_name=_("审计事件"),
        on_delete=models.PROTECT,
        primary_key=True,
        related_name="pending",
    )

    class Meta:
        verbose_name = _("待封存的审计事件")
        verbose_name_plural = _("待封存的审计事件")

    def __str__(self) -> str:
        return f"pending {self.event_id}"


class AuditCheckpoint(models.Model):
    """A signed statement of the chain hash at one ``seq``, made every N seals and on demand.

    The signature is an HMAC with a platform signing key (``CHENGXIN_SIGNING_KEYS``, id in
    ``key_id``), so someone who can write to the database but does not hold the key cannot rewrite
    the chain up to a checkpoint, nor cut events off before it, without being caught.
    """

    seq = models.PositiveBigIntegerField(_("序号"), unique=True)
    chain_hash = models.CharField(_("链哈希"), max_length=64)
    created_at = models.DateTimeField(_("时间"))
    signature = models.CharField(_("签名"), max_length=64)
    algorithm = models.CharField(
        _("签名算法"),
        max_length=16,
        choices=HashAlgorithm.choices,
        default=HashAlgorithm.HMAC_SHA256,
    )
    key_id = models.CharField(_("密钥编号"), max_length=32)

    class Meta:
        verbose_name = _("审计检查点")
        verbose_name_plural = _("审计检查点")

    def __str__(self) -> str:
        return f"checkpoint #{self.seq}"
