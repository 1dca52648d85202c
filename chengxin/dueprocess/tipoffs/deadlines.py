"""Deadlines of tip-offs on the official calendar (docs/dueprocess.md, "Tip-offs", "Deadlines").

Both periods are policy values in working days counted by ``core.calendar`` (the day a period
starts from is not counted): the credit office routes a tip-off (or finds it not admissible)
within ``tipoff.routing_working_days`` of the filing day; the competent department answers
within ``tipoff.answer_working_days`` of the routing day. A year the calendar does not know
counts Monday to Friday, and staff are warned (``objections.deadlines.deadline_warnings``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from chengxin.core.calendar import add_working_days, working_days_between_each
from chengxin.core.selectors import policy_value
from chengxin.dueprocess.objections.deadlines import deadline_warnings
from chengxin.dueprocess.tipoffs.choices import OPEN_STATUSES, DeadlineOwner, TipOffStatus
from chengxin.dueprocess.tipoffs.policies import TIPOFF_ANSWER, TIPOFF_ROUTING

__all__ = [
    "answer_deadline",
    "deadline_owner",
    "deadline_warnings",
    "is_overdue",
    "routing_deadline",
    "working_days_left",
]


def routing_deadline(filed_on: datetime.date) -> datetime.date:
    """The last day for the credit office to route the tip-off or refuse it."""
    return add_working_days(filed_on, int(policy_value(TIPOFF_ROUTING.name)))


def answer_deadline(routed_on: datetime.date) -> datetime.date:
    """The last day for the competent department to answer."""
    return add_working_days(routed_on, int(policy_value(TIPOFF_ANSWER.name)))


def deadline_owner(status: str) -> str:
    if status == TipOffStatus.ROUTED:
        return DeadlineOwner.DEPARTMENT
    if status in (TipOffStatus.FILED, TipOffStatus.ANSWERED):
        return DeadlineOwner.CREDIT_OFFICE
    return ""


def is_overdue(*, status: str, deadline: datetime.date | None, today: datetime.date) -> bool:
    return status in OPEN_STATUSES and deadline is not None and deadline < today


def working_days_left(
    deadlines: Iterable[datetime.date | None], *, today: datetime.date
) -> dict[datetime.date, int]:
    """Working days from ``today`` to each deadline (negative once overdue)."""
    return working_days_between_each(today, [day for day in deadlines if day is not None])
