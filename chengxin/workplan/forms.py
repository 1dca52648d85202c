"""Forms of the work-plan pages. Each states the limits of ``limits.py``; the services check
the same rules again, and a refusal is shown beside the field it names."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.models import Department
from chengxin.core.errors import DomainError
from chengxin.workplan import limits
from chengxin.workplan.choices import ReportStatus
from chengxin.workplan.models import Task

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")
QUARTERS = [(1, _("第一季度")), (2, _("第二季度")), (3, _("第三季度")), (4, _("第四季度"))]


class RefusalMixin:
    """Shows a service's refusal beside the field it names, or above the form."""

    def add_refusal(self, error: DomainError) -> None:
        named = False
        for item in error.details.get("errors", []):
            field = str(item.get("field", ""))
            if field.startswith("attachments"):
                field = "files"
            if field in self.fields and item.get("message"):
                self.add_error(field, str(item["message"]))
                named = True
        if not named:
            self.add_error(None, error.message)


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class MultipleFileField(forms.FileField):
    def __init__(self, *args, **kwargs):
        kwargs.setdefault("widget", MultipleFileInput())
        super().__init__(*args, **kwargs)

    def clean(self, data, initial=None):
        if isinstance(data, list | tuple):
            return [super(MultipleFileField, self).clean(one, initial) for one in data]
        return [super().clean(data, initial)] if data else []


class ReportForm(RefusalMixin, forms.Form):
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    quarter = forms.TypedChoiceField(label=_("季度"), choices=QUARTERS, coerce=int)
    percent = forms.IntegerField(label=_("完成进度（%）"), min_value=0, max_value=100)
    status = forms.ChoiceField(label=_("状态"), choices=ReportStatus.choices)
    text = forms.CharField(
        label=_("进展情况"),
        max_length=limits.REPORT_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
        help_text=_("最多2000字；不要填写身份证号码。"),
    )
    files = MultipleFileField(
        label=_("附件"),
        required=False,
        help_text=_("PDF、JPEG或PNG，每份不超过规定大小，最多5份。"),
    )


class NoteForm(RefusalMixin, forms.Form):
    task = forms.ModelChoiceField(label=_("任务"), queryset=Task.objects.none(), required=False)
    department = forms.ModelChoiceField(
        label=_("单位"), queryset=Department.objects.none(), required=False
    )
    written_on = forms.DateField(label=_("检查日期"), widget=DATE)
    text = forms.CharField(
        label=_("督促检查意见"),
        max_length=limits.NOTE_TEXT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, plan=None, **kwargs):
        kwargs.setdefault("initial", {}).setdefault("written_on", timezone.localdate())
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["task"].queryset = Task.objects.filter(plan=plan).select_related("section")
            self.fields["department"].queryset = Department.objects.filter(
                workplan_tasks__task__plan=plan
            ).distinct()


class ScoreForm(RefusalMixin, forms.Form):
    department = forms.ModelChoiceField(label=_("单位"), queryset=Department.objects.none())
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    score = forms.DecimalField(
        label=_("考核得分"), min_value=0, max_value=100, decimal_places=1, max_digits=4
    )
    comment = forms.CharField(
        label=_("考核说明"),
        max_length=limits.COMMENT_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )

    def __init__(self, *args, plan=None, **kwargs):
        super().__init__(*args, **kwargs)
        if plan is not None:
            self.fields["department"].queryset = Department.objects.filter(
                workplan_tasks__task__plan=plan
            ).distinct()


class PlanFileForm(forms.Form):
    file = forms.FileField(
        label=_("方案文件"),
        help_text=_("JSON或XLSX，格式见说明文档；不超过5 MB。"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if upload.size > limits.PLAN_FILE_MAX_BYTES:
            raise forms.ValidationError(_("文件超过5 MB。"))
        return upload
