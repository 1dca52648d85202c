"""The measures catalog (措施清单, SPEC §6): measures and their versions.

Measures are changed only through ``chengxin.measures.services`` (``measure_create``,
``measure_update``, ``measure_activate``, ``measure_retire``), which write a new
``MeasureVersion`` and the audit event in one transaction.

``triggers`` is a JSON list of objects ``{"list": <ListKind>, "domain": <Domain or "">,
"key_field": <KeyField or "">}``: the measure applies to a person on that list (restricted to one
domain of the serious dishonesty list, or one field of the key supervision list, when given).
``matters`` is a JSON list of ``Matter`` values; ``all`` applies to every matter. Both
vocabularies live in code and are read whole with the measure, as ``CatalogItem.lists`` is.
"""

from __future__ import annotations

from django.db import models
from django.utils.translation import gettext_lazy as _

from chengxin.core.models import VersionSnapshot
from chengxin.measures.choices import MeasureKind, MeasureStatus, MeasureType


class Measure(models.Model):
    """One reward or punishment measure: what it does, under which law, who implements it."""

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=200)
    kind = models.CharField(_("类别"), max_length=16, choices=MeasureKind.choices)
    measure_type = models.CharField(_("措施类型"), max_length=16, choices=MeasureType.choices)
    effect = models.TextField(_("措施内容"), blank=True)
    legal_basis = models.TextField(_("法律依据"), blank=True)
    departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("实施部门"),
        related_name="measures",
        blank=True,
    )
    triggers = models.JSONField(_("触发名单"), default=list, blank=True)
    matters = models.JSONField(_("适用事项"), default=list, blank=True)
    status = models.CharField(
        _("状态"), max_length=10, choices=MeasureStatus.choices, default=MeasureStatus.DRAFT
    )
    current_version = models.PositiveIntegerField(_("当前版本号"), default=0)
    source = models.CharField(
        _("来源"),
        max_length=200,
        blank=True,
        help_text=_("如：全国失信惩戒措施基础清单（2021年版）"),
    )
    reference_hash = models.CharField(_("参考数据摘要"), max_length=64, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["kind", "code"]
        verbose_name = _("奖惩措施")
        verbose_name_plural = _("奖惩措施")
        indexes = [models.Index(fields=["status", "kind", "code"])]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class MeasureVersion(VersionSnapshot):
    """A frozen snapshot of a measure, written by every change of it.

    ``content_hash`` is the SHA-256 of the snapshot's canonical JSON; check receipts name the
    versions they used (``selectors.rules_version``).
    """

    measure = models.ForeignKey(
        Measure, verbose_name=_("措施"), on_delete=models.PROTECT, related_name="versions"
    )

    class Meta:
        ordering = ["measure", "-number"]
        verbose_name = _("措施版本")
        verbose_name_plural = _("措施版本")
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="measures_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} v{self.number}"
