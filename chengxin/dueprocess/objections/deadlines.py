"""Deadlines of objections on the official calendar (SPEC §8; docs/dueprocess.md, "Deadlines").

Every period is a policy value in working days (``core.policies``) counted by ``core.calendar``
(the day a period starts from is not counted): the department decides within
``objection.decision_working_days`` of the filing day, at most
``objection.extension_max_working_days`` after one extension; the person may ask for a review
within ``objection.review_request_working_days`` of the rejection; the credit office decides a
review within ``objection.review_working_days``. A year the calendar does not know counts Monday
to Friday, and staff are warned (``deadline_warnings``).
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable

from chengxin.core.calendar import add_working_days, working_days_between_each
from chengxin.core.policies import (
    OBJECTION_DECISION,
    OBJECTION_EXTENSION_MAX,
    OBJECTION_REMINDER,
    OBJECTION_REVIEW_DECISION,
    OBJECTION_REVIEW_REQUEST,
)
from chengxin.core.selectors import calendar_warnings, policy_value
from chengxin.dueprocess.objections.choices import (
    DEPARTMENT_STATUSES,
    OPEN_STATUSES,
    DeadlineOwner,
    ObjectionStatus,
)


def decision_working_days() -> int:
    """The working days the department has for its decision (default 5)."""
    return int(policy_value(OBJECTION_DECISION.name))


def extension_max_working_days() -> int:
    """The most working days a decision may take after its one extension (default 20)."""
    return int(policy_value(OBJECTION_EXTENSION_MAX.name))


def reminder_working_days() -> int:
    return int(policy_value(OBJECTION_REMINDER.name))


def decision_deadline(filed_on: datetime.date, allowed_working_days: int) -> datetime.date:
    """The last day of the department's decision: ``allowed_working_days`` after filing."""
    return add_working_days(filed_on, allowed_working_days)


def review_request_until(decided_on: datetime.date) -> datetime.date:
    """The last day the person may ask the credit office to review a rejection."""
    return add_working_days(decided_on, int(policy_value(OBJECTION_REVIEW_REQUEST.name)))


def review_deadline(requested_on: datetime.date) -> datetime.date:
    """The last day of the credit office's review decision."""
    return add_working_days(requested_on, int(policy_value(OBJECTION_REVIEW_DECISION.name)))


def correction_deadline(overturned_on: datetime.date) -> datetime.date:
    """The last day for the department to correct a record after a review overturned its
    rejection: the ordinary decision period again."""
    return add_working_days(overturned_on, decision_working_days())


def deadline_owner(status: str) -> str:
    """Who owes the next step of an open objection."""
    if status == ObjectionStatus.REVIEW_REQUESTED:
        return DeadlineOwner.CREDIT_OFFICE
    if status in DEPARTMENT_STATUSES:
        return DeadlineOwner.DEPARTMENT
    return ""


def is_overdue(*, status: str, deadline: datetime.date | None, today: datetime.date) -> bool:
    return status in OPEN_STATUSES and deadline is not None and deadline < today


def working_days_left(
    deadlines: Iterable[datetime.date | None], *, today: datetime.date
) -> dict[datetime.date, int]:
    """Working days from ``today`` to each deadline (0 on the day itself, negative once
    overdue), counted with one read of the calendar table."""
    return working_days_between_each(today, [day for day in deadlines if day is not None])


def deadline_warnings(
    deadlines: Iterable[datetime.date | None], *, today: datetime.date
) -> list[str]:
    """The staff warning of ``core.selectors.calendar_warnings`` when a deadline falls in a
    year whose holidays are not known yet (it is then counted Monday to Friday)."""
    years = [day.year for day in deadlines if day is not None]
    if not years or max(years) <= today.year:
        return calendar_warnings(today=today, ahead=0)
    return calendar_warnings(today=today, ahead=max(years) - today.year)
