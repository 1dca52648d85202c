"""Credit agencies, their practitioners and API tokens, monitored data handlers, inspections,
violations and the violation blacklist (SPEC §10, docs/supervision.md).

Every row is written only through ``supervision.services``.
"""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from chengxin.supervision import limits
from chengxin.supervision.choices import (
    DelistingReason,
    HandlerKind,
    InspectionStatus,
    LicenceStatus,
    ListingStatus,
    PractitionerRole,
    Severity,
)


class CreditAgency(models.Model):
    """A credit agency or credit-service agency (征信机构) under the city's supervision.

    ``uscc`` is the normalised, validated unified social credit code and is unique. ``regulator``
    is the supervising department: the responsible persons' records of a blacklisting are sent as
    its provider, so it must provide the catalog item of those records.
    """

    name = models.CharField(_("机构名称"), max_length=limits.NAME_MAX_LENGTH)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    licence_no = models.CharField(_("许可或备案编号"), max_length=limits.LICENCE_NO_MAX_LENGTH)
    licence_status = models.CharField(_("许可状态"), max_length=16, choices=LicenceStatus.choices)
    regulator = models.ForeignKey(
        "accounts.Department",
        verbose_name=_("监管部门"),
        on_delete=models.PROTECT,
        related_name="supervised_agencies",
    )
    address = models.CharField(_("地址"), max_length=limits.ADDRESS_MAX_LENGTH, blank=True)
    contact = models.CharField(_("联系方式"), max_length=limits.CONTACT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("征信机构")
        verbose_name_plural = _("征信机构")

    def __str__(self) -> str:
        return self.name


class Practitioner(models.Model):
    """A person working for an agency. The person is an ``identity.Subject``: the ID number and
    name are kept there, encrypted with their blind index, never here."""

    agency = models.ForeignKey(
        CreditAgency,
        verbose_name=_("所在机构"),
        on_delete=models.CASCADE,
        related_name="practitioners",
    )
    subject = models.ForeignKey(
        "identity.Subject", verbose_name=_("信息主体"), on_delete=models.PROTECT, related_name="+"
    )
    role = models.CharField(_("职务"), max_length=32, choices=PractitionerRole.choices)
    certificate_no = models.CharField(
        _("从业资格证书编号"), max_length=limits.CERTIFICATE_NO_MAX_LENGTH, blank=True
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["agency", "pk"]
        verbose_name = _("从业人员")
        verbose_name_plural = _("从业人员")
        constraints = [
            models.UniqueConstraint(
                fields=["agency", "subject"], name="supervision_practitioner_once_per_agency"
            )
        ]

    def __str__(self) -> str:
        return f"{self.subject.name_masked} ({self.get_role_display()})"


class AgencyToken(models.Model):
    """An API token owned by an agency: revoked with every other token of the agency when the
    agency is put on the violation blacklist."""

    agency = models.ForeignKey(
        CreditAgency, verbose_name=_("征信机构"), on_delete=models.CASCADE, related_name="tokens"
    )
    token = models.OneToOneField(
        "accounts.ApiToken",
        verbose_name=_("接口令牌"),
        on_delete=models.CASCADE,
        related_name="agency_link",
    )
    linked_at = models.DateTimeField(_("关联时间"), auto_now_add=True)
    linked_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        verbose_name = _("机构接口令牌")
        verbose_name_plural = _("机构接口令牌")

    def __str__(self) -> str:
        return f"{self.agency} {self.token.prefix}"


class DataHandler(models.Model):
    """A monitored handler of personal information (SPEC §10). ``collects`` lists what it
    collects and on what legal basis: ``[{"information": …, "basis": …}, …]``."""

    name = models.CharField(_("名称"), max_length=limits.NAME_MAX_LENGTH)
    uscc = models.CharField(_("统一社会信用代码"), max_length=18, unique=True)
    kind = models.CharField(_("类别"), max_length=32, choices=HandlerKind.choices)
    collects = models.JSONField(_("收集的个人信息及依据"), default=list)
    contact = models.CharField(_("联系方式"), max_length=limits.CONTACT_MAX_LENGTH, blank=True)
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)
    updated_at = models.DateTimeField(_("更新时间"), auto_now=True)

    class Meta:
        ordering = ["name", "pk"]
        verbose_name = _("数据处理者")
        verbose_name_plural = _("数据处理者")

    def __str__(self) -> str:
        return self.name


class Inspection(models.Model):
    """An inspection (检查) of one agency or one data handler, with its findings and follow-up.

    Exactly one of ``agency`` and ``handler`` is set. ``status`` moves open → follow_up_due →
    closed (or open → closed), one service per step.
    """

    agency = models.ForeignKey(
        CreditAgency,
        verbose_name=_("征信机构"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    handler = models.ForeignKey(
        DataHandler,
        verbose_name=_("数据处理者"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="inspections",
    )
    inspected_on = models.DateField(_("检查日期"))
    inspectors = models.CharField(_("检查人员"), max_length=limits.INSPECTORS_MAX_LENGTH)
    scope = models.CharField(_("检查范围"), max_length=limits.SCOPE_MAX_LENGTH)
    findings = models.TextField(_("检查发现"), max_length=limits.FINDINGS_MAX_LENGTH)
    status = models.CharField(
        _("状态"), max_length=16, choices=InspectionStatus.choices, default=InspectionStatus.OPEN
    )
    follow_up = models.TextField(_("整改要求"), max_length=limits.FOLLOW_UP_MAX_LENGTH, blank=True)
    follow_up_due = models.DateField(_("整改期限"), null=True, blank=True)
    closing_note = models.TextField(
        _("结案说明"), max_length=limits.FOLLOW_UP_MAX_LENGTH, blank=True
    )
    closed_on = models.DateField(_("结案日期"), null=True, blank=True)
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-inspected_on", "-pk"]
        verbose_name = _("检查")
        verbose_name_plural = _("检查")
        constraints = [
            models.CheckConstraint(
                condition=(Q(agency__isnull=False) & Q(handler__isnull=True))
                | (Q(agency__isnull=True) & Q(handler__isnull=False)),
                name="supervision_inspection_one_target",
            )
        ]

    def __str__(self) -> str:
        return f"{self.target} {self.inspected_on:%Y-%m-%d}"

    @property
    def target(self):
        return self.agency or self.handler


class Violation(models.Model):
    """A violation (违规) found by an inspection. A serious violation of an agency puts the
    agency on the violation blacklist in the same transaction (``listing``)."""

    inspection = models.ForeignKey(
        Inspection, verbose_name=_("检查"), on_delete=models.PROTECT, related_name="violations"
    )
    severity = models.CharField(_("严重程度"), max_length=16, choices=Severity.choices)
    description = models.TextField(_("违规事实"), max_length=limits.DESCRIPTION_MAX_LENGTH)
    basis = models.CharField(_("认定依据"), max_length=limits.BASIS_MAX_LENGTH)
    decided_on = models.DateField(_("认定日期"))
    decision_document = models.CharField(
        _("决定文书号"), max_length=limits.DOCUMENT_MAX_LENGTH, blank=True
    )
    responsible = models.ManyToManyField(
        Practitioner, verbose_name=_("责任人员"), blank=True, related_name="violations"
    )
    created_by = models.ForeignKey(
        "accounts.User", on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-decided_on", "-pk"]
        verbose_name = _("违规行为")
        verbose_name_plural = _("违规行为")

    def __str__(self) -> str:
        return f"{self.get_severity_display()} {self.decided_on:%Y-%m-%d}"


class BlacklistListing(models.Model):
    """An agency's entry on the violation blacklist (违规经营黑名单), from ``listed_on`` to
    ``until``. At most one listing of an agency is in force. ``submission`` is the submission
    that sent the responsible persons' records."""

    agency = models.ForeignKey(
        CreditAgency, verbose_name=_("征信机构"), on_delete=models.PROTECT, related_name="listings"
    )
    violation = models.OneToOneField(
        Violation, verbose_name=_("违规行为"), on_delete=models.PROTECT, related_name="listing"
    )
    reason = models.CharField(_("列入理由"), max_length=limits.REASON_MAX_LENGTH)
    basis = models.CharField(_("列入依据"), max_length=limits.BASIS_MAX_LENGTH)
    decision_document = models.CharField(_("决定文书号"), max_length=limits.DOCUMENT_MAX_LENGTH)
    listed_on = models.DateField(_("列入日期"))
    until = models.DateField(_("列入期限至"))
    status = models.CharField(
        _("状态"), max_length=16, choices=ListingStatus.choices, default=ListingStatus.LISTED
    )
    delisted_on = models.DateField(_("移出日期"), null=True, blank=True)
    delisting_reason = models.CharField(
        _("移出原因"), max_length=16, choices=DelistingReason.choices, blank=True
    )
    delisting_note = models.CharField(
        _("移出说明"), max_length=limits.REASON_MAX_LENGTH, blank=True
    )
    submission = models.ForeignKey(
        "collection.Submission",
        verbose_name=_("责任人员记录报送"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    created_at = models.DateTimeField(_("登记时间"), auto_now_add=True)

    class Meta:
        ordering = ["-listed_on", "-pk"]
        verbose_name = _("违规经营黑名单")
        verbose_name_plural = _("违规经营黑名单")
        constraints = [
            models.UniqueConstraint(
                fields=["agency"],
                condition=Q(status="listed"),
                name="supervision_one_listing_in_force",
            )
        ]

    def __str__(self) -> str:
        return f"{self.agency} {self.listed_on:%Y-%m-%d}"

    @property
    def is_in_force(self) -> bool:
        return self.status == ListingStatus.LISTED


class AgencyQuery(models.Model):
    """One query of a person's file by a credit agency (``POST /api/v1/agency-queries``),
    answered or refused, for the person's "who looked" and for supervision.

    ``subject_index`` is the blind index of the number asked about (empty when the number was
    not a valid ID number). An answered query names the consent it relied on and the records it
    returned (ids and counts, never values); a refused one its machine ``refusal`` code and
    returned nothing. Written only by ``supervision.agency_queries``.
    """

    agency = models.ForeignKey(
        CreditAgency, verbose_name=_("征信机构"), on_delete=models.PROTECT, related_name="queries"
    )
    token = models.ForeignKey(
        "accounts.ApiToken",
        verbose_name=_("接口令牌"),
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
    )
    subject_index = models.CharField(_("索引"), max_length=64, blank=True)
    purpose = models.ForeignKey(
        "inquiry.QueryPurpose",
        verbose_name=_("查询用途"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    purpose_code = models.CharField(_("查询用途代码"), max_length=64, blank=True)
    requested_items = models.JSONField(_("请求的信息项"), default=list)
    consent = models.ForeignKey(
        "inquiry.Consent",
        verbose_name=_("所依据的授权"),
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
    )
    answered = models.BooleanField(_("已答复"), default=False)
    refusal = models.CharField(_("拒绝原因代码"), max_length=64, blank=True)
    record_ids = models.JSONField(_("返回的记录"), default=list)
    category_counts = models.JSONField(_("各类别记录数"), default=dict)
    created_at = models.DateTimeField(_("查询时间"), auto_now_add=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("征信机构查询")
        verbose_name_plural = _("征信机构查询")
        indexes = [
            models.Index(fields=["subject_index", "created_at"]),
            models.Index(fields=["agency", "created_at"]),
        ]
        constraints = [
            models.CheckConstraint(
                condition=(Q(answered=True) & Q(refusal="")) | (Q(answered=False) & ~Q(refusal="")),
                name="supervision_agency_query_answered_or_refused",
            )
        ]

    def __str__(self) -> str:
        return f"agency query {self.pk}"
