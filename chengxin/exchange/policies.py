"""Policy values of the exchange (docs/exchange.md, docs/policies.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

UPSTREAM_MAX_ATTEMPTS = register(
    PolicyDefinition(
        name="exchange.upstream_max_attempts",
        type=PolicyType.INTEGER,
        default=12,
        title=_("向省级平台推送事件的最多尝试次数"),
        unit=_("次"),
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "一个事件连续推送失败达到本次数后转入投递失败队列，不再自动重试，"
            "由系统管理员在“共享交换”页面或用命令重试；其间同一信息主体后续的事件暂不推送，以保持顺序。"
        ),
        description_en=(
            "An event that fails this many delivery attempts in a row becomes a dead letter: it "
            "is not retried automatically until the system administrator retries it on the "
            "exchange page or by command; meanwhile the person's later events wait, to keep "
            "their order."
        ),
        minimum=1,
        maximum=100,
    )
)

NOTICE_QUERY_DAYS = register(
    PolicyDefinition(
        name="exchange.correction_notice_query_days",
        type=PolicyType.INTEGER,
        default=90,
        title=_("更正通知查询部门的回溯天数"),
        unit=_("天"),
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "记录被更正、撤销、修复、退出或到期时，本天数内查询过该记录的部门会收到一次更正通知。"
        ),
        description_en=(
            "When a record is corrected, revoked, repaired, withdrawn or expires, every "
            "department that queried it within this many days gets one correction notice."
        ),
        minimum=1,
        maximum=3650,
    )
)
