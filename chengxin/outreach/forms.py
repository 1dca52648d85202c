"""Forms of the staff content pages. Each states the limits of ``limits.py``; the services check
the same rules again, and a refusal is shown beside the field it names, with what was typed kept
(an ID number masked)."""

from __future__ import annotations

from django import forms
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from chengxin.core.error_codes import TEXT_HOLDS_ID_NUMBER
from chengxin.core.errors import DomainError
from chengxin.core.personal_data import redact_id_numbers
from chengxin.dueprocess.objections.forms import MultipleFileField
from chengxin.outreach import limits
from chengxin.outreach.choices import ArticleKind, ArticleStatus


class RefusalMixin:
    def add_refusal(self, error: DomainError) -> None:
        named = False
        for item in error.details.get("errors", []):
            field = str(item.get("field", "")).split("[", 1)[0]
            if field in self.fields:
                self.add_error(field, str(item["message"]))
                named = True
                if item.get("code") == TEXT_HOLDS_ID_NUMBER:
                    data = self.data.copy()
                    data[field] = redact_id_numbers(str(data.get(field, "")))
                    self.data = data
        if not named:
            self.add_error(None, error.message)


class ArticleForm(RefusalMixin, forms.Form):
    kind = forms.ChoiceField(label=_("栏目"), choices=ArticleKind.choices)
    title = forms.CharField(label=_("标题"), max_length=limits.TITLE_MAX_LENGTH)
    summary = forms.CharField(
        label=_("摘要"),
        max_length=limits.SUMMARY_MAX_LENGTH,
        required=False,
        widget=forms.Textarea(attrs={"rows": 2}),
    )
    body = forms.CharField(
        label=_("正文"),
        max_length=limits.BODY_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 16}),
        help_text=_(
            "纯文本：空行分段；以“## ”开头的行为标题，“### ”为小标题；以“- ”开头的行为列表，"
            "以“1. ”开头的行为编号列表。不支持HTML。"
        ),
    )
    source = forms.CharField(label=_("来源"), max_length=limits.SOURCE_MAX_LENGTH, required=False)
    position = forms.IntegerField(
        label=_("章节顺序"),
        min_value=0,
        max_value=999,
        required=False,
        help_text=_("信用知识读本的章节按此排序，其他栏目可不填。"),
    )

    def values(self) -> dict:
        data = dict(self.cleaned_data)
        data["position"] = data.get("position") or 0
        return data


class FilterForm(forms.Form):
    kind = forms.ChoiceField(
        label=_("栏目"), choices=[("", _("全部"))] + ArticleKind.choices, required=False
    )
    status = forms.ChoiceField(
        label=_("状态"), choices=[("", _("全部"))] + ArticleStatus.choices, required=False
    )


class ReturnForm(RefusalMixin, forms.Form):
    reason = forms.CharField(
        label=_("退回理由"),
        max_length=limits.REASON_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class PublishForm(RefusalMixin, forms.Form):
    publish_at = forms.DateTimeField(
        label=_("定时发布"),
        required=False,
        widget=forms.DateTimeInput(attrs={"type": "datetime-local"}),
        input_formats=["%Y-%m-%dT%H:%M", "%Y-%m-%d %H:%M"],
        help_text=_("不填则立即发布；填写将来的时间，则到时自动在网站上显示。"),
    )


class ImageForm(RefusalMixin, forms.Form):
    image = forms.FileField(
        label=_("图片"),
        widget=forms.ClearableFileInput(attrs={"accept": "image/jpeg,image/png"}),
        help_text=_("JPEG或PNG，最大2 MB；保存时去除拍摄地点等元数据。"),
    )
    alt = forms.CharField(label=_("图片说明"), max_length=limits.ALT_MAX_LENGTH)


class AttachmentForm(RefusalMixin, forms.Form):
    attachments = forms.FileField(
        label=_("附件"),
        widget=forms.ClearableFileInput(attrs={"accept": ".pdf,.jpg,.jpeg,.png"}),
        help_text=_("PDF、JPEG或PNG文件。"),
    )


class ActivityForm(RefusalMixin, forms.Form):
    campaign = forms.ChoiceField(label=_("宣传节点"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    held_on = forms.DateField(
        label=_("活动日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(label=_("活动名称"), max_length=limits.ACTIVITY_TITLE_MAX_LENGTH)
    organiser = forms.CharField(label=_("组织单位"), max_length=limits.ACTIVITY_UNIT_MAX_LENGTH)
    description = forms.CharField(
        label=_("活动内容"),
        max_length=limits.ACTIVITY_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, campaigns, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.code, c.name) for c in campaigns]
        self.fields["year"].initial = timezone.localdate().year


class ActivityReportForm(RefusalMixin, forms.Form):
    report = forms.CharField(
        label=_("开展情况"),
        max_length=limits.ACTIVITY_REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 3}),
    )


class UnitActivityForm(RefusalMixin, forms.Form):
    """A unit plans an activity: the organiser is the unit itself."""

    campaign = forms.ChoiceField(label=_("宣传节点"))
    year = forms.IntegerField(label=_("年度"), min_value=2000, max_value=2100)
    held_on = forms.DateField(
        label=_("活动日期"), required=False, widget=forms.DateInput(attrs={"type": "date"})
    )
    title = forms.CharField(label=_("活动名称"), max_length=limits.ACTIVITY_TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("活动内容"),
        max_length=limits.ACTIVITY_DESCRIPTION_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 4}),
    )

    def __init__(self, *args, campaigns, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["campaign"].choices = [(c.code, c.name) for c in campaigns]
        self.fields["year"].initial = timezone.localdate().year


class UnitReportForm(RefusalMixin, forms.Form):
    """A unit's report of a held activity: what was done, participants, photos or files."""

    report = forms.CharField(
        label=_("开展情况"),
        max_length=limits.ACTIVITY_REPORT_MAX_LENGTH,
        widget=forms.Textarea(attrs={"rows": 5}),
    )
    participants = forms.IntegerField(label=_("参与人数"), min_value=0, required=False)
    attachments = MultipleFileField(
        label=_("活动照片或材料（JPEG、PNG、PDF，最多5个）"), required=False
    )
