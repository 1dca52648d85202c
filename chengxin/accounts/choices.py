"""Vocabulary of the accounts app."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Role(models.TextChoices):
    """The roles of SPEC §1. The three administrative roles are separated (等保 level 3)."""

    PROVIDER = "provider", _("数据报送员")
    OFFICER = "officer", _("业务经办员")
    REVIEWER = "reviewer", _("信用办审核员")
    ADMIN = "admin", _("系统管理员")
    SECURITY = "security", _("安全管理员")
    AUDITOR = "auditor", _("审计管理员")
    AGENCY = "agency", _("征信机构")
    CITIZEN = "citizen", _("公众用户")


STAFF_ROLES = frozenset(
    {Role.PROVIDER, Role.OFFICER, Role.REVIEWER, Role.ADMIN, Role.SECURITY, Role.AUDITOR}
)
ADMINISTRATIVE_ROLES = frozenset({Role.ADMIN, Role.SECURITY, Role.AUDITOR})
DEPARTMENT_ROLES = frozenset({Role.PROVIDER, Role.OFFICER})


class DepartmentKind(models.TextChoices):
    PARTY = "party", _("党委部门")
    GOVERNMENT = "government", _("政府部门")
    JUDICIAL = "judicial", _("司法机关")
    FINANCIAL = "financial", _("金融监管")
    ORGANISATION = "organisation", _("群团组织")
    DISTRICT = "district", _("县（市）区政府")
    PLATFORM = "platform", _("信用平台")
