"""Policy values of consents (docs/inquiry.md, "Consents")."""

from __future__ import annotations

from django.utils.text import format_lazy
from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import DAYS_UNIT, PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

CONSENT_MAX_DAYS = register(
    PolicyDefinition(
        name="consent.max_validity_days",
        type=PolicyType.DAYS,
        default=365,
        title=_("查询授权的最长有效期"),
        unit=DAYS_UNIT,
        legal_source=format_lazy(
            "{}；{}",
            PLATFORM_DEFAULT,
            _(
                "《中华人民共和国个人信息保护法》第十四条：同意应当由个人在充分知情的前提下自愿、"
                "明确作出；《征信业管理条例》第十八条"
            ),
        ),
        description=_(
            "本人授权部门或征信机构查询其信用信息时，授权期间（自生效日至截止日）最长不得超过"
            "本期限；期满后须重新授权。"
        ),
        description_en=(
            "A consent for a department or a credit agency to read a person's records runs for "
            "at most this many days from its first day; after that the person consents again."
        ),
        minimum=1,
        maximum=1830,
    )
)
