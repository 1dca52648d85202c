"""Deadlines of credit repair on the official calendar (SPEC §8; docs/dueprocess.md,
"Deadlines").

The deciding department decides within ``repair.decision_working_days`` (default 3) of the day
the application was made (that day not counted), counted by ``core.calendar``; staff are
reminded ``repair.reminder_working_days`` before. The working days left, the overdue test and
the staff warning for a year the calendar does not know are those of the objections.
"""

from __future__ import annotations

import datetime

from chengxin.core.calendar import add_working_days
from chengxin.core.policies import REPAIR_DECISION, REPAIR_REMINDER
from chengxin.core.selectors import policy_value
from chengxin.dueprocess.objections.deadlines import deadline_warnings, working_days_left
from chengxin.dueprocess.repairs.choices import OPEN_STATUSES

__all__ = [
    "deadline_warnings",
    "decision_deadline",
    "decision_working_days",
    "is_overdue",
    "reminder_working_days",
    "working_days_left",
]


def decision_working_days() -> int:
    return int(policy_value(REPAIR_DECISION.name))


def reminder_working_days() -> int:
    return int(policy_value(REPAIR_REMINDER.name))


def decision_deadline(applied_on: datetime.date, allowed_working_days: int) -> datetime.date:
    return add_working_days(applied_on, allowed_working_days)


def is_overdue(*, status: str, deadline: datetime.date | None, today: datetime.date) -> bool:
    return status in OPEN_STATUSES and deadline is not None and deadline < today
