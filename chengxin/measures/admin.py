"""Django admin for the measures catalog: every save goes through the services (validated,
versioned, audited); measures are never deleted, only retired."""

from __future__ import annotations

from django.contrib import admin, messages
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.permissions import can_manage_catalog
from chengxin.core.admin import VersionHistoryInline
from chengxin.core.errors import DomainError
from chengxin.measures.models import Measure, MeasureVersion
from chengxin.measures.services import (
    EDITABLE,
    measure_activate,
    measure_create,
    measure_retire,
    measure_update,
)


class MeasureVersionInline(VersionHistoryInline):
    model = MeasureVersion


@admin.register(Measure)
class MeasureAdmin(admin.ModelAdmin):
    list_display = ["code", "name", "kind", "measure_type", "status", "current_version"]
    list_filter = ["kind", "measure_type", "status", "departments"]
    search_fields = ["code", "name", "legal_basis"]
    filter_horizontal = ["departments"]
    fields = ["code", "name", "kind", "measure_type", "effect", "legal_basis", "departments"]
    fields += ["triggers", "matters", "source", "status", "current_version"]
    readonly_fields = ["status", "current_version"]
    inlines = [MeasureVersionInline]
    actions = ["activate", "retire"]

    def get_readonly_fields(self, request, obj=None):
        return [*self.readonly_fields, "code"] if obj is not None else self.readonly_fields

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
        data = form.cleaned_data
        if change:
            changes = {name: data[name] for name in form.changed_data if name in EDITABLE}
            saved = measure_update(measure=obj, changes=changes, actor=request.user)
        else:
            attributes = {name: data[name] for name in EDITABLE if name in data}
            saved = measure_create(actor=request.user, code=data["code"], **attributes)
        obj.pk = saved.pk

    def save_related(self, request, form, formsets, change) -> None:
        for formset in formsets:
            self.save_formset(request, form, formset, change=change)

    @admin.action(description=_("启用所选措施"))
    def activate(self, request, queryset) -> None:
        for measure in queryset:
            try:
                measure_activate(measure=measure, actor=request.user)
            except DomainError as error:
                self.message_user(request, f"{measure.code}：{error.message}", messages.ERROR)

    @admin.action(description=_("停用所选措施"))
    def retire(self, request, queryset) -> None:
        for measure in queryset:
            measure_retire(measure=measure, actor=request.user)
