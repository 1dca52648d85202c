"""Forms of the tip-off pages (public, citizens, staff). Each states the limits of ``limits.py``;
the services check the same rules again, and a refusal is shown beside the field it names, with
what was typed kept (the ID number excepted, and text holding one comes back masked)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.objections.forms import (
    MultipleFileField,
    RefusalMixin,
    attachments_help,
    incoming,
)
from chengxin.dueprocess.queues import OPEN_FILTER
from chengxin.dueprocess.tipoffs.choices import (
    AnswerOutcome,
    RefusalReason,
    TipOffCategory,
    TipOffStatus,
)
from chengxin.dueprocess.tipoffs.limits import (
    ANSWER_MAX_LENGTH,
    CAPTCHA_MAX_LENGTH,
    NAME_MAX_LENGTH,
    NOTE_MAX_LENGTH,
    QUERY_CODE_MAX_LENGTH,
    REASONS_MAX_LENGTH,
    RECORD_REFERENCE_MAX_LENGTH,
    TEXT_MAX_LENGTH,
    TRACKING_NUMBER_MAX_LENGTH,
)
from chengxin.dueprocess.tipoffs.selectors import departments_for_routing
from chengxin.identity.forms import IdNumberField

__all__ = [
    "AnswerForm",
    "QueueFilterForm",
    "RefuseForm",
    "RouteForm",
    "StatusForm",
    "TipOffForm",
    "incoming",
]


def _department_choices(blank_label) -> list[tuple[str, str]]:
    return [("", blank_label)] + [
        (str(department.pk), department.name) for department in departments_for_routing()
    ]


class FreshInput(forms.TextInput):
    """A text input that comes back empty: a captcha is used up by every check, so the page that
    comes back shows a new image."""

    def format_value(self, value):
        return None


class TipOffForm(RefusalMixin, forms.Form):
    """A tip-off; ``with_captcha`` for anonymous visitors."""

    category = forms.ChoiceField(
        label=_("举报类型"), choices=TipOffCategory.choices, widget=forms.RadioSelect
    )
    concerned_name = forms.CharField(
        label=_("被举报人姓名或单位名称（如知道）"), max_length=NAME_MAX_LENGTH, required=False
    )
    id_number = IdNumberField(
        label=_("被举报人身份证号码（如知道）"),
        required=False,
        help_text=_("加密保存，只有办理人员可见脱敏后的号码。提交后页面上不保留身份证号码。"),
    )
    record_reference = forms.CharField(
        label=_("涉及的信用记录或文书号（如知道）"),
        max_length=RECORD_REFERENCE_MAX_LENGTH,
        required=False,
    )
    department = forms.ChoiceField(label=_("涉及的部门（如知道）"), required=False)
    text = forms.CharField(
        label=_("举报内容"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 7}),
        help_text=_(
            "请写明时间、地点、经过和可以核实的线索。请勿在此填写身份证号码（请填在上面的号码栏）。"
        ),
    )
    attachments = MultipleFileField(label=_("证据材料（可选）"))
    captcha = forms.CharField(
        label=_("验证码"),
        max_length=CAPTCHA_MAX_LENGTH,
        help_text=_("请输入图片中的字符（不区分大小写）。"),
        widget=FreshInput(attrs={"autocomplete": "off", "autocapitalize": "characters"}),
    )

    def __init__(self, *args, with_captcha: bool = True, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()
        self.fields["department"].choices = _department_choices(_("不清楚"))
        if not with_captcha:
            del self.fields["captcha"]

    def clean_department(self) -> int | None:
        value = self.cleaned_data.get("department")
        return int(value) if value else None


class StatusForm(forms.Form):
    """The public look-up of a tip-off by its tracking number and query code (POST only)."""

    number = forms.CharField(label=_("举报编号"), max_length=TRACKING_NUMBER_MAX_LENGTH)
    code = forms.CharField(
        label=_("查询码"),
        max_length=QUERY_CODE_MAX_LENGTH,
        widget=forms.PasswordInput(attrs={"autocomplete": "off"}),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), (OPEN_FILTER, _("办理中")), *TipOffStatus.choices],
        required=False,
    )
    category = forms.ChoiceField(
        label=_("举报类型"), choices=[("", _("全部")), *TipOffCategory.choices], required=False
    )
    overdue = forms.BooleanField(label=_("只看超期"), required=False)


class RouteForm(RefusalMixin, forms.Form):
    department = forms.ChoiceField(label=_("承办部门"))
    note = forms.CharField(
        label=_("转办意见（可选）"),
        max_length=NOTE_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].choices = _department_choices(_("请选择"))

    def clean_department(self) -> int:
        return int(self.cleaned_data["department"])


class RefuseForm(RefusalMixin, forms.Form):
    reason = forms.ChoiceField(label=_("不予受理的理由"), choices=RefusalReason.choices)
    reasons = forms.CharField(
        label=_("向举报人的说明"),
        max_length=REASONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )


class AnswerForm(RefusalMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("办理结果"), choices=AnswerOutcome.choices, widget=forms.RadioSelect
    )
    answer = forms.CharField(
        label=_("答复内容"),
        max_length=ANSWER_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("举报人会看到这段答复，请勿写入个人身份证号码等个人信息。"),
    )
