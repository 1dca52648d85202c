"""The filter form of the staff audit page."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.core.audit.choices import AuditAction
from chengxin.core.audit.selectors import AuditEventFilters


class AuditEventFilterForm(forms.Form):
    """Narrows the event list; every field is optional."""

    action = forms.ChoiceField(
        label=_("操作"), required=False, choices=[("", _("全部"))] + AuditAction.choices
    )
    actor_username = forms.CharField(label=_("操作人账号"), required=False, max_length=150)
    actor_department = forms.CharField(label=_("部门代码"), required=False, max_length=32)
    object_type = forms.CharField(label=_("对象类型"), required=False, max_length=64)
    object_id = forms.CharField(label=_("对象编号"), required=False, max_length=64)
    subject_index = forms.RegexField(
        label=_("信息主体索引"),
        required=False,
        regex=r"^[0-9a-f]{64}$",
        error_messages={"invalid": _("信息主体索引应为 64 位十六进制字符。")},
    )
    created_from = forms.DateField(label=_("起始日期"), required=False)
    created_to = forms.DateField(label=_("截止日期"), required=False)

    def filters(self) -> AuditEventFilters:
        """The cleaned values as selector filters (call after ``is_valid()``)."""
        data = self.cleaned_data
        return AuditEventFilters(
            action=data.get("action") or "",
            actor_username=(data.get("actor_username") or "").strip(),
            actor_department=(data.get("actor_department") or "").strip(),
            object_type=(data.get("object_type") or "").strip(),
            object_id=(data.get("object_id") or "").strip(),
            subject_index=data.get("subject_index") or "",
            created_from=data.get("created_from"),
            created_to=data.get("created_to"),
        )
