"""Policy values of the work plan (docs/workplan.md, docs/policies.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import DAYS_UNIT, PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

DEADLINE_REMINDER_DAYS = register(
    PolicyDefinition(
        name="workplan.deadline_reminder_days",
        type=PolicyType.INTEGER,
        default=30,
        title=_("工作任务完成时限提醒提前天数"),
        unit=DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "工作任务的完成时限前本天数内，提醒尚未完成的责任单位（每个时限只提醒一次）。"
        ),
        description_en=(
            "Units that have not completed a task are reminded once when its deadline is at "
            "most this many days away."
        ),
        minimum=1,
        maximum=365,
    )
)

MISSING_REPORT_REMINDER_DAYS = register(
    PolicyDefinition(
        name="workplan.missing_report_reminder_days",
        type=PolicyType.INTEGER,
        default=5,
        title=_("季度进展报告缺报提醒天数"),
        unit=DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("季度结束本天数后仍未报送该季度进展报告的责任单位，提醒一次。"),
        description_en=(
            "A unit that has not reported on a task for a quarter this many days after the "
            "quarter's end is reminded once."
        ),
        minimum=0,
        maximum=90,
    )
)
