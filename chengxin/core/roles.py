"""The platform's roles (SPEC §1), on the ground floor: the audit log copies a role into every
event and names it, and the accounts app (``accounts.choices``) builds its role sets on it."""

from __future__ import annotations

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
