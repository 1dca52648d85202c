"""The public statistics page (信用齐齐哈尔 “统计数据”): counts only, from the summary tables.

No personal data: every figure is a count over a year or over all time, per kind of work or per
providing department. A non-zero count below ``dashboards.public_minimum_count`` is shown as
“fewer than N” (small-cell suppression), so that no figure singles out a person; zero is shown
as zero (nothing to single out).
"""

from __future__ import annotations

import datetime
from dataclasses import dataclass

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengxin.accounts.models import Department
from chengxin.core.selectors import policy_value
from chengxin.dashboards import sources as m
from chengxin.dashboards.policies import PUBLIC_MINIMUM_COUNT
from chengxin.dashboards.selectors import summed

# The first day of "all time".
EVER = datetime.date(1, 1, 1)


@dataclass(frozen=True)
class PublicFigure:
    label: str
    this_year: str
    all_time: str


@dataclass(frozen=True)
class PublicStatistics:
    year: int
    minimum: int
    figures: list[PublicFigure]
    departments: list[PublicFigure]


def suppressed(value: int, minimum: int) -> str:
    """The count as the public page shows it."""
    if 0 < value < minimum:
        return _("少于 %(minimum)s") % {"minimum": minimum}
    return str(value)


WORK = (
    (m.RECORDS, "", gettext_lazy("归集信用记录")),
    (m.CHECKS, "", gettext_lazy("联合奖惩核查")),
    (m.QUERIES, "", gettext_lazy("信用档案查询")),
    (m.CASES_FILED, m.OBJECTION, gettext_lazy("受理异议")),
    (m.CASES_DECIDED, m.OBJECTION, gettext_lazy("办结异议")),
    (m.CASES_FILED, m.REPAIR, gettext_lazy("信用修复申请")),
    (m.CASES_DECIDED, m.REPAIR, gettext_lazy("办结信用修复")),
    (m.CASES_FILED, m.TIPOFF, gettext_lazy("收到举报")),
    (m.CASES_DECIDED, m.TIPOFF, gettext_lazy("答复举报")),
)


def public_statistics(*, today=None) -> PublicStatistics:
    """The figures of the public page, from the summary tables (``selectors.summed``)."""
    today = today or timezone.localdate()
    minimum = int(policy_value(PUBLIC_MINIMUM_COUNT.name))
    measures = {measure for measure, _key, _label in WORK}
    first_day = today.replace(month=1, day=1)

    def sums(start):
        return summed(measures=measures, start=start, end=today, by=("measure", "key"))

    year, ever = sums(first_day), sums(EVER)

    def total(found, measure, key):
        if key:
            return found.get((measure, key), 0)
        return sum(value for (name, _k), value in found.items() if name == measure)

    figures = [
        PublicFigure(
            str(label),
            suppressed(total(year, measure, key), minimum),
            suppressed(total(ever, measure, key), minimum),
        )
        for measure, key, label in WORK
    ]
    return PublicStatistics(
        year=today.year,
        minimum=minimum,
        figures=figures,
        departments=_departments(today=today, first_day=first_day, minimum=minimum),
    )


def _departments(*, today, first_day, minimum) -> list[PublicFigure]:
    def sums(start):
        found = summed(measures=[m.RECORDS], start=start, end=today, by=("department_id",))
        return {department_id: total for (department_id,), total in found.items()}

    year, ever = sums(first_day), sums(EVER)
    names = dict(Department.objects.filter(pk__in=ever).values_list("pk", "name"))
    return [
        PublicFigure(names[pk], suppressed(year.get(pk, 0), minimum), suppressed(total, minimum))
        for pk, total in sorted(ever.items(), key=lambda item: names.get(item[0], ""))
        if pk in names
    ]
