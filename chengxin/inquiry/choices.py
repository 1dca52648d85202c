"""Vocabulary of the inquiry app."""

from django.db import models
from django.utils.translation import gettext_lazy as _

# The purpose a citizen's own report is issued under (shipped in the reference data).
SELF_INQUIRY_PURPOSE = "self_inquiry"

# Object types named in audit events.
PROFILE_QUERY_OBJECT = "inquiry.profile_query"
CREDIT_REPORT_OBJECT = "inquiry.credit_report"
CONSENT_OBJECT = "inquiry.consent"


class ReportFormat(models.TextChoices):
    """How a credit report was read (audited on every download)."""

    HTML = "html", _("网页")
    PDF = "pdf", _("PDF 文件")
    JSON = "json", _("接口数据")


class ConsentMethod(models.TextChoices):
    """How a consent was given (docs/inquiry.md, "Consents")."""

    ONLINE = "online", _("本人在线授权")
    PAPER = "paper", _("纸质授权书（工作人员录入）")


class ConsentStatus(models.TextChoices):
    """A consent's state on a given day, computed from its dates and its revocation."""

    VALID = "valid", _("有效")
    PENDING = "pending", _("尚未生效")
    EXPIRED = "expired", _("已过期")
    REVOKED = "revoked", _("已撤回")


class ConsentGranteeKind(models.TextChoices):
    DEPARTMENT = "department", _("政府部门")
    AGENCY = "agency", _("征信机构")
