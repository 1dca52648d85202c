"""Catalog items and their versions: the exchange specification (SPEC §3).

Only information described by a catalog item may be collected. Items are changed only through
``chengxin.catalog.services`` (``catalog_item_create``, ``catalog_item_update``), which validate
the item, write a new ``CatalogVersion`` and the audit event in one transaction.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengxin.catalog.choices import (
    Category,
    Disclosure,
    Domain,
    FieldSet,
    GoodRecordSource,
    KeyField,
    Severity,
    UpdateFrequency,
)
from chengxin.core.models import VersionSnapshot


class CatalogItem(models.Model):
    """One kind of credit information: what it is, who provides it, who may see it, its fields.

    ``schema`` is a Table Schema of the item's own fields only; the common fields and the fields
    of ``field_set`` are prepended in code (``chengxin.catalog.fields.full_table_schema``), so a
    change to them reaches every item. ``professions`` and ``lists`` are JSON lists of values of
    ``Profession`` and ``ListKind``: both vocabularies are fixed by the plan and live in code,
    the catalog has at most a few hundred rows, and consumers read the lists whole with the
    item, so a join table would add queries without adding anything the data needs.

    ``disclosure_months`` (negative items) and ``validity_months`` (positive items) may only
    shorten the policy periods of SPEC §5. ``reference_hash`` and ``reference_version`` record
    which shipped definition ``chengxin seed`` last applied, so a re-run changes nothing unless
    the shipped definition changed, and never overwrites an edit made on the platform.
    """

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    name_en = models.CharField(_("英文名称"), max_length=200, blank=True)
    category = models.CharField(_("类别"), max_length=16, choices=Category.choices)
    severity = models.CharField(_("失信程度"), max_length=16, choices=Severity.choices, blank=True)
    domain = models.CharField(
        _("重点领域"),
        max_length=32,
        choices=Domain.choices,
        blank=True,
        help_text=_("不属于方案所列重点领域的留空。"),
    )
    professions = models.JSONField(_("涉及职业人群"), default=list, blank=True)
    departments = models.ManyToManyField(
        "accounts.Department",
        verbose_name=_("提供部门"),
        related_name="catalog_items",
        blank=True,
    )
    disclosure = models.CharField(
        _("公开方式"), max_length=16, choices=Disclosure.choices, default=Disclosure.SHARED
    )
    legal_basis = models.TextField(_("法律依据"))
    update_frequency = models.CharField(
        _("更新频率"),
        max_length=16,
        choices=UpdateFrequency.choices,
        default=UpdateFrequency.MONTHLY,
    )
    lists = models.JSONField(_("纳入名单"), default=list, blank=True)
    good_record_source = models.CharField(
        _("优良记录来源"), max_length=32, choices=GoodRecordSource.choices, blank=True
    )
    key_field = models.CharField(
        _("重点监管领域"), max_length=32, choices=KeyField.choices, blank=True
    )
    field_set = models.CharField(
        _("采用的国家字段集"), max_length=16, choices=FieldSet.choices, blank=True
    )
    disclosure_months = models.PositiveSmallIntegerField(
        _("公示期限（月）"),
        null=True,
        blank=True,
        help_text=_("只能短于政策参数规定的公示期限；为空时适用政策参数。"),
    )
    validity_months = models.PositiveSmallIntegerField(
        _("有效期限（月）"),
        null=True,
        blank=True,
        help_text=_("只能短于政策参数规定的守信记录有效期；为空时适用政策参数。"),
    )
    push_upstream = models.BooleanField(_("推送省级平台"), default=False)
    repairable = models.BooleanField(
        _("可申请信用修复"),
        default=True,
        help_text=_("依法不得修复的（如失信被执行人由法院决定移出）取消勾选并写明依据。"),
    )
    repair_exclusion_basis = models.TextField(_("不予修复的依据"), max_length=1000, blank=True)
    opt_out_allowed = models.BooleanField(
        _("本人可申请退出"),
        default=False,
        help_text=_("仅适用于守信记录（如表彰、志愿服务）：本人可撤回该记录的展示与使用。"),
    )
    is_active = models.BooleanField(_("启用"), default=True)
    schema = models.JSONField(_("本项字段（Table Schema）"), default=dict, blank=True)
    reference_hash = models.CharField(_("参考数据摘要"), max_length=64, blank=True)
    reference_version = models.PositiveIntegerField(_("参考数据版本号"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("目录项")
        verbose_name_plural = _("目录项")
        constraints = [
            models.CheckConstraint(
                condition=(
                    Q(category=Category.NEGATIVE, severity__in=Severity.values)
                    | (~Q(category=Category.NEGATIVE) & Q(severity=""))
                ),
                name="catalog_item_severity_negative_only",
            ),
            models.CheckConstraint(
                condition=Q(disclosure_months__isnull=True) | Q(category=Category.NEGATIVE),
                name="catalog_item_disclosure_months_negative_only",
            ),
            models.CheckConstraint(
                condition=Q(validity_months__isnull=True) | Q(category=Category.POSITIVE),
                name="catalog_item_validity_months_positive_only",
            ),
            models.CheckConstraint(
                condition=Q(good_record_source="") | Q(category=Category.POSITIVE),
                name="catalog_item_good_record_source_positive_only",
            ),
            models.CheckConstraint(
                condition=Q(key_field="") | Q(severity=Severity.SERIOUS),
                name="catalog_item_key_field_serious_only",
            ),
            models.CheckConstraint(
                condition=Q(opt_out_allowed=False) | Q(category=Category.POSITIVE),
                name="catalog_item_opt_out_positive_only",
            ),
            models.CheckConstraint(
                condition=Q(repairable=True) | ~Q(repair_exclusion_basis=""),
                name="catalog_item_repair_exclusion_has_basis",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class CatalogVersion(VersionSnapshot):
    """A frozen snapshot of a whole catalog item, written by every change of the item.

    ``snapshot`` holds every attribute of the item and its full Table Schema (common fields
    included); ``content_hash`` is the SHA-256 of its canonical JSON. A record keeps the version
    it was validated against, and a check receipt names the versions it used (SPEC §6).
    """

    item = models.ForeignKey(
        CatalogItem, verbose_name=_("目录项"), on_delete=models.PROTECT, related_name="versions"
    )

    class Meta:
        ordering = ["item", "-number"]
        verbose_name = _("目录项版本")
        verbose_name_plural = _("目录项版本")
        constraints = [
            models.UniqueConstraint(fields=["item", "number"], name="catalog_version_unique"),
        ]

    def __str__(self) -> str:
        return f"{self.item.code} v{self.number}"
