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
