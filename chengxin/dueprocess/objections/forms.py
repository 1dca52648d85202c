"""Forms of the objection pages (staff and citizens). Each states the limits of
``limits.py``; the services check the same rules again, and a refusal is shown on the form
beside the field it names (``add_refusal``), with what was typed kept (ID numbers excepted)."""

from __future__ import annotations

from typing import Any

from django import forms
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from chengxin.core.error_codes import TEXT_HOLDS_ID_NUMBER
from chengxin.core.errors import DomainError
from chengxin.core.personal_data import redact_id_numbers
from chengxin.dueprocess.attachments import MAX_PER_CASE, IncomingFile, max_bytes
from chengxin.dueprocess.objections.choices import (
    DecisionOutcome,
    ObjectionGrounds,
    ObjectionStatus,
    RefusalReason,
    Resolution,
    ReviewOutcome,
)
from chengxin.dueprocess.objections.limits import (
    CORRECTION_VALUE_MAX_LENGTH,
    EXTENSION_REASON_MAX_LENGTH,
    REASONS_MAX_LENGTH,
    REVIEW_REASON_MAX_LENGTH,
    STATEMENT_MAX_LENGTH,
    TEXT_MAX_LENGTH,
)
from chengxin.dueprocess.queues import OPEN_FILTER
from chengxin.identity.forms import IdNumberField

CORRECTION_PREFIX = "correction__"
ACCEPTED_FILES = ".pdf,.jpg,.jpeg,.png,application/pdf,image/jpeg,image/png"


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    """Several files in one input (the attachments of a case)."""

    widget = MultipleFileInput

    def __init__(self, **kwargs) -> None:
        kwargs.setdefault("required", False)
        kwargs.setdefault("widget", MultipleFileInput(attrs={"accept": ACCEPTED_FILES}))
        super().__init__(**kwargs)

    def clean(self, data, initial=None):
        files = data if isinstance(data, list | tuple) else [data] if data else []
        return [super(MultipleFileField, self).clean(file, initial) for file in files]


def attachments_help() -> str:
    return gettext(
        "PDF、JPEG或PNG（按文件内容识别），每个文件不超过%(size)d MB，每件最多%(count)d个。"
    ) % {
        "size": max_bytes() // (1024 * 1024),
        "count": MAX_PER_CASE,
    }


def incoming(files) -> list[IncomingFile]:
    """Uploaded files as the attachment checks read them."""
    return [IncomingFile(name=file.name or "", data=file.read()) for file in files or []]


class RefusalMixin:
    """Shows a service's refusal on the form: each field error beside its field, the rest
    above the form."""

    field_aliases: dict[str, str] = {}

    def add_refusal(self, error: DomainError) -> None:
        named = False
        for item in error.details.get("errors", []):
            field = self._form_field(str(item.get("field", "")))
            if field:
                self.add_error(field, str(item["message"]))
                named = True
                if item.get("code") == TEXT_HOLDS_ID_NUMBER:
                    self._masked(field)
        if not named:
            self.add_error(None, error.message)

    def _masked(self, field: str) -> None:
        """The typed text comes back with its ID numbers masked: a page never shows one."""
        data = self.data.copy()
        data[field] = redact_id_numbers(str(data.get(field, "")))
        self.data = data

    def _form_field(self, name: str) -> str:
        base = name.split("[", 1)[0]
        if base.startswith("corrections."):
            candidate = CORRECTION_PREFIX + base.removeprefix("corrections.")
            return candidate if candidate in self.fields else ""
        base = self.field_aliases.get(base, base)
        return base if base in self.fields else ""


class ObjectionForm(RefusalMixin, forms.Form):
    """The person's objection to one of their records."""

    grounds = forms.ChoiceField(
        label=_("异议类型"), choices=ObjectionGrounds.choices, widget=forms.RadioSelect
    )
    text = forms.CharField(
        label=_("异议理由"),
        max_length=TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 6}),
        help_text=_(
            "请说明记录哪里不对、正确的情况是什么，以及可以证明的材料。请勿填写身份证号码。"
        ),
    )
    attachments = MultipleFileField(label=_("证明材料（可选）"))

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["attachments"].help_text = attachments_help()


class CounterFields(forms.Form):
    """What a case filed for a person at the service counter adds (objections, repairs): the
    person's ID number, the record and the person's signed power of attorney."""

    id_number = IdNumberField(label=_("当事人身份证号码"))
    record_id = forms.IntegerField(
        label=_("记录编号"),
        min_value=1,
        help_text=_("见当事人的信用报告或“我的信用档案”中的记录编号。"),
    )
    power_of_attorney = forms.FileField(
        label=_("授权委托书"),
        help_text=_("当事人签署的授权委托书扫描件或照片（PDF、JPEG或PNG）。"),
        widget=forms.ClearableFileInput(attrs={"accept": ACCEPTED_FILES}),
    )


class CounterObjectionForm(CounterFields, ObjectionForm):
    """An objection the credit office's reviewer files for a person at the service counter."""

    field_order = ["id_number", "record_id", "grounds", "text", "power_of_attorney", "attachments"]


class RefuseForm(RefusalMixin, forms.Form):
    reason = forms.ChoiceField(label=_("不予受理的理由"), choices=RefusalReason.choices)
    reasons = forms.CharField(
        label=_("说明"), max_length=REASONS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class ExtendForm(RefusalMixin, forms.Form):
    working_days = forms.IntegerField(
        label=_("延长后的处理时限（工作日，自提交之日起计算）"), min_value=1, max_value=60
    )
    reason = forms.CharField(
        label=_("延长理由"),
        max_length=EXTENSION_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 2}),
    )


class DecideForm(RefusalMixin, forms.Form):
    """The department's decision; for a correction, one box per correctable field of the
    record's item, filled with the current value: the boxes changed are the corrections."""

    outcome = forms.ChoiceField(
        label=_("处理结果"), choices=DecisionOutcome.choices, widget=forms.RadioSelect
    )
    resolution = forms.ChoiceField(
        label=_("异议成立时"),
        choices=[("", _("（异议不成立时不填）")), *Resolution.choices],
        required=False,
    )
    reasons = forms.CharField(
        label=_("决定理由"),
        max_length=REASONS_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )

    def __init__(self, *args, fields: list[dict[str, Any]], values: dict[str, Any], **kwargs):
        super().__init__(*args, **kwargs)
        self.current = {}
        for descriptor in fields:
            name = descriptor["name"]
            value = values.get(name, "")
            self.current[name] = "" if value is None else str(value)
            self.fields[CORRECTION_PREFIX + name] = forms.CharField(
                label=descriptor.get("title") or name,
                max_length=CORRECTION_VALUE_MAX_LENGTH,
                required=False,
                initial=self.current[name],
                widget=_correction_widget(descriptor, self.current[name]),
            )

    def correction_fields(self):
        return [self[name] for name in self.fields if name.startswith(CORRECTION_PREFIX)]

    def corrections(self) -> dict[str, str]:
        """The fields whose box differs from the record's current value."""
        changed = {}
        for name, value in self.cleaned_data.items():
            if name.startswith(CORRECTION_PREFIX):
                field = name.removeprefix(CORRECTION_PREFIX)
                if (value or "").strip() != self.current[field].strip():
                    changed[field] = (value or "").strip()
        return changed


LONG_TEXT = 60


def _correction_widget(descriptor: dict[str, Any], value: str) -> forms.Widget:
    """A text area for long text (a field without a short limit, or a long value), a box
    otherwise."""
    limit = (descriptor.get("constraints") or {}).get("maxLength")
    if descriptor.get("type", "string") == "string" and (
        limit is None or limit > LONG_TEXT or len(value) > LONG_TEXT
    ):
        return forms.Textarea(attrs={"rows": 2})
    return forms.TextInput()


class ReviewDecisionForm(RefusalMixin, forms.Form):
    outcome = forms.ChoiceField(
        label=_("复核结果"), choices=ReviewOutcome.choices, widget=forms.RadioSelect
    )
    reasons = forms.CharField(
        label=_("复核理由"), max_length=REASONS_MAX_LENGTH, widget=forms.Textarea(attrs={"rows": 3})
    )


class StatementForm(RefusalMixin, forms.Form):
    text = forms.CharField(
        label=_("异议声明"),
        max_length=STATEMENT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
        help_text=_(
            "声明将随该记录出现在此后的查询、核查结果和信用报告中，最多500字。请勿填写身份证号码。"
        ),
    )


class ReviewRequestForm(RefusalMixin, forms.Form):
    reason = forms.CharField(
        label=_("复核理由"),
        max_length=REVIEW_REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class QueueFilterForm(forms.Form):
    """The filters of the staff queue (GET)."""

    status = forms.ChoiceField(
        label=_("状态"),
        choices=[("", _("全部")), (OPEN_FILTER, _("办理中")), *ObjectionStatus.choices],
        required=False,
    )
    item = forms.ChoiceField(label=_("信息项目"), required=False)
    overdue = forms.BooleanField(label=_("只看超期"), required=False)

    def __init__(self, *args, items: list[tuple[str, str]], **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["item"].choices = [("", _("全部")), *items]
