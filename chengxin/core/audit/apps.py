from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    """The append-only, hash-chained audit log (SPEC §14)."""

    name = "chengxin.core.audit"
    label = "audit"
    verbose_name = _("审计日志")

    def ready(self) -> None:
        from chengxin.core.audit.signals import connect_sign_in_receivers

        connect_sign_in_receivers()
