"""Vocabulary of supervision: licence states, handler kinds, inspection and listing states."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class LicenceStatus(models.TextChoices):
    """Where an agency stands with its regulator (《征信业管理条例》: licence or filing)."""

    LICENSED = "licensed", _("已获许可")
    FILED = "filed", _("已备案")
    SUSPENDED = "suspended", _("暂停业务")
    REVOKED = "revoked", _("已吊销")


class PractitionerRole(models.TextChoices):
    """A practitioner's place in the agency; the value its records carry in ``role``."""

    LEGAL_REPRESENTATIVE = "legal_representative", _("法定代表人")
    SENIOR_MANAGER = "senior_manager", _("高级管理人员")
    STAFF = "staff", _("从业人员")


# The ``role`` enum of the item credit-agency-blacklist-responsible (starter catalog).
RECORD_ROLE = {
    PractitionerRole.LEGAL_REPRESENTATIVE: "法定代表人",
    PractitionerRole.SENIOR_MANAGER: "高级管理人员",
    PractitionerRole.STAFF: "直接责任人员",
}


class HandlerKind(models.TextChoices):
    """The monitored data handlers of SPEC §10."""

    FINANCIAL_INSTITUTION = "financial_institution", _("金融机构")
    INTERNET_FIRM = "internet_firm", _("互联网企业")
    BIG_DATA = "big_data", _("大数据企业")
    APP_DEVELOPER = "app_developer", _("移动应用开发者")


class InspectionStatus(models.TextChoices):
    """open → follow_up_due → closed (an open inspection may also be closed at once)."""

    OPEN = "open", _("检查中")
    FOLLOW_UP_DUE = "follow_up_due", _("待整改复查")
    CLOSED = "closed", _("已结案")


class Severity(models.TextChoices):
    MINOR = "minor", _("轻微")
    GENERAL = "general", _("一般")
    SERIOUS = "serious", _("严重")


class ListingStatus(models.TextChoices):
    LISTED = "listed", _("在列")
    DELISTED = "delisted", _("已移出")


class DelistingReason(models.TextChoices):
    EXPIRED = "expired", _("期满移出")
    DECISION = "decision", _("决定移出")


class TargetKind(models.TextChoices):
    """What an inspection looks at."""

    AGENCY = "agency", _("征信机构")
    HANDLER = "handler", _("数据处理者")
