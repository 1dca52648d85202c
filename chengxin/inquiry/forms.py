"""Forms of the inquiry pages. The ID number is posted, never put in a URL."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.core.verification import VerificationCodeForm
from chengxin.identity.forms import IdNumberField
from chengxin.inquiry.limits import CASE_NO_MAX_LENGTH
from chengxin.inquiry.selectors import purposes_for


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


class VerificationForm(VerificationCodeForm):
    """The public verification of a report by its code (``core.verification``)."""

    malformed_message = _("验证码是报告上印的%(length)d位字母和数字，请核对后重新输入。")
