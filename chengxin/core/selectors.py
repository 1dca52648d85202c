"""Reads of the core app: policy values in force and the working-day calendar's warnings.

Policy values are configuration, not personal data, so these reads take no viewer.
"""

from __future__ import annotations

import datetime
import logging
from dataclasses import dataclass

from django.db.models import QuerySet
from django.utils.translation import gettext

from chengxin.core.calendar import add_months, add_working_days, calendar_missing_years
from chengxin.core.choices import PolicyType
from chengxin.core.errors import DomainError
from chengxin.core.models import CalendarDay, PolicyChange, PolicyValue
from chengxin.core.policy_registry import (
    PolicyDefinition,
    PolicyScalar,
    ProcessSnapshot,
    all_definitions,
    get_definition,
)

logger = logging.getLogger(__name__)


def _load_policy_values() -> dict[str, object]:
    return dict(PolicyValue.objects.values_list("name", "value"))


_POLICY_VALUES = ProcessSnapshot(_load_policy_values)


def invalidate_policy_cache() -> None:
    """Drop this process's copy of the policy values (called by the services that change them)."""
    _POLICY_VALUES.invalidate()


def policy_value(name: str) -> PolicyScalar:
    """The value in force of policy ``name``: the stored value, or the definition's default.

    Raises ``NotFoundError`` (code ``core.policy_unknown``) for a name no app has registered.
    A stored value that no longer fits its definition (the code changed its type or range) is
    logged and the default is used, so a stale row cannot stop deadlines from being computed.
    """
    definition = get_definition(name)
    return _effective_value(definition, _POLICY_VALUES.get().get(name))


def _effective_value(definition: PolicyDefinition, stored: object) -> PolicyScalar:
    if stored is None:
        return definition.default
    try:
        return definition.validate(stored)
    except DomainError:
        logger.warning(
            "Stored policy value of %s does not fit its definition; default used.",
            definition.name,
        )
        return definition.default


def policy_period_end(name: str, *, start: datetime.date) -> datetime.date:
    """The date a period policy ends when it runs from ``start``.

    Days and working days are added with the working-day rule of ``core.calendar`` (``start``
    is not counted); months and years are calendar months, kept inside the target month (a
    record decided on 29 February 2024 with a one-year period ends on 28 February 2025).
    """
    definition = get_definition(name)
    amount = int(policy_value(name))
    if definition.type == PolicyType.DAYS:
        return start + datetime.timedelta(days=amount)
    if definition.type == PolicyType.WORKING_DAYS:
        return add_working_days(start, amount)
    if definition.type == PolicyType.MONTHS:
        return add_months(start, amount)
    if definition.type == PolicyType.YEARS:
        return add_months(start, amount * 12)
    raise ValueError(f"Policy {name} is not a period.")


@dataclass(frozen=True)
class PolicyStatus:
    """One policy as staff see it: its definition and the value in force."""

    definition: PolicyDefinition
    value: PolicyScalar
    follows_default: bool
    updated_at: datetime.datetime | None

    @property
    def is_default(self) -> bool:
        return self.value == self.definition.default


def policy_status_list() -> list[PolicyStatus]:
    """Every registered policy with the value in force, ordered by name (one query)."""
    rows = {row.name: row for row in PolicyValue.objects.all()}
    return [_status(definition, rows.get(definition.name)) for definition in all_definitions()]


def _status(definition: PolicyDefinition, row: PolicyValue | None) -> PolicyStatus:
    if row is None:
        return PolicyStatus(definition, definition.default, True, None)
    return PolicyStatus(
        definition=definition,
        value=_effective_value(definition, row.value),
        follows_default=row.follows_default,
        updated_at=row.updated_at,
    )


def policy_history(name: str) -> QuerySet[PolicyChange]:
    """The changes of policy ``name``, newest first, with their actors."""
    get_definition(name)
    return PolicyChange.objects.filter(policy__name=name).select_related("actor", "policy")


def calendar_day_list(*, year: int) -> QuerySet[CalendarDay]:
    """The calendar table's entries of ``year``, in date order."""
    return CalendarDay.objects.filter(date__year=year).order_by("date")


def calendar_warnings(*, today: datetime.date, ahead: int = 1) -> list[str]:
    """Warnings for the staff home page: years whose deadlines fall back to Monday–Friday.

    Empty when the official schedule of this year and the next ``ahead`` years is known.
    Otherwise one message, in Chinese, naming the years and what to do.
    """
    missing = calendar_missing_years(today=today, ahead=ahead)
    if not missing:
        return []
    years = "、".join(gettext("%(year)s年") % {"year": year} for year in missing)
    return [
        gettext(
            "工作日历缺少%(years)s的法定节假日和调休安排，这些年份的期限暂按周一至周五计算。"
            "请系统管理员在国务院办公厅发布放假安排通知后，在“工作日历”中录入放假日和调休上班日。"
        )
        % {"years": years}
    ]
