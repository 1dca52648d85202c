"""Forms of the access challenge pages; the limits are those of ``limits.py``, and a service's
refusal shows beside the field it names (``RefusalMixin``), with what was typed kept."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.myfile.choices import ChallengeStatus
from chengxin.dueprocess.myfile.limits import (
    CLOSING_NOTE_MAX_LENGTH,
    EXPLANATION_MAX_LENGTH,
    REASON_MAX_LENGTH,
)
from chengxin.dueprocess.objections.forms import RefusalMixin


class ChallengeForm(RefusalMixin, forms.Form):
    reason = forms.CharField(
        label=_("请说明您为什么不认可这次查询"),
        max_length=REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("例如：我与该部门没有任何业务往来。请勿填写身份证号码。"),
    )


class AnswerForm(RefusalMixin, forms.Form):
    explanation = forms.CharField(
        label=_("查询部门的说明"),
        max_length=EXPLANATION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
        help_text=_("说明查询所依据的事项、案件和法律依据；不写查询人员姓名和身份证号码。"),
    )


class CloseForm(RefusalMixin, forms.Form):
    note = forms.CharField(
        label=_("办结意见"),
        max_length=CLOSING_NOTE_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        required=False,
        choices=[("", _("全部"))] + list(ChallengeStatus.choices),
    )
