"""Django admin for the catalog: items are edited through the services, versions are read-only."""

from __future__ import annotations

from django.contrib import admin

from chengxin.accounts.permissions import can_manage_catalog
from chengxin.catalog.forms import CatalogItemAdminForm
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.services import EDITABLE_ATTRIBUTES, catalog_item_create, catalog_item_update
from chengxin.core.admin import VersionHistoryInline


class CatalogVersionInline(VersionHistoryInline):
    model = CatalogVersion


@admin.register(CatalogItem)
class CatalogItemAdmin(admin.ModelAdmin):
    """Every save goes through ``catalog_item_create`` / ``catalog_item_update``, so it is
    validated, versioned and audited like any other change; items are never deleted (records
    keep the version they were validated against), only deactivated."""

    form = CatalogItemAdminForm
    list_display = ["code", "name", "category", "severity", "domain", "disclosure", "is_active"]
    list_filter = ["category", "severity", "domain", "disclosure", "is_active", "departments"]
    search_fields = ["code", "name", "name_en"]
    filter_horizontal = ["departments"]
    inlines = [CatalogVersionInline]

    def get_readonly_fields(self, request, obj=None):
        return ["code"] if obj is not None else []

    def has_module_permission(self, request) -> bool:
        return can_manage_catalog(request.user)

    def has_view_permission(self, request, obj=None) -> bool:
        return can_manage_catalog(request.user)

    def has_add_permission(self, request) -> bool:
        return can_manage_catalog(request.user)

    def has_change_permission(self, request, obj=None) -> bool:
        return can_manage_catalog(request.user)

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def save_model(self, request, obj, form, change) -> None:
        data = {name: form.cleaned_data[name] for name in form.cleaned_data}
        if change:
            changes = {
                name: data[name] for name in form.changed_data if name in EDITABLE_ATTRIBUTES
            }
            saved = catalog_item_update(item=obj, changes=changes, actor=request.user)
        else:
            attributes = {
                name: value for name, value in data.items() if name in EDITABLE_ATTRIBUTES
            }
            saved = catalog_item_create(actor=request.user, code=data["code"], **attributes)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change) -> None:
        """Departments were written by the service; only the (read-only) inline is processed."""
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)
