"""Forms of the public website: the filters of a disclosure list and the public query.

Whatever a visitor types or forges is checked here and answered with a message naming the field;
an ID number typed where a name belongs is refused without being echoed back.
"""

from __future__ import annotations

import re

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.catalog.choices import Domain
from chengxin.core.personal_data import contains_id_number
from chengxin.portal.selectors import MAX_PAGE, ListFilters, PublicList, list_departments

NAME_MAX_LENGTH = 30
# Chinese characters, Latin letters, the separators of transliterated names and spaces.
_NAME = re.compile(r"^[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaffA-Za-z·•．. \-]+$")
ID_NUMBER_MAX_LENGTH = 30
DATE_WIDGET = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _clean_name(value: str) -> str:
    value = (value or "").strip()
    if not value:
        return ""
    if contains_id_number(value):
        raise forms.ValidationError(
            _("姓名栏不能填写身份证号码。按证件号码查询请使用“公开信用查询”，须同时填写姓名。"),
            code="id_number_in_name",
        )
    if not _NAME.match(value):
        raise forms.ValidationError(
            _("姓名只能包含汉字、字母、间隔号“·”和空格。"), code="name_characters"
        )
    return value


class ListFilterForm(forms.Form):
    """The search and filters of one disclosure list (sent with GET: no personal data but a
    name, which the list shows anyway)."""

    q = forms.CharField(label=_("姓名"), required=False, max_length=NAME_MAX_LENGTH)
    domain = forms.ChoiceField(label=_("领域"), required=False)
    item = forms.ChoiceField(label=_("失信或守信事项"), required=False)
    body = forms.ChoiceField(label=_("提供部门"), required=False)
    decided_from = forms.DateField(
        label=_("决定日期起"), required=False, widget=DATE_WIDGET, input_formats=["%Y-%m-%d"]
    )
    decided_to = forms.DateField(
        label=_("决定日期止"), required=False, widget=DATE_WIDGET, input_formats=["%Y-%m-%d"]
    )
    page = forms.IntegerField(
        label=_("页码"), required=False, min_value=1, widget=forms.HiddenInput
    )

    def __init__(self, *args, public_list: PublicList, items=None, **kwargs):
        super().__init__(*args, **kwargs)
        items = public_list.items() if items is None else items
        all_ = [("", _("全部"))]
        domains = sorted({item.domain for item in items if item.domain})
        self.fields["domain"].choices = all_ + [(code, Domain(code).label) for code in domains]
        self.fields["item"].choices = all_ + [(item.code, item.name) for item in items]
        self.fields["body"].choices = all_ + [
            (department.code, department.name) for department in list_departments(items)
        ]
        if not domains:
            del self.fields["domain"]
        self.fields["page"].error_messages.update(
            min_value=_("页码必须是正整数。"), invalid=_("页码必须是正整数。")
        )
        for name in ("domain", "item", "body"):
            if name in self.fields:
                self.fields[name].error_messages["invalid_choice"] = _(
                    "所选的“%(field)s”不在可选范围内，请从列表中选择。"
                ) % {"field": self.fields[name].label}
        for name in ("decided_from", "decided_to"):
            self.fields[name].error_messages["invalid"] = _(
                "日期格式应为 年-月-日，如 2026-03-01。"
            )

    def clean_q(self) -> str:
        return _clean_name(self.cleaned_data.get("q", ""))

    def clean(self):
        cleaned = super().clean()
        start, end = cleaned.get("decided_from"), cleaned.get("decided_to")
        if start and end and start > end:
            self.add_error("decided_to", _("结束日期不能早于开始日期。"))
        return cleaned

    def filters(self) -> ListFilters:
        data = self.cleaned_data
        return ListFilters(
            name=data.get("q", ""),
            domain=data.get("domain", ""),
            item_code=data.get("item", ""),
            department_code=data.get("body", ""),
            decided_from=data.get("decided_from"),
            decided_to=data.get("decided_to"),
        )

    def page_number(self) -> int:
        return self.cleaned_data.get("page") or 1

    def page_is_too_deep(self) -> bool:
        return self.page_number() > MAX_PAGE

    def forget_id_numbers(self) -> bool:
        """A refused name that holds an ID number is not shown back in the form; whether it
        was removed."""
        if not self.has_error("q", code="id_number_in_name"):
            return False
        data = self.data.copy()
        data["q"] = ""
        self.data = data
        return True


class PublicQueryForm(forms.Form):
    """The public query of one person's public records: the full name and the full ID number,
    both required (sent with POST: the number never travels in a URL)."""

    name = forms.CharField(label=_("姓名"), max_length=NAME_MAX_LENGTH)
    id_number = forms.CharField(
        label=_("身份证号码"),
        max_length=ID_NUMBER_MAX_LENGTH,
        widget=forms.TextInput(attrs={"autocomplete": "off", "inputmode": "text"}),
    )

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["name"].error_messages["required"] = _("请填写姓名。")
        self.fields["id_number"].error_messages["required"] = _("请填写完整的身份证号码。")

    def clean_name(self) -> str:
        name = _clean_name(self.cleaned_data.get("name", ""))
        if not name:
            raise forms.ValidationError(_("请填写姓名。"), code="required")
        return name
