"""Vocabulary of training and campus integrity files (SPEC §10; docs/education.md)."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class Attendance(models.TextChoices):
    """A trainee's attendance of a session: enrolled, then marked attended or absent."""

    ENROLLED = "enrolled", _("已报名")
    ATTENDED = "attended", _("已参训")
    ABSENT = "absent", _("缺勤")


class SessionStatus(models.TextChoices):
    """A session is open for enrolment and attendance until the credit office closes it."""

    OPEN = "open", _("进行中")
    CLOSED = "closed", _("已结束")


class SchoolDecision(models.TextChoices):
    """The school decisions for which the plan lets a school consult a student's campus
    integrity file (plan 二(二)3: 招生、毕业、评优评先、奖学金、推荐); no other use is possible."""

    ADMISSION = "admission", _("招生录取")
    GRADUATION = "graduation", _("毕业审核")
    AWARD = "award", _("评优评先")
    SCHOLARSHIP = "scholarship", _("奖学金评定")
    RECOMMENDATION = "recommendation", _("推荐")
