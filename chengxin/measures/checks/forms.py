"""Forms of the checks staff pages."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.identity.forms import IdNumberField
from chengxin.measures.checks.limits import (
    CASE_NO_MAX_LENGTH,
    FEEDBACK_REASON_MAX_LENGTH,
    FILE_NAME_MAX_LENGTH,
    PURPOSE_MAX_LENGTH,
)
from chengxin.measures.choices import Matter


class CheckForm(forms.Form):
    """A check of one person; the ID number is sent by POST only and never kept in a URL."""

    id_number = IdNumberField()
    matter = forms.ChoiceField(label=_("核查事项"), choices=Matter.choices)
    purpose = forms.CharField(label=_("核查事由"), max_length=PURPOSE_MAX_LENGTH)
    case_no = forms.CharField(label=_("案件编号"), max_length=CASE_NO_MAX_LENGTH)


class FeedbackForm(forms.Form):
    """Whether one measure of a check was applied, why, and when."""

    measure_code = forms.CharField(widget=forms.HiddenInput)
    applied = forms.TypedChoiceField(
        label=_("是否实施"),
        choices=[("1", _("已实施")), ("0", _("未实施"))],
        coerce=lambda value: value == "1",
        widget=forms.RadioSelect,
    )
    reason = forms.CharField(
        label=_("理由"),
        max_length=FEEDBACK_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    date = forms.DateField(label=_("日期"), widget=forms.DateInput(attrs={"type": "date"}))


class BatchCheckForm(forms.Form):
    """A batch check: a CSV or XLSX file with a column of ID numbers, for one matter."""

    file = forms.FileField(
        label=_("身份证号码文件"),
        max_length=FILE_NAME_MAX_LENGTH,
        help_text=_(
            "CSV（UTF-8 或 GB18030）或 XLSX，含“身份证号码”列或只有一列号码；最多 100,000 个。"
        ),
        widget=forms.ClearableFileInput(attrs={"accept": ".csv,.xlsx"}),
    )
    matter = forms.ChoiceField(label=_("核查事项"), choices=Matter.choices)
    purpose = forms.CharField(label=_("核查事由"), max_length=PURPOSE_MAX_LENGTH)
    case_no = forms.CharField(label=_("案件编号"), max_length=CASE_NO_MAX_LENGTH)
