"""Django admin for policy values and the working-day calendar (system administrator only).

Every save goes through ``core.services``, so the admin writes the same history and audit events
as the CLI. Policy rows are created by reference loading, never added or deleted here; their
change history is read-only.
"""

from __future__ import annotations

import json

from django import forms
from django.contrib import admin, messages
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.core.errors import DomainError
from chengxin.core.models import CalendarDay, PolicyChange, PolicyValue
from chengxin.core.policy_registry import PolicyDefinition, get_definition
from chengxin.core.roles import Role
from chengxin.core.selectors import calendar_warnings, policy_value
from chengxin.core.services import calendar_day_delete, calendar_day_save, policy_value_set


def _definition(row: PolicyValue) -> PolicyDefinition | None:
    """The definition of a stored row, or ``None`` when the code no longer declares it."""
    try:
        return get_definition(row.name)
    except DomainError:
        return None


def _is_system_admin(request) -> bool:
    user = request.user
    return user.is_active and (user.is_superuser or getattr(user, "role", "") == Role.ADMIN)


class VersionHistoryInline(admin.TabularInline):
    """The read-only version history of a versioned row (catalog items, measures): number, hash,
    when and by whom. Versions are written by the services only."""

    fields = ["number", "content_hash", "created_at", "created_by"]
    readonly_fields = fields
    extra = 0
    can_delete = False
    ordering = ["-number"]
    verbose_name = _("版本")
    verbose_name_plural = _("版本（只读）")

    def has_add_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False


class SystemAdminOnly:
    """Admin permissions for the system administrator role (and superusers) only."""

    def has_module_permission(self, request) -> bool:
        return _is_system_admin(request)

    def has_view_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_change_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)

    def has_add_permission(self, request) -> bool:
        return _is_system_admin(request)

    def has_delete_permission(self, request, obj=None) -> bool:
        return _is_system_admin(request)


class PolicyValueForm(forms.ModelForm):
    """Edits the value as text (``12``, ``true``) with a required reason for the history."""

    new_value = forms.CharField(label=_("新取值"), max_length=40)
    reason = forms.CharField(label=_("变更理由"), widget=forms.Textarea(attrs={"rows": 3}))

    class Meta:
        model = PolicyValue
        fields: list[str] = []

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        if self.instance.pk:
            self.initial["new_value"] = json.dumps(self.instance.value)

    def clean_new_value(self):
        definition = get_definition(self.instance.name)
        try:
            return definition.parse(self.cleaned_data["new_value"])
        except DomainError as error:
            raise forms.ValidationError(error.message, code=error.code) from None


@admin.register(PolicyValue)
class PolicyValueAdmin(SystemAdminOnly, admin.ModelAdmin):
    form = PolicyValueForm
    list_display = ["name", "title", "value_display", "default_display", "follows_default"]
    list_filter = ["follows_default"]
    search_fields = ["name"]
    readonly_fields = [
        "name",
        "title",
        "value_display",
        "default_display",
        "allowed_range",
        "legal_source",
        "description",
        "updated_at",
        "updated_by",
    ]
    fieldsets = [
        (None, {"fields": ["name", "title", "description", "legal_source"]}),
        (_("取值"), {"fields": ["value_display", "default_display", "allowed_range"]}),
        (_("修改"), {"fields": ["new_value", "reason"]}),
        (_("最后更新"), {"fields": ["updated_at", "updated_by"]}),
    ]

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        declared = obj is None or _definition(obj) is not None
        return declared and super().has_change_permission(request, obj)

    @admin.display(description=_("名称"))
    def title(self, obj: PolicyValue) -> str:
        definition = _definition(obj)
        return str(definition.title) if definition else str(_("（代码中已不再定义）"))

    @admin.display(description=_("当前取值"))
    def value_display(self, obj: PolicyValue) -> str:
        definition = _definition(obj)
        return definition.display(policy_value(obj.name)) if definition else str(obj.value)

    @admin.display(description=_("默认值"))
    def default_display(self, obj: PolicyValue) -> str:
        definition = _definition(obj)
        return definition.display(definition.default) if definition else "-"

    @admin.display(description=_("允许范围"))
    def allowed_range(self, obj: PolicyValue) -> str:
        definition = _definition(obj)
        return definition.range_display() if definition else "-"

    @admin.display(description=_("默认值依据"))
    def legal_source(self, obj: PolicyValue) -> str:
        definition = _definition(obj)
        return str(definition.legal_source) if definition else "-"

    @admin.display(description=_("说明"))
    def description(self, obj: PolicyValue) -> str:
        definition = _definition(obj)
        return str(definition.description) if definition else "-"

    def save_model(self, request, obj, form, change) -> None:
        policy_value_set(
            name=obj.name,
            value=form.cleaned_data["new_value"],
            actor=request.user,
            reason=form.cleaned_data["reason"],
        )
        obj.refresh_from_db()


@admin.register(PolicyChange)
class PolicyChangeAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ["changed_at", "policy", "old_value", "new_value", "actor", "reason"]
    list_filter = ["policy"]
    list_select_related = ["policy", "actor"]
    readonly_fields = ["policy", "old_value", "new_value", "actor", "reason", "changed_at"]

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False


@admin.register(CalendarDay)
class CalendarDayAdmin(SystemAdminOnly, admin.ModelAdmin):
    list_display = ["date", "kind", "name", "source_note", "updated_at"]
    list_filter = ["kind"]
    date_hierarchy = "date"
    fields = ["date", "kind", "name", "source_note"]
    actions = ["delete_entries"]

    def get_actions(self, request):
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)
        return actions

    def get_readonly_fields(self, request, obj=None):
        return ["date"] if obj is not None else []

    def changelist_view(self, request, extra_context=None):
        for warning in calendar_warnings(today=timezone.localdate()):
            self.message_user(request, warning, level=messages.WARNING)
        return super().changelist_view(request, extra_context)

    def save_model(self, request, obj, form, change) -> None:
        saved = calendar_day_save(
            day=obj.date,
            kind=obj.kind,
            name=obj.name,
            source_note=obj.source_note,
            actor=request.user,
        )
        obj.pk = saved.pk

    def delete_model(self, request, obj) -> None:
        calendar_day_delete(day=obj.date, actor=request.user)

    @admin.action(description=_("删除所选的工作日历记录"), permissions=["delete"])
    def delete_entries(self, request, queryset) -> None:
        for entry in queryset:
            calendar_day_delete(day=entry.date, actor=request.user)
