"""Django admin for subjects: masked values only, read-only (subjects change through services)."""

from django.contrib import admin

from chengxin.identity.models import Subject


@admin.register(Subject)
class SubjectAdmin(admin.ModelAdmin):
    """Shows the masked number and name; ciphertexts and blind indexes are never displayed."""

    list_display = ["id", "id_masked", "name_masked", "kind", "created_at"]
    list_filter = ["kind"]
    fields = ["id_masked", "name_masked", "kind", "id_key_id", "created_at", "updated_at"]
    readonly_fields = fields
    ordering = ["-id"]

    def has_add_permission(self, request):
        return False

    def has_change_permission(self, request, obj=None):
        return False

    def has_delete_permission(self, request, obj=None):
        return False
