"""Access challenges (“我不认可这次查询”): the person does not recognise one look at their file
and asks the credit office to find out (docs/citizens.md, "Access challenges").

A challenge names the look by its kind and id and copies what the person was shown of it (when,
which department, purpose, case number), so the case reads the same after the look's own row is
purged. It carries the person's blind index (sharding, SPEC "Scale"), never the ID number.
Changed only through ``chengxin.dueprocess.myfile.services``.
"""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.myfile.choices import UNFINISHED_STATUSES, AccessKind, ChallengeStatus
from chengxin.dueprocess.myfile.limits import (
    CLOSING_NOTE_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    REASON_MAX_LENGTH,
)


class AccessChallenge(models.Model):
    """The person's challenge of one look at their file: open → answered (the department's
    explanation) → closed (by the credit office). At most one unfinished challenge per look (a
    database constraint)."""

    subject_index = models.CharField(_("索引"), max_length=64)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("提出人"),
        on_delete=models.PROTECT,
        related_name="+",
    )
    access_kind = models.CharField(_("查询类型"), max_length=16, choices=AccessKind.choices)
    access_id = models.CharField(_("查询编号"), max_length=64)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("查询部门"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    accessed_at = models.DateTimeField(_("查询时间"))
    purpose = models.CharField(_("查询目的"), max_length=200)
    case_no = models.CharField(_("案件编号"), max_length=100, blank=True)
    reason = models.TextField(_("说明"), max_length=REASON_MAX_LENGTH)
    status = models.CharField(
        _("状态"), max_length=16, choices=ChallengeStatus.choices, default=ChallengeStatus.OPEN
    )
    opened_at = models.DateTimeField(_("提出时间"))
    explanation = models.TextField(
        _("查询部门的说明"), max_length=EXPLANATION_MAX_LENGTH, blank=True
    )
    answered_at = models.DateTimeField(_("答复时间"), null=True, blank=True)
    answered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("答复人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )
    closing_note = models.TextField(_("办结意见"), max_length=CLOSING_NOTE_MAX_LENGTH, blank=True)
    closed_at = models.DateTimeField(_("办结时间"), null=True, blank=True)
    closed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("办结人"),
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
    )

    class Meta:
        verbose_name = _("查询记录核实")
        verbose_name_plural = _("查询记录核实")
        constraints = [
            models.UniqueConstraint(
                fields=["access_kind", "access_id"],
                condition=Q(status__in=UNFINISHED_STATUSES),
                name="myfile_one_unfinished_challenge_per_access",
            )
        ]
        indexes = [
            models.Index(fields=["subject_index", "-opened_at"]),
            models.Index(fields=["department", "status"]),
        ]

    def __str__(self) -> str:
        return f"access challenge {self.pk}"

    @property
    def is_finished(self) -> bool:
        return self.status == ChallengeStatus.CLOSED
