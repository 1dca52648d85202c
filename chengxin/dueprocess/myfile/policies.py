"""Policy values of the person's view of who looked at their file (docs/citizens.md)."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import DAYS_UNIT, PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

LAW_ENFORCEMENT_DEFERRAL_DAYS = register(
    PolicyDefinition(
        name="lookups.law_enforcement_deferral_days",
        type=PolicyType.DAYS,
        default=90,
        title=_("执法类查询向本人延后显示的期限"),
        unit=DAYS_UNIT,
        legal_source=format_lazy(
            "{}；{}",
            PLATFORM_DEFAULT,
            _(
                "《中华人民共和国个人信息保护法》第三十五条：国家机关履行法定职责，告知将妨碍其"
                "履行法定职责的除外"
            ),
        ),
        description=_(
            "为行政执法调查、司法协助目的查询本人信用档案的记录，自查询之日起经过本期限后"
            "才在本人的“查询记录”中显示，以免妨碍调查；期限届满后一律显示，不会永久隐藏。"
        ),
        description_en=(
            "Queries of a person's file for law enforcement or judicial assistance appear in the "
            "person's own list of who looked only this many days after the query, so as not to "
            "hinder the investigation; after that they always appear, never hidden for ever."
        ),
        minimum=1,
        maximum=365,
    )
)
