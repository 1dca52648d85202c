"""Vocabulary of the core app: policy value types and the working-day calendar."""

from django.db import models
from django.utils.translation import gettext_lazy as _


class PolicyType(models.TextChoices):
    """How a policy value is read and validated.

    Every type except ``boolean`` holds a whole number; the period types also say which unit the
    number counts, so ``selectors.policy_period_end`` can add the period to a date.
    """

    INTEGER = "integer", _("整数")
    DAYS = "days", _("自然日")
    WORKING_DAYS = "working_days", _("工作日")
    MONTHS = "months", _("月")
    YEARS = "years", _("年")
    BOOLEAN = "boolean", _("是/否")


PERIOD_TYPES = frozenset(
    {PolicyType.DAYS, PolicyType.WORKING_DAYS, PolicyType.MONTHS, PolicyType.YEARS}
)


class CalendarDayKind(models.TextChoices):
    """An entry of the working-day calendar table: a day off or a make-up working day (调休)."""

    HOLIDAY = "holiday", _("放假（休息日）")
    WORKING_DAY = "working_day", _("调休上班日")


class CalendarSource(models.TextChoices):
    """Which source answered whether a day is a working day, in the order they are consulted."""

    TABLE = "table", _("工作日历表（管理员录入）")
    PACKAGE = "package", _("官方放假安排（chinese-calendar）")
    WEEKDAYS = "weekdays", _("周一至周五（无放假安排数据）")


class ReferenceOutcome(models.TextChoices):
    """What reference loading did to one policy value row."""

    CREATED = "created", _("新增")
    UPDATED = "updated", _("更新为新的默认值")
    UNCHANGED = "unchanged", _("未变")
