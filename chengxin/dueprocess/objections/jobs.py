"""The daily job of objections (``chengxin dueprocess-daily``; docs/dueprocess.md, "The daily
job").

For the day ``today`` it closes the rejections whose review period is over, marks the open
objections whose deadline has passed as overdue (telling the person and whoever owes the step),
and reminds whoever owes the step of the objections whose deadline is at most
``objection.reminder_working_days`` away. Each step is its service, one row lock and one audit
event per objection; each is done once (the objection keeps the deadline it was reminded of and
the day it became overdue), so running the job twice a day, or again after missed days, changes
nothing more than one run on the right day would have: a deadline missed while the job did not
run is marked overdue on the next run, a reminder not sent in time is still sent while the
deadline has not passed.
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.db.models import F

from chengxin.dueprocess.objections.choices import OPEN_STATUSES, ObjectionStatus
from chengxin.dueprocess.objections.deadlines import (
    deadline_warnings,
    reminder_working_days,
    working_days_left,
)
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.objections.services import (
    objection_close,
    objection_mark_overdue,
    objection_remind,
)


@dataclass(frozen=True)
class DailyOutcome:
    closed: int
    overdue: int
    reminded: int
    warnings: list[str]


def objections_daily(*, today: datetime.date) -> DailyOutcome:
    """Run the day's steps for ``today`` (see the module docstring)."""
    closed = _close_lapsed(today)
    open_objections = Objection.objects.filter(status__in=OPEN_STATUSES, deadline__isnull=False)
    overdue = sum(
        objection_mark_overdue(objection_id=pk, today=today)
        for pk in open_objections.filter(deadline__lt=today, overdue_since__isnull=True)
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    reminded = sum(objection_remind(objection_id=pk, today=today) for pk in _reminders_due(today))
    deadlines = open_objections.values_list("deadline", flat=True).distinct()
    return DailyOutcome(
        closed=closed,
        overdue=overdue,
        reminded=reminded,
        warnings=deadline_warnings(list(deadlines), today=today),
    )


def _reminders_due(today: datetime.date) -> list[int]:
    """The open objections not yet reminded of a deadline that is near (the calendar read
    once for all of them)."""
    candidates = list(
        Objection.objects.filter(status__in=OPEN_STATUSES, deadline__gte=today)
        .exclude(reminded_for=F("deadline"))
        .order_by("pk")
        .values_list("pk", "deadline")
    )
    left = working_days_left([deadline for _pk, deadline in candidates], today=today)
    most = reminder_working_days()
    return [pk for pk, deadline in candidates if left[deadline] <= most]


def _close_lapsed(today: datetime.date) -> int:
    lapsed = Objection.objects.filter(
        status=ObjectionStatus.REJECTED, review_request_until__lt=today
    ).order_by("pk")
    closed = 0
    for pk in lapsed.values_list("pk", flat=True):
        objection_close(objection_id=pk, today=today)
        closed += 1
    return closed
