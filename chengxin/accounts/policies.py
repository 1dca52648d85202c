"""Policy values of citizens' accounts (docs/citizens.md, docs/policies.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import DAYS_UNIT, PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

PENDING_ACCOUNT_DAYS = register(
    PolicyDefinition(
        name="citizen.pending_account_days",
        type=PolicyType.DAYS,
        default=30,
        title=_("公众账户待核验身份的最长期限"),
        unit=DAYS_UNIT,
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "注册后在本期限内未到服务窗口（或通过实名认证平台）核验身份的账户自动失效，"
            "该身份证号码可以重新注册：他人冒用号码注册的账户不会长期占用本人的号码。"
        ),
        description_en=(
            "An account whose identity is not proofed (at the service counter or by the "
            "real-name identity provider) within this many days of signing up lapses, and the ID "
            "number can be used to sign up again: an account someone opened with another "
            "person's number does not hold it for long."
        ),
        minimum=1,
        maximum=365,
    )
)
