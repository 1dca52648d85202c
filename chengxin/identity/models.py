"""The data subject: one natural person, keyed by the blind index of their identity number."""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.core import rotation
from chengxin.identity.choices import IdKind

ID_NUMBER_PURPOSE = "identity.subject.id_number"
NAME_PURPOSE = "identity.subject.name"


def id_number_purpose(subject: Subject) -> str:
    """Encryption purpose of a subject's number, bound to its blind index: a ciphertext copied to
    another subject's row fails authentication instead of decrypting to the wrong person."""
    return id_number_purpose_of(subject.blind_index)


def name_purpose(subject: Subject) -> str:
    """Encryption purpose of a subject's name, bound to its blind index like the number."""
    return name_purpose_of(subject.blind_index)


def id_number_purpose_of(blind_index: str) -> str:
    """``id_number_purpose`` of the subject with ``blind_index`` (no instance needed)."""
    return f"{ID_NUMBER_PURPOSE}|{blind_index}"


def name_purpose_of(blind_index: str) -> str:
    """``name_purpose`` of the subject with ``blind_index`` (no instance needed)."""
    return f"{NAME_PURPOSE}|{blind_index}"


class Subject(models.Model):
    """A natural person whose credit file the platform keeps (SPEC §2, "one person, one file").

    Invariants: ``blind_index`` is the keyed hash of the normalised 18-character number and is
    unique, so a person's whole file is one index look-up. The number and the name are stored
    only encrypted (authenticated, with the key id and algorithm of each ciphertext, so keys can
    be rotated); the masked forms are safe to show anywhere the public may look. Created only by
    ``identity.services.subject_get_or_create``.
    """

    # Unique through a constraint rather than ``unique=True``, which on PostgreSQL would add a
    # second (pattern-matching) index that no query uses and every new subject pays for.
    blind_index = models.CharField(_("索引"), max_length=64)
    kind = models.CharField(_("证件类型"), max_length=32, choices=IdKind.choices)
    id_ciphertext = models.BinaryField(_("证件号码密文"))
    id_key_id = models.CharField(_("证件号码密钥编号"), max_length=32)
    id_algorithm = models.CharField(_("证件号码加密算法"), max_length=32)
    id_masked = models.CharField(_("证件号码（脱敏）"), max_length=18)
    name_ciphertext = models.BinaryField(_("姓名密文"), blank=True, default=b"")
    name_key_id = models.CharField(_("姓名密钥编号"), max_length=32, blank=True)
    name_algorithm = models.CharField(_("姓名加密算法"), max_length=32, blank=True)
    name_masked = models.CharField(_("姓名（脱敏）"), max_length=60, blank=True)
    # Keyed hash of the name (spaces and full-width forms ignored), so the public lists can be
    # searched by a full name without storing it in clear; empty when no name is recorded.
    name_index = models.CharField(
        _("姓名索引"), max_length=64, blank=True, default="", db_default=""
    )
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        verbose_name = _("信息主体")
        verbose_name_plural = _("信息主体")
        constraints = [
            models.UniqueConstraint(fields=["blind_index"], name="identity_subject_blind_index")
        ]
        indexes = [
            models.Index(fields=["id_key_id"]),
            models.Index(fields=["name_key_id"]),
            models.Index(fields=["name_index"], name="identity_subject_name_index"),
        ]

    def __str__(self) -> str:
        return f"{self.name_masked or '*'} {self.id_masked}"

    @property
    def has_name(self) -> bool:
        return bool(self.name_key_id)


rotation.register(
    Subject,
    ciphertext_field="id_ciphertext",
    key_id_field="id_key_id",
    algorithm_field="id_algorithm",
    purpose=id_number_purpose,
)
rotation.register(
    Subject,
    ciphertext_field="name_ciphertext",
    key_id_field="name_key_id",
    algorithm_field="name_algorithm",
    purpose=name_purpose,
)
