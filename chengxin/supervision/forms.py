"""Forms of the supervision pages. Each states the limits of ``limits.py``; the services check
the same rules again, and a refusal is shown beside the field it names (``add_refusal``) with
what was typed kept (ID numbers excepted)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.models import Department
from chengxin.core.error_codes import TEXT_HOLDS_ID_NUMBER
from chengxin.core.errors import DomainError
from chengxin.core.personal_data import redact_id_numbers
from chengxin.identity.forms import IdNumberField
from chengxin.supervision import limits
from chengxin.supervision.choices import (
    DelistingReason,
    HandlerKind,
    InspectionStatus,
    LicenceStatus,
    ListingStatus,
    PractitionerRole,
    Severity,
    TargetKind,
)
from chengxin.supervision.models import CreditAgency, DataHandler

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
COLLECTS_SEPARATORS = ("｜", "|")


def _any(choices) -> list[tuple[str, str]]:
    return [("", _("全部")), *choices]


class RefusalMixin:
    """Shows a service's refusal beside the field it names, or above the form."""

    field_aliases: dict[str, str] = {}

    def add_refusal(self, error: DomainError) -> None:
        named = False
        for item in error.details.get("errors", []):
            field = self.field_aliases.get(str(item.get("field", "")), str(item.get("field", "")))
            if field in self.fields and item.get("message"):
                self.add_error(field, str(item["message"]))
                named = True
                if item.get("code") == TEXT_HOLDS_ID_NUMBER:
                    data = self.data.copy()
                    data[field] = redact_id_numbers(str(data.get(field, "")))
                    self.data = data
        if not named:
            self.add_error(None, error.message)


class AgencyFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), max_length=limits.SEARCH_MAX_LENGTH, required=False)
    licence_status = forms.ChoiceField(
        label=_("许可状态"), choices=_any(LicenceStatus.choices), required=False
    )
    listed = forms.BooleanField(label=_("仅显示黑名单在列机构"), required=False)


class AgencyForm(RefusalMixin, forms.Form):
    name = forms.CharField(label=_("机构名称"), max_length=limits.NAME_MAX_LENGTH)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    licence_no = forms.CharField(label=_("许可或备案编号"), max_length=limits.LICENCE_NO_MAX_LENGTH)
    licence_status = forms.ChoiceField(label=_("许可状态"), choices=LicenceStatus.choices)
    regulator = forms.ModelChoiceField(
        label=_("监管部门"), queryset=Department.objects.filter(is_active=True)
    )
    address = forms.CharField(label=_("地址"), max_length=limits.ADDRESS_MAX_LENGTH, required=False)
    contact = forms.CharField(
        label=_("联系方式"), max_length=limits.CONTACT_MAX_LENGTH, required=False
    )


class PractitionerForm(RefusalMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=limits.PERSON_NAME_MAX_LENGTH)
    id_number = IdNumberField()
    role = forms.ChoiceField(label=_("职务"), choices=PractitionerRole.choices)
    certificate_no = forms.CharField(
        label=_("从业资格证书编号"), max_length=limits.CERTIFICATE_NO_MAX_LENGTH, required=False
    )


class TokenLinkForm(RefusalMixin, forms.Form):
    token_prefix = forms.CharField(
        label=_("接口令牌前缀"),
        max_length=16,
        help_text=_("征信机构账户的接口令牌前缀（以 cx_ 开头的前11个字符）。"),
    )


class HandlerFilterForm(forms.Form):
    q = forms.CharField(label=_("名称或代码"), max_length=limits.SEARCH_MAX_LENGTH, required=False)
    kind = forms.ChoiceField(label=_("类别"), choices=_any(HandlerKind.choices), required=False)


class HandlerForm(RefusalMixin, forms.Form):
    name = forms.CharField(label=_("名称"), max_length=limits.NAME_MAX_LENGTH)
    uscc = forms.CharField(label=_("统一社会信用代码"), max_length=30)
    kind = forms.ChoiceField(label=_("类别"), choices=HandlerKind.choices)
    collects = forms.CharField(
        label=_("收集的个人信息及法律依据"),
        widget=forms.Textarea(attrs={"rows": 5}),
        max_length=limits.COLLECTS_MAX_ENTRIES
        * (limits.INFORMATION_MAX_LENGTH + limits.BASIS_MAX_LENGTH + 2),
        help_text=_(
            "每行一项：个人信息｜法律依据，例如：手机号码｜个人同意（《个人信息保护法》第十三条）"
        ),
    )
    contact = forms.CharField(
        label=_("联系方式"), max_length=limits.CONTACT_MAX_LENGTH, required=False
    )

    def collects_entries(self) -> list[dict[str, str]]:
        """The lines of ``collects`` as entries; a line without a separator has no basis."""
        entries = []
        for line in self.cleaned_data["collects"].splitlines():
            if not line.strip():
                continue
            information, basis = line, ""
            for separator in COLLECTS_SEPARATORS:
                if separator in line:
                    information, basis = line.split(separator, 1)
                    break
            entries.append({"information": information, "basis": basis})
        return entries


class InspectionFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"), choices=_any(InspectionStatus.choices), required=False
    )
    target = forms.ChoiceField(
        label=_("检查对象"), choices=_any(TargetKind.choices), required=False
    )


class InspectionForm(RefusalMixin, forms.Form):
    agency = forms.ModelChoiceField(
        label=_("被检查的征信机构"), queryset=CreditAgency.objects.all(), required=False
    )
    handler = forms.ModelChoiceField(
        label=_("或被检查的数据处理者"), queryset=DataHandler.objects.all(), required=False
    )
    inspected_on = forms.DateField(label=_("检查日期"), widget=DATE)
    inspectors = forms.CharField(label=_("检查人员"), max_length=limits.INSPECTORS_MAX_LENGTH)
    scope = forms.CharField(label=_("检查范围"), max_length=limits.SCOPE_MAX_LENGTH)
    findings = forms.CharField(
        label=_("检查发现"),
        max_length=limits.FINDINGS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    field_aliases = {"target": "agency"}


class FollowUpForm(RefusalMixin, forms.Form):
    follow_up = forms.CharField(
        label=_("整改要求"),
        max_length=limits.FOLLOW_UP_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )
    follow_up_due = forms.DateField(label=_("整改期限"), widget=DATE)


class CloseForm(RefusalMixin, forms.Form):
    note = forms.CharField(
        label=_("结案说明"),
        max_length=limits.FOLLOW_UP_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class ViolationForm(RefusalMixin, forms.Form):
    severity = forms.ChoiceField(
        label=_("严重程度"),
        choices=Severity.choices,
        help_text=_("认定为严重违规的，该征信机构列入违规经营黑名单，其接口令牌立即失效。"),
    )
    description = forms.CharField(
        label=_("违规事实"),
        max_length=limits.DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )
    basis = forms.CharField(label=_("认定依据"), max_length=limits.BASIS_MAX_LENGTH)
    decided_on = forms.DateField(label=_("认定日期"), widget=DATE)
    decision_document = forms.CharField(
        label=_("决定文书号"), max_length=limits.DOCUMENT_MAX_LENGTH, required=False
    )
    responsible = forms.MultipleChoiceField(
        label=_("责任人员"), required=False, widget=forms.CheckboxSelectMultiple
    )
    listing_reason = forms.CharField(
        label=_("列入黑名单理由（严重违规时填写）"),
        max_length=limits.REASON_MAX_LENGTH,
        required=False,
    )
    listing_until = forms.DateField(
        label=_("列入期限至（严重违规时填写）"), widget=DATE, required=False
    )
    field_aliases = {"reason": "listing_reason"}

    def __init__(self, *args, practitioners=(), **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["responsible"].choices = [
            (str(person.pk), f"{person.subject.name_masked}（{person.get_role_display()}）")
            for person in practitioners
        ]


class ListingFilterForm(forms.Form):
    status = forms.ChoiceField(label=_("状态"), choices=_any(ListingStatus.choices), required=False)


class DelistForm(RefusalMixin, forms.Form):
    reason = forms.ChoiceField(label=_("移出原因"), choices=DelistingReason.choices)
    note = forms.CharField(label=_("移出说明"), max_length=limits.REASON_MAX_LENGTH, required=False)
