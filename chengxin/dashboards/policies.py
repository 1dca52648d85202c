"""Policy values of the dashboards (docs/dashboards.md, docs/policies.md)."""

from __future__ import annotations

from django.utils.translation import gettext_lazy as _

from chengxin.core.choices import PolicyType
from chengxin.core.policies import PLATFORM_DEFAULT
from chengxin.core.policy_registry import PolicyDefinition, register

PUBLIC_MINIMUM_COUNT = register(
    PolicyDefinition(
        name="dashboards.public_minimum_count",
        type=PolicyType.INTEGER,
        default=10,
        title=_("公开统计的最小显示数"),
        unit=_("件"),
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "网站公开统计页中，小于本数的非零统计数不显示具体数值，只显示“少于本数”，"
            "以免从小数字推知具体的人。"
        ),
        description_en=(
            "On the public statistics page a non-zero count below this number is not shown; "
            "the page says it is fewer than this number, so that no one can be singled out "
            "from a small count."
        ),
        minimum=1,
        maximum=1000,
    )
)

SETTLE_MINUTES = register(
    PolicyDefinition(
        name="dashboards.settle_minutes",
        type=PolicyType.INTEGER,
        default=5,
        title=_("统计汇总的等待时间"),
        unit=_("分钟"),
        legal_source=PLATFORM_DEFAULT,
        description=_(
            "汇总统计时，只计入本分钟数之前写入的数据，以免漏计尚未提交的事务；"
            "统计页因此最多滞后本分钟数加上刷新间隔。"
        ),
        description_en=(
            "A refresh folds in only rows written at least this many minutes ago, so that a "
            "transaction still open is not skipped; the dashboards lag by at most this plus "
            "the refresh interval."
        ),
        minimum=0,
        maximum=1440,
    )
)
