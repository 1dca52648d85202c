"""Forms of the consent pages: the person's online consent (``/my/consents/``) and the staff's
record of a signed paper form (``/staff/inquiry/consents/``). The grantee is one choice,
``department:<id>`` or ``agency:<id>``; a service's refusal shows beside the field it names."""

from __future__ import annotations

import datetime

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.choices import Role
from chengxin.dueprocess.attachments import max_bytes
from chengxin.dueprocess.objections.forms import ACCEPTED_FILES, RefusalMixin
from chengxin.identity.forms import IdNumberField
from chengxin.inquiry.consent_selectors import (
    consentable_items,
    grantee_agencies,
    grantee_departments,
    grantee_purposes,
)
from chengxin.inquiry.consents import ConsentTerms
from chengxin.inquiry.limits import CONSENT_ITEMS_MAX

# A browser's date input shows and sends ISO dates, whatever the page's language.
DATE_WIDGET = forms.DateInput(format="%Y-%m-%d", attrs={"type": "date"})
DEPARTMENT_PREFIX = "department:"
AGENCY_PREFIX = "agency:"


def _grantee_choices(*, departments, agencies) -> list[tuple[str, list[tuple[str, str]]]]:
    groups = []
    if agencies is not None:
        options = [(f"{AGENCY_PREFIX}{agency.pk}", agency.name) for agency in agencies]
        groups.append((str(_("征信机构")), options))
    if departments is not None:
        options = [(f"{DEPARTMENT_PREFIX}{item.pk}", item.name) for item in departments]
        groups.append((str(_("政府部门")), options))
    return groups


class ConsentForm(RefusalMixin, forms.Form):
    """What a consent says: to whom, for what, which items, for how long."""

    grantee = forms.ChoiceField(label=_("被授权方"))
    purpose = forms.ChoiceField(label=_("授权用途"))
    items = forms.MultipleChoiceField(
        label=_("授权查询的信息项"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text=_("不选择时，授权查询被授权方可以查询的全部授权类信息。"),
    )
    valid_from = forms.DateField(label=_("生效日期"), widget=DATE_WIDGET)
    valid_until = forms.DateField(label=_("截止日期"), widget=DATE_WIDGET)

    def __init__(self, *args, departments=None, agencies=None, **kwargs) -> None:
        """``departments`` and ``agencies``: the grantees offered (querysets, ``None`` for
        none of that kind); ``terms`` looks the chosen one up among them again."""
        super().__init__(*args, **kwargs)
        today = timezone.localdate()
        self.departments, self.agencies = departments, agencies
        self.fields["grantee"].choices = _grantee_choices(
            departments=departments, agencies=agencies
        )
        purposes = [*grantee_purposes(Role.AGENCY), *grantee_purposes(Role.OFFICER)]
        self.fields["purpose"].choices = [(purpose.code, purpose.name) for purpose in purposes]
        self.fields["items"].choices = [
            (item.code, f"{item.name}（{item.get_disclosure_display()}）")
            for item in consentable_items(for_agency=True)
        ]
        self.fields["valid_from"].initial = today
        self.fields["valid_until"].initial = today + datetime.timedelta(days=90)

    def clean_items(self) -> list[str]:
        chosen = self.cleaned_data.get("items") or []
        if len(chosen) > CONSENT_ITEMS_MAX:
            raise forms.ValidationError(
                _("一次授权最多选择 %(count)s 个信息项。") % {"count": CONSENT_ITEMS_MAX}
            )
        return chosen

    def terms(self) -> ConsentTerms:
        """The terms as the service reads them."""
        data = self.cleaned_data
        grantee = data["grantee"]
        department = agency = None
        if grantee.startswith(DEPARTMENT_PREFIX) and self.departments is not None:
            department = self.departments.filter(pk=grantee.removeprefix(DEPARTMENT_PREFIX)).first()
        elif grantee.startswith(AGENCY_PREFIX) and self.agencies is not None:
            agency = self.agencies.filter(pk=grantee.removeprefix(AGENCY_PREFIX)).first()
        return ConsentTerms(
            purpose=data["purpose"],
            valid_from=data["valid_from"],
            valid_until=data["valid_until"],
            department=department,
            agency=agency,
            item_codes=tuple(data.get("items") or ()),
        )


def citizen_consent_form(data=None) -> ConsentForm:
    """The person's form: every agency that may be given a consent and every department."""
    return ConsentForm(data, departments=grantee_departments(), agencies=grantee_agencies())


class PaperConsentForm(ConsentForm):
    """A consent the person signed on paper, recorded by staff with its scanned form."""

    field_aliases = {"attachments": "evidence"}
    field_order = ["id_number", "grantee", "purpose", "items", "valid_from", "valid_until"]

    id_number = IdNumberField(label=_("授权人身份证号码"))
    evidence = forms.FileField(
        label=_("签字的纸质授权书"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["evidence"].help_text = _(
            "本人签字的授权书扫描件或照片：PDF、JPEG或PNG（按文件内容识别），不超过%(size)d MB。"
        ) % {"size": max_bytes() // (1024 * 1024)}


class PersonLookupForm(forms.Form):
    """The person whose consents staff look at (the number stays in the POST body)."""

    id_number = IdNumberField(label=_("身份证号码"))
