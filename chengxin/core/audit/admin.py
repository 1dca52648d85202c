"""Read-only admin pages of the audit log, for the auditor role alone.

Nobody can add, change or delete through the admin (the database would refuse anyway), and the
platform admin cannot even read the log, superuser or not (SPEC §1, separation of duties).
"""

from __future__ import annotations

from django.contrib import admin

from chengxin.core.audit.models import AuditCheckpoint, AuditEvent, AuditSeal
from chengxin.core.audit.selectors import can_read_audit_log


class AuditorReadOnlyAdmin(admin.ModelAdmin):
    """Visible to auditors only, and read-only for them."""

    show_full_result_count = False

    def has_module_permission(self, request) -> bool:
        return can_read_audit_log(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_read_audit_log(request.user)

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(AuditEvent)
class AuditEventAdmin(AuditorReadOnlyAdmin):
    list_display = (
        "id",
        "created_at",
        "action",
        "actor_username",
        "actor_role",
        "actor_department",
        "object_type",
        "object_id",
        "purpose",
        "case_no",
    )
    list_filter = ("action", "actor_role")
    search_fields = ("=object_id", "=subject_index", "=actor_username", "=case_no")
    ordering = ("-id",)


@admin.register(AuditSeal)
class AuditSealAdmin(AuditorReadOnlyAdmin):
    list_display = ("seq", "event_id", "chain_hash", "algorithm", "sealed_at")
    ordering = ("-seq",)


@admin.register(AuditCheckpoint)
class AuditCheckpointAdmin(AuditorReadOnlyAdmin):
    list_display = ("seq", "chain_hash", "key_id", "algorithm", "created_at")
    ordering = ("-seq",)
