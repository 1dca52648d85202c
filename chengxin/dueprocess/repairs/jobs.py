"""The daily job of credit repair (``chengxin dueprocess-daily``; docs/dueprocess.md, "The daily
job"): for the day ``today`` it marks the open applications whose deadline has passed as
overdue (telling the person and the department) and reminds the department of those whose
deadline is at most ``repair.reminder_working_days`` away. Each step is its service, one row
lock and one audit event per application, done once per deadline, so a second run (or a run
after missed days) changes nothing more than one run on the right day would have."""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F

from chengxin.dueprocess.repairs.choices import OPEN_STATUSES
from chengxin.dueprocess.repairs.deadlines import (
    deadline_warnings,
    reminder_working_days,
    working_days_left,
)
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.repairs.services import repair_mark_overdue, repair_remind


@dataclass(frozen=True)
class DailyOutcome:
    overdue: int
    reminded: int
    warnings: list[str]


def repairs_daily(*, today: datetime.date) -> DailyOutcome:
    open_repairs = Repair.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False)
    overdue = sum(
        repair_mark_overdue(repair_id=pk, today=today)
        for pk in open_repairs.filter(deadline__lt=today, overdue_since__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reminded = sum(repair_remind(repair_id=pk, today=today) for pk in _reminders_due(today))
    due = open_repairs.values_list("deadline", flat=True).distinct()
    return DailyOutcome(
        overdue=overdue,
        reminded=reminded,
        warnings=deadline_warnings(list(due), today=today),
    )


def _reminders_due(today: datetime.date) -> list[int]:
    candidates = list(
        Repair.objects.filter(status__in=OPEN_STATUSES, deadline__gte=today)
        .exclude(reminded_for=F("deadline"))
        .order_by("pk")
        .values_list("pk", "deadline")
    )
    left = working_days_left([deadline for _pk, deadline in candidates], today=today)
    most = reminder_working_days()
    return [pk for pk, deadline in candidates if left[deadline] <= most]
