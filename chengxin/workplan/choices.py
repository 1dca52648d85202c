"""Vocabulary of the work plan: plan levels, deadline kinds, report states, reminder kinds."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PlanLevel(models.TextChoices):
    """Who issued the plan: the province's plan, the city's, a county's."""

    PROVINCE = "province", _("省级")
    CITY = "city", _("市级")
    COUNTY = "county", _("县（市）区级")


class DeadlineKind(models.TextChoices):
    """A deadline as the plan writes it: by the end of a year (2017年底前), by a day, or
    ongoing (持续实施, no date)."""

    YEAR_END = "year_end", _("年底前")
    DATE = "date", _("指定日期前")
    ONGOING = "ongoing", _("持续实施")


class UnitGroup(models.TextChoices):
    """A unit named as a group rather than one department."""

    OTHER_DEPARTMENTS = "other", _("其他有关部门")
    COUNTY_GOVERNMENTS = "districts", _("各县（市）区政府")


class ReportStatus(models.TextChoices):
    """Where a unit stands with a task in a period."""

    NOT_STARTED = "not_started", _("未启动")
    IN_PROGRESS = "in_progress", _("推进中")
    COMPLETED = "completed", _("已完成")
    BLOCKED = "blocked", _("遇到困难")


class ReminderKind(models.TextChoices):
    DEADLINE = "deadline", _("完成时限临近")
    MISSING_REPORT = "missing_report", _("进展报告未报")
