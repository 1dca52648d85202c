"""Officer queries, recorded consents and credit reports (SPEC §7).

Personal data: rows name the person by blind index (``subject_index``) only. A credit report keeps
its content as issued (identity masked) with its hash, the full name sealed for the requester's
copy, and the PDF bytes sealed, so verifying or downloading a report later gives the same document
even after the records changed.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _

from chengxin.core import rotation
from chengxin.inquiry.choices import ConsentMethod, ConsentStatus

REPORT_PDF_PURPOSE = "inquiry.report.pdf"
REPORT_NAME_PURPOSE = "inquiry.report.name"


def report_pdf_purpose(report: CreditReport) -> str:
    """Encryption purpose of a report's PDF, bound to its number."""
    return f"{REPORT_PDF_PURPOSE}|{report.number}"


def report_name_purpose(report: CreditReport) -> str:
    """Encryption purpose of the full name printed on a report, bound to its number."""
    return f"{REPORT_NAME_PURPOSE}|{report.number}"


class QueryPurpose(models.Model):
    """An allowed purpose of a query of a person's file, with its legal basis (SPEC §7).

    ``roles`` is a JSON list of ``accounts.Role`` values that may use the purpose. Loaded by
    ``chengxin seed`` (``inquiry.reference``); edits made on the platform survive re-runs.
    """

    code = models.CharField(_("代码"), max_length=64, unique=True)
    name = models.CharField(_("名称"), max_length=100)
    legal_basis = models.TextField(_("法律依据"))
    roles = models.JSONField(_("可使用的角色"), default=list)
    requires_case_no = models.BooleanField(_("须填写案件编号"), default=True)
    is_active = models.BooleanField(_("启用"), default=True)
    created_at = models.DateTimeField(_("创建时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["code"]
        verbose_name = _("查询事由")
        verbose_name_plural = _("查询事由")

    def __str__(self) -> str:
        return f"{self.name}（{self.code}）"


class Consent(models.Model):
    """A person's authorisation (授权) for one grantee to read some of their records for one
    purpose from ``valid_from`` to ``valid_until`` (both inclusive), until it is revoked.

    The grantee is a department (an officer's query, SPEC §7) or a credit agency (an agency
    query, SPEC §9): exactly one of ``department`` and ``agency`` is set (a database check). The
    scope is every item of level ``consent`` (``scope_all``), or the catalog items in ``items``.
    ``method`` says how it was given: online by the person, or on a signed paper form recorded by
    staff, whose file is kept as an attachment with its SHA-256 in ``evidence_sha256``. Written
    and revoked only through ``inquiry.consents``.
    """

    subject_index = models.CharField(_("索引"), max_length=64)
    department = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("被授权部门"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    agency = models.ForeignKey(
        "supervision.CreditAgency",
        verbose_name=_("被授权征信机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="consents",
    )
    purpose = models.ForeignKey(
        QueryPurpose, verbose_name=_("授权用途"), on_delete=models.PROTECT, related_name="+"
    )
    scope_all = models.BooleanField(_("全部授权查询类信息"), default=True)
    items = models.ManyToManyField(
        "catalog.CatalogItem", verbose_name=_("授权信息项"), blank=True, related_name="+"
    )
    valid_from = models.DateField(_("授权有效期自"))
    valid_until = models.DateField(_("授权有效期至"))
    method = models.CharField(
        _("授权方式"), max_length=16, choices=ConsentMethod.choices, default=ConsentMethod.PAPER
    )
    evidence_sha256 = models.CharField(_("授权书摘要"), max_length=64, blank=True)
    revoked_at = models.DateTimeField(_("撤回时间"), null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("撤回人"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    created_at = models.DateTimeField(_("记录时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("查询授权")
        verbose_name_plural = _("查询授权")
        indexes = [
            models.Index(fields=["subject_index", "department", "valid_until"]),
            models.Index(fields=["subject_index", "agency", "valid_until"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(department__isnull=False) & Q(agency__isnull=True))
                | (Q(department__isnull=True) & Q(agency__isnull=False)),
                name="inquiry_consent_one_grantee",
            ),
            models.CheckConstraint(
                condition=Q(valid_from__lte=F("valid_until")),
                name="inquiry_consent_period_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"consent {self.pk}"

    @property
    def grantee(self):
        return self.agency or self.department

    def status_on(self, day: datetime.date) -> str:
        """valid, revoked, expired or pending (not valid yet) on ``day``."""
        if self.revoked_at is not None:
            return ConsentStatus.REVOKED
        if day > self.valid_until:
            return ConsentStatus.EXPIRED
        if day < self.valid_from:
            return ConsentStatus.PENDING
        return ConsentStatus.VALID


class ProfileQuery(models.Model):
    """One officer query of a person's file: who, for which department, why, for which case, and
    what was returned (record ids and counts per category, never personal values)."""

    officer = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, related_name="+"
    )
    purpose = models.ForeignKey(QueryPurpose, on_delete=models.PROTECT, related_name="+")
    case_no = models.CharField(_("案件编号"), max_length=100)
    subject_index = models.CharField(_("索引"), max_length=64)
    record_ids = models.JSONField(_("返回的记录"), default=list)
    category_counts = models.JSONField(_("各类别记录数"), default=dict)
    created_at = models.DateTimeField(_("查询时间"), auto_now_add=True)

    class Meta:
        verbose_name = _("信用档案查询")
        verbose_name_plural = _("信用档案查询")
        indexes = [models.Index(fields=["subject_index", "created_at"])]

    def __str__(self) -> str:
        return f"query {self.pk}"


class ReportCounter(models.Model):
    """The last report number issued in a year (report numbers run per year)."""

    year = models.PositiveSmallIntegerField(_("年份"), unique=True)
    last_number = models.PositiveIntegerField(_("最近编号"), default=0)

    class Meta:
        verbose_name = _("报告编号计数")
        verbose_name_plural = _("报告编号计数")

    def __str__(self) -> str:
        return f"{self.year}: {self.last_number}"


class CreditReport(models.Model):
    """A public credit information report (公共信用信息报告) as issued (SPEC §7).

    ``content`` is the report's data as issued (identity masked) and ``content_hash`` the SHA-256
    of its canonical JSON; ``pdf_hash`` is the SHA-256 of the PDF bytes. Neither changes after
    issue: the report is a document, not a view of the file.
    """

    number = models.CharField(_("报告编号"), max_length=32, unique=True)
    verification_code = models.CharField(_("验证码"), max_length=16, unique=True)
    subject_index = models.CharField(_("索引"), max_length=64)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    department = models.ForeignKey(
        "accounts.Department", on_delete=models.PROTECT, null=True, related_name="+"
    )
    purpose = models.ForeignKey(QueryPurpose, on_delete=models.PROTECT, related_name="+")
    case_no = models.CharField(_("案件编号"), max_length=100, blank=True)
    self_service = models.BooleanField(_("本人查询"), default=False)
    issued_at = models.DateTimeField(_("出具时间"))
    content = models.JSONField(_("报告内容"))
    content_hash = models.CharField(_("内容摘要"), max_length=64)
    hash_algorithm = models.CharField(_("摘要算法"), max_length=16, default="sha256")
    name_ciphertext = models.BinaryField(_("姓名密文"), blank=True, default=b"")
    name_key_id = models.CharField(_("姓名密钥编号"), max_length=32, blank=True)
    name_algorithm = models.CharField(_("姓名加密算法"), max_length=32, blank=True)
    pdf_ciphertext = models.BinaryField(_("PDF 密文"))
    pdf_key_id = models.CharField(_("PDF 密钥编号"), max_length=32)
    pdf_algorithm = models.CharField(_("PDF 加密算法"), max_length=32)
    pdf_hash = models.CharField(_("PDF 摘要"), max_length=64)

    class Meta:
        verbose_name = _("信用报告")
        verbose_name_plural = _("信用报告")
        indexes = [models.Index(fields=["subject_index", "issued_at"])]

    def __str__(self) -> str:
        return self.number


rotation.register(
    CreditReport,
    ciphertext_field="pdf_ciphertext",
    key_id_field="pdf_key_id",
    algorithm_field="pdf_algorithm",
    purpose=report_pdf_purpose,
)
rotation.register(
    CreditReport,
    ciphertext_field="name_ciphertext",
    key_id_field="name_key_id",
    algorithm_field="name_algorithm",
    purpose=report_name_purpose,
)
