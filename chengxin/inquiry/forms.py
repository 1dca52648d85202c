"""Forms of the inquiry pages. The ID number is posted, never put in a URL."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.identity.forms import IdNumberField
from chengxin.inquiry.limits import CASE_NO_MAX_LENGTH
from chengxin.inquiry.selectors import (
    VERIFICATION_CODE_LENGTH,
    normalised_verification_code,
    purposes_for,
    verification_code_is_well_formed,
)


class ProfileQueryForm(forms.Form):
    """An officer's query: the person's ID number, a purpose from the allowed list, a case
    number."""

    id_number = IdNumberField()
    purpose = forms.ChoiceField(label=_("查询事由"))
    case_no = forms.CharField(label=_("案件编号"), max_length=CASE_NO_MAX_LENGTH)

    def __init__(self, *args, user, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["purpose"].choices = [
            (purpose.code, purpose.name) for purpose in purposes_for(user=user)
        ]


class VerificationForm(forms.Form):
    """The public verification of a report by its code.

    A code has the alphabet and length of the codes the platform issues; anything else (an ID
    number typed into the wrong box, most often) is refused and not shown again in the form.
    """

    code = forms.CharField(label=_("验证码"), max_length=20)

    def clean_code(self) -> str:
        code = normalised_verification_code(self.cleaned_data["code"])
        if not verification_code_is_well_formed(code):
            raise forms.ValidationError(
                _("验证码是报告上印的%(length)d位字母和数字，请核对后重新输入。")
                % {"length": VERIFICATION_CODE_LENGTH},
                code="verification_code_malformed",
            )
        return code

    def forget_refused_code(self) -> None:
        """Render the form without the refused value (it may be someone's ID number)."""
        if "code" in self.errors:
            self.data = self.data.copy()
            self.data["code"] = ""
