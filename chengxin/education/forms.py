"""Forms of the training and campus file pages. Each states the limits of ``limits.py``; the
services check the same rules again, and a refusal is shown beside the field it names with
what was typed kept (ID numbers excepted: they are posted, never put in a URL, never shown back)."""

from __future__ import annotations

from django import forms
from django.utils.translation import gettext_lazy as _

from chengxin.accounts.models import Department
from chengxin.core.verification import VerificationCodeForm
from chengxin.education import limits
from chengxin.education.choices import SchoolDecision
from chengxin.identity.forms import IdNumberField
from chengxin.supervision.forms import RefusalMixin

DATE = forms.DateInput(attrs={"type": "date"}, format="%Y-%m-%d")


def _departments():
    return Department.objects.order_by("name")


class CourseForm(RefusalMixin, forms.Form):
    title = forms.CharField(label=_("课程名称"), max_length=limits.TITLE_MAX_LENGTH)
    description = forms.CharField(
        label=_("课程内容"), max_length=limits.DESCRIPTION_MAX_LENGTH, widget=forms.Textarea
    )
    hours = forms.IntegerField(label=_("学时"), min_value=1, max_value=limits.HOURS_MAX)
    organiser = forms.ModelChoiceField(label=_("主办单位"), queryset=Department.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["organiser"].queryset = _departments()


class SessionForm(RefusalMixin, forms.Form):
    starts_on = forms.DateField(label=_("开始日期"), widget=DATE)
    ends_on = forms.DateField(label=_("结束日期"), widget=DATE)
    place = forms.CharField(label=_("培训地点"), max_length=limits.PLACE_MAX_LENGTH)
    capacity = forms.IntegerField(label=_("名额"), min_value=1, max_value=limits.CAPACITY_MAX)


class EnrolmentForm(RefusalMixin, forms.Form):
    name = forms.CharField(label=_("姓名"), max_length=limits.PERSON_NAME_MAX_LENGTH)
    id_number = IdNumberField()


class CertificateVerificationForm(VerificationCodeForm):
    """The public verification of a training certificate by its code."""

    malformed_message = _("验证码是证书上印的%(length)d位字母和数字，请核对后重新输入。")


class SchoolForm(RefusalMixin, forms.Form):
    name = forms.CharField(label=_("学校名称"), max_length=limits.SCHOOL_NAME_MAX_LENGTH)
    code = forms.CharField(label=_("学校标识码"), max_length=limits.SCHOOL_CODE_MAX_LENGTH)
    department = forms.ModelChoiceField(label=_("经办部门"), queryset=Department.objects.none())

    def __init__(self, *args, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["department"].queryset = _departments()


class CampusFileForm(RefusalMixin, forms.Form):
    """An officer's opening of a student's campus file: the school, the decision, the matter
    number, the student's ID number (posted)."""

    school = forms.ChoiceField(label=_("学校"))
    decision = forms.ChoiceField(label=_("用途"), choices=SchoolDecision.choices)
    case_no = forms.CharField(
        label=_("事项编号"),
        max_length=limits.CASE_NO_MAX_LENGTH,
        help_text=_("如招生批次号、评审文号。"),
    )
    id_number = IdNumberField()

    def __init__(self, *args, schools, **kwargs) -> None:
        super().__init__(*args, **kwargs)
        self.fields["school"].choices = [(str(school.pk), school.name) for school in schools]
