"""Forms of the repair pages (staff and citizens). Each states the limits of ``limits.py``; the
services check the same rules again, and a refusal is shown beside the field it names, with
what was typed kept (ID numbers excepted)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.dueprocess.objections.forms import (
    CounterFields,
    MultipleFileField,
    RefusalMixin,
    attachments_help,
)
from chengxin.dueprocess.queues import OPEN_FILTER
from chengxin.dueprocess.repairs.choices import RepairOutcome, RepairStatus
from chengxin.dueprocess.repairs.commitment import current_template
from chengxin.dueprocess.repairs.limits import (
    COMMITMENT_VERSION_MAX_LENGTH,
    REASONS_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)


class RepairForm(RefusalMixin, forms.Form):
    """The person's application to repair one of their records."""

    text = forms.CharField(
        label=_("履行情况说明"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_(
            "请说明何时、如何履行了处罚决定确定的义务，纠正了失信行为（如已缴清罚款、已完成整改）。请勿填写身份证号码。"
        ),
    )
    attachments = MultipleFileField(label=_("证明材料"))
    commitment_version = forms.CharField(
        max_length=COMMITMENT_VERSION_MAX_LENGTH, widget=forms.HiddenInput
    )
    commitment_accepted = forms.BooleanField(
        label=_("我已阅读并接受上述信用承诺书"), required=False
    )

    def __init__(self, *args, **kwargs) -> None:
        kwargs.setdefault("initial", {"commitment_version": current_template().version})
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class CounterRepairForm(CounterFields, RepairForm):
    """An application the credit office's reviewer makes for a person at the service counter."""

    field_order = [
        "id_number",
        "record_id",
        "text",
        "power_of_attorney",
        "attachments",
        "commitment_version",
        "commitment_accepted",
    ]


class DecideForm(RefusalMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("决定结果"), choices=RepairOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("决定理由"),
        max_length=REASONS_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_("不予修复的，必须说明理由；理由将告知当事人。"),
    )


class QueueFilterForm(forms.Form):
    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), (OPEN_FILTER, _("办理中")), *RepairStatus.choices],
        required=False,
    )
    item = forms.ChoiceField(label=_("信息项目"), required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("全部")), *items]
