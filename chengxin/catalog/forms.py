"""Forms of the catalog's staff pages and admin."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import Category, Domain, ListKind, Profession
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import CatalogFilters
from chengxin.catalog.services import EDITABLE_ATTRIBUTE_ORDER
from chengxin.catalog.validation import item_problems


class CatalogFilterForm(forms.Form):
    """Filters of the catalog index: domain, category and providing department."""

    domain = forms.ChoiceField(
        label=_("重点领域"), required=False, choices=[("", _("全部"))] + Domain.choices
    )
    category = forms.ChoiceField(
        label=_("类别"), required=False, choices=[("", _("全部"))] + Category.choices
    )
    department = forms.ModelChoiceField(
        label=_("提供部门"),
        required=False,
        queryset=Department.objects.filter(catalog_items__isnull=False).distinct(),
        to_field_name="code",
        empty_label=_("全部"),
    )

    def filters(self) -> CatalogFilters:
        """The selected filters (call after ``is_valid``); invalid input means no filter."""
        data = self.cleaned_data if self.is_valid() else {}
        department = data.get("department")
        return CatalogFilters(
            domain=data.get("domain", ""),
            category=data.get("category", ""),
            department=department.code if department else "",
        )


class CatalogItemAdminForm(forms.ModelForm):
    """The admin's form: vocabulary lists as check boxes, and the services' rules as errors."""

    professions = forms.MultipleChoiceField(
        label=_("涉及职业人群"),
        required=False,
        choices=Profession.choices,
        widget=forms.CheckboxSelectMultiple,
    )
    lists = forms.MultipleChoiceField(
        label=_("纳入名单"),
        required=False,
        choices=ListKind.choices,
        widget=forms.CheckboxSelectMultiple,
    )

    class Meta:
        model = CatalogItem
        fields = ["code", *EDITABLE_ATTRIBUTE_ORDER]

    def clean(self):
        cleaned = super().clean()
        if self.errors:
            return cleaned
        draft = CatalogItem(**{k: v for k, v in cleaned.items() if k != "departments"})
        if self.instance.pk:
            draft.code = self.instance.code
        departments = list(cleaned.get("departments") or [])
        for problem in item_problems(draft, department_count=len(departments)):
            field = problem.path.split(".")[0]
            self.add_error(field if field in self.fields else None, problem.message)
        return cleaned
