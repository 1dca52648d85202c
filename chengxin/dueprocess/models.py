"""Models of due process (SPEC §8): the files attached to objections, repairs and tip-offs.

The cases themselves (objections, repair applications, opt-outs, tip-offs, access challenges) are
added beside this one.
"""

from __future__ import annotations

import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.choices import AttachmentKind


class Attachment(models.Model):
    """A file attached to a case: proof of a repaid debt, a power of attorney, a photo for a
    tip-off. Kept encrypted (such files often show an identity card), with its hash and the kind
    its content was found to be; images are stored re-encoded (``attachments.attachment_add``).

    ``case_type`` and ``case_id`` name the case it belongs to (``dueprocess.objection`` and the
    case's id), ``subject_index`` the person concerned where one is known (empty for a tip-off
    about someone not named). Never changed after it is written.
    """

    id = models.UUIDField(primary_key=True, default=uuid.uuid4, editable=False)
    case_type = models.CharField(_("案件类型"), max_length=40)
    case_id = models.CharField(_("案件编号"), max_length=40)
    subject_index = models.CharField(_("索引"), max_length=64, blank=True)
    file_name = models.CharField(_("文件名"), max_length=255)
    kind = models.CharField(_("文件类型"), max_length=40, choices=AttachmentKind.choices)
    size = models.PositiveIntegerField(_("大小（字节）"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    ciphertext = models.BinaryField(_("文件密文"))
    key_id = models.CharField(_("密钥编号"), max_length=32)
    algorithm = models.CharField(_("加密算法"), max_length=32)
    uploaded_by = models.ForeignKey(
        "accounts.User",
        verbose_name=_("上传人"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("上传时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        indexes = [models.Index(fields=["case_type", "case_id"])]

    def __str__(self) -> str:
        return self.file_name
