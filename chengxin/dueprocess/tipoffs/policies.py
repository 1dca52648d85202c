"""Policy values of tip-offs (``core.policies``; docs/dueprocess.md, "Tip-offs"): the working days
the credit office has to route a tip-off, and the competent department to answer it."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import PLATFORM_DEFAULT, WORKING_DAYS_UNIT
from chengxin.core.policy_registry import PolicyDefinition, register

TIPOFF_ROUTING = register(
    PolicyDefinition(
        name="tipoff.routing_working_days",
        type=PolicyType.WORKING_DAYS,
        default=3,
        title=_("举报分办时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("信用办自收到举报之日起在本时限内转交主管部门办理，或决定不予受理。"),
        description_en=(
            "The credit office routes a tip-off to the competent department, or finds it not "
            "admissible, within this many working days of receiving it."
        ),
        minimum=1,
        maximum=30,
    )
)

TIPOFF_ANSWER = register(
    PolicyDefinition(
        name="tipoff.answer_working_days",
        type=PolicyType.WORKING_DAYS,
        default=15,
        title=_("举报办理答复时限"),
        unit=WORKING_DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_("主管部门自收到转办之日起在本时限内核查并答复办理结果。"),
        description_en=(
            "The competent department examines a routed tip-off and answers within this many "
            "working days of receiving it."
        ),
        minimum=1,
        maximum=60,
    )
)
