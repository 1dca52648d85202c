"""The platform's own dashboards (SPEC §12), built from the summary tables only."""

from __future__ import annotations

import datetime
from zoneinfo import ZoneInfo

from django.conf import settings
from django.db.models import Max, Min
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengxin.accounts.models import Department
from chengxin.catalog.models import CatalogItem
from chengxin.collection.quality import due_date
from chengxin.dashboards import sources as m
from chengxin.dashboards.models import NO_DEPARTMENT, DailyMetric
from chengxin.dashboards.registry import BAR, LINE, TABLE_ONLY, Dashboard, Panel, register
from chengxin.dashboards.selectors import (
    DashboardFilters,
    metric_series,
    metric_sums,
    period_label,
    periods_of,
)
from chengxin.dueprocess.objections.choices import OPEN_STATUSES as OBJECTION_OPEN
from chengxin.dueprocess.objections.models import Objection
from chengxin.dueprocess.repairs.choices import RepairStatus
from chengxin.dueprocess.repairs.models import Repair
from chengxin.dueprocess.tipoffs.choices import OPEN_STATUSES as TIPOFF_OPEN
from chengxin.dueprocess.tipoffs.choices import TipOffStatus
from chengxin.dueprocess.tipoffs.models import TipOff
from chengxin.exchange.choices import OutboxStatus
from chengxin.exchange.models import OutboxEvent
from chengxin.inquiry.models import QueryPurpose
from chengxin.measures.choices import Matter


def _rate(part: int, whole: int) -> float:
    return round(100 * part / whole, 1) if whole else 0.0


def _department_names(ids) -> dict[int, str]:
    names = dict(Department.objects.filter(pk__in=set(ids)).values_list("pk", "name"))
    names[NO_DEPARTMENT] = _("未分配部门")
    return names


def _timeline(filters: DashboardFilters, measures: list[tuple[str, str]], *, scoped=True):
    """Rows of a time series: the period, then one sum per (measure, label)."""
    sums = metric_series(
        measures=[measure for measure, _label in measures],
        filters=filters,
        department_field=scoped,
    )
    return [
        [
            period_label(period, filters),
            *(sums.get((measure, period), 0) for measure, _ in measures),
        ]
        for period in periods_of(filters)
    ]


def _period_text(filters: DashboardFilters) -> str:
    unit = _("按月") if filters.monthly else _("按日")
    return _("%(start)s 至 %(end)s，%(unit)s") % {
        "start": filters.start.isoformat(),
        "end": filters.end.isoformat(),
        "unit": unit,
    }


def collection_panels(filters: DashboardFilters, scope) -> list[Panel]:
    measures = [m.RECORDS, m.RECEIVED, m.REJECTED]
    timeline = _timeline(filters, [(measure, "") for measure in measures])
    by_department = metric_sums(measures=measures, filters=filters, by=("department_id",))
    by_item = metric_sums(measures=measures, filters=filters, by=("key",))
    names = _department_names(department for _measure, department in by_department)
    departments = sorted({department for _measure, department in by_department}, key=names.get)
    item_names = dict(CatalogItem.objects.values_list("code", "name"))
    items = sorted({key for _measure, key in by_item})
    columns = [_("新增记录"), _("接收行数"), _("拒收行数")]
    return [
        Panel(
            "collection-timeline",
            _("归集数量随时间变化"),
            _("新增信用记录数和报送的拒收行数，%(period)s。") % {"period": _period_text(filters)},
            LINE,
            [_("期间"), *columns],
            timeline,
            [1, 3],
        ),
        Panel(
            "collection-departments",
            _("各部门归集数量与质量"),
            _("各部门新增记录数、报送接收行数、拒收行数和拒收率。"),
            BAR,
            [_("部门"), *columns, _("拒收率（%）")],
            [
                [
                    names[department],
                    by_department.get((m.RECORDS, department), 0),
                    by_department.get((m.RECEIVED, department), 0),
                    by_department.get((m.REJECTED, department), 0),
                    _rate(
                        by_department.get((m.REJECTED, department), 0),
                        by_department.get((m.RECEIVED, department), 0),
                    ),
                ]
                for department in departments
            ],
            [1, 3],
        ),
        Panel(
            "collection-items",
            _("各目录项归集数量与质量"),
            _("各信息目录项新增记录数、报送接收行数和拒收行数。"),
            BAR,
            [_("目录项"), *columns],
            [
                [
                    item_names.get(item, item),
                    by_item.get((m.RECORDS, item), 0),
                    by_item.get((m.RECEIVED, item), 0),
                    by_item.get((m.REJECTED, item), 0),
                ]
                for item in items
            ],
            [1, 3],
        ),
    ]


def _noon(day: datetime.date) -> datetime.datetime:
    return datetime.datetime.combine(day, datetime.time(12), tzinfo=ZoneInfo(settings.TIME_ZONE))


def timeliness_panels(filters: DashboardFilters, scope) -> list[Panel]:
    """Per department: the items it is expected to provide, how many are on time on the end
    day of the period and how many late (the data-quality scoreboard's rule,
    ``collection.quality.due_date``), from the day of each item's last completed submission."""
    today = min(filters.end, timezone.localdate())
    expected = CatalogItem.departments.through.objects.filter(
        catalogitem__is_active=True, department__is_active=True
    )
    last = DailyMetric.objects.filter(measure=m.SUBMISSIONS, day__lte=today, value__gt=0)
    if filters.department is not None:
        expected = expected.filter(department_id=filters.department.pk)
        last = last.filter(department_id=filters.department.pk)
    pairs = list(
        expected.values_list("department_id", "catalogitem__code", "catalogitem__update_frequency")
    )
    last_days = {
        (row["department_id"], row["key"]): row["last"]
        for row in last.values("department_id", "key").annotate(last=Max("day")).order_by()
    }
    counts: dict[int, list[int]] = {}
    for department, item, frequency in pairs:
        day = last_days.get((department, item))
        due = due_date(frequency=frequency, last_submission_at=_noon(day)) if day else None
        late_days = (today - due).days if due is not None and today > due else None
        row = counts.setdefault(department, [0, 0, 0, 0])
        row[0] += 1
        if due is None or late_days is not None:
            row[2] += 1
            row[3] = max(row[3], late_days or 0)
        else:
            row[1] += 1
    names = _department_names(counts)
    rows = [
        [names[department], *counts[department]] for department in sorted(counts, key=names.get)
    ]
    return [
        Panel(
            "timeliness",
            _("报送及时性"),
            _("截至 %(day)s，各部门应报送的目录项中按时和逾期的数量（从未报送的计为逾期）。")
            % {"day": today.isoformat()},
            BAR,
            [_("部门"), _("应报目录项"), _("按时"), _("逾期"), _("最长逾期天数")],
            rows,
            [2, 3],
        )
    ]


def checks_panels(filters: DashboardFilters, scope) -> list[Panel]:
    sums = metric_sums(measures=[m.CHECKS, m.MEASURES_FOUND], filters=filters, by=("key",))
    matters = [
        value
        for value in Matter.values
        if (m.CHECKS, value) in sums or (m.MEASURES_FOUND, value) in sums
    ]
    labels = dict(Matter.choices)
    feedback = metric_sums(
        measures=[m.MEASURES_FOUND, m.FEEDBACK, m.FEEDBACK_APPLIED],
        filters=filters,
        by=("department_id",),
    )
    departments = {department for _measure, department in feedback}
    names = _department_names(departments)
    rows = []
    for department in sorted(departments, key=names.get):
        found = feedback.get((m.MEASURES_FOUND, department), 0)
        given = feedback.get((m.FEEDBACK, department), 0)
        applied = feedback.get((m.FEEDBACK_APPLIED, department), 0)
        rows.append([names[department], found, given, _rate(given, found), applied])
    return [
        Panel(
            "checks-matters",
            _("各事项核查次数"),
            _("各事项的联合奖惩核查次数和命中的措施数。"),
            BAR,
            [_("事项"), _("核查次数"), _("命中措施数")],
            [
                [
                    str(labels[matter]),
                    sums.get((m.CHECKS, matter), 0),
                    sums.get((m.MEASURES_FOUND, matter), 0),
                ]
                for matter in matters
            ],
            [1, 2],
        ),
        Panel(
            "checks-feedback",
            _("各部门核查反馈率"),
            _("核查命中的本部门措施数、已反馈的措施数、反馈率和已实施数（按措施计）。"),
            BAR,
            [_("部门"), _("命中措施数"), _("已反馈"), _("反馈率（%）"), _("已实施")],
            rows,
            [1, 2],
        ),
        Panel(
            "checks-timeline",
            _("核查次数随时间变化"),
            _("联合奖惩核查次数，%(period)s。") % {"period": _period_text(filters)},
            LINE,
            [_("期间"), _("核查次数")],
            _timeline(filters, [(m.CHECKS, "")]),
        ),
    ]


def queries_panels(filters: DashboardFilters, scope) -> list[Panel]:
    sums = metric_sums(measures=[m.QUERIES], filters=filters, by=("key",))
    names = dict(QueryPurpose.objects.values_list("code", "name"))
    codes = sorted((key for _measure, key in sums), key=lambda code: -sums[(m.QUERIES, code)])
    return [
        Panel(
            "queries-purposes",
            _("各查询用途的查询次数"),
            _("经办人员按查询用途查询信用档案的次数。"),
            BAR,
            [_("查询用途"), _("查询次数")],
            [[names.get(code, code), sums[(m.QUERIES, code)]] for code in codes],
        ),
        Panel(
            "queries-timeline",
            _("查询次数随时间变化"),
            _("信用档案查询次数，%(period)s。") % {"period": _period_text(filters)},
            LINE,
            [_("期间"), _("查询次数")],
            _timeline(filters, [(m.QUERIES, "")]),
        ),
    ]


def _open_overdue(filters: DashboardFilters, today: datetime.date) -> dict[str, int]:
    """Cases open now and past their deadline, counted on the case tables (open cases are few;
    each count is one query)."""
    objections = Objection.objects.filter(status__in=OBJECTION_OPEN, deadline__lt=today)
    repairs = Repair.objects.filter(status=RepairStatus.APPLIED, deadline__lt=today)
    tipoffs = TipOff.objects.filter(
        status__in=[status for status in TIPOFF_OPEN if status != TipOffStatus.ANSWERED],
        deadline__lt=today,
    )
    if filters.department is not None:
        objections = objections.filter(department_id=filters.department.pk)
        repairs = repairs.filter(department_id=filters.department.pk)
        tipoffs = tipoffs.filter(routed_department_id=filters.department.pk)
    return {m.OBJECTION: objections.count(), m.REPAIR: repairs.count(), m.TIPOFF: tipoffs.count()}


def cases_panels(filters: DashboardFilters, scope) -> list[Panel]:
    sums = metric_sums(
        measures=[m.CASES_FILED, m.CASES_DECIDED, m.CASES_DAYS, m.CASES_LATE],
        filters=filters,
        by=("key",),
    )
    overdue = _open_overdue(filters, timezone.localdate())
    kinds = [(m.OBJECTION, _("异议")), (m.REPAIR, _("信用修复")), (m.TIPOFF, _("举报"))]
    rows = []
    for kind, label in kinds:
        decided = sums.get((m.CASES_DECIDED, kind), 0)
        days = sums.get((m.CASES_DAYS, kind), 0)
        rows.append(
            [
                label,
                sums.get((m.CASES_FILED, kind), 0),
                decided,
                round(days / decided, 1) if decided else 0.0,
                sums.get((m.CASES_LATE, kind), 0),
                overdue[kind],
            ]
        )
    # The sums of the filing counts per case kind and period.
    keyed = metric_series(measures=[m.CASES_FILED], filters=filters, by=("key",))
    timeline_rows = [
        [period_label(period, filters), *(keyed.get((kind, period), 0) for kind, _label in kinds)]
        for period in periods_of(filters)
    ]
    return [
        Panel(
            "cases-summary",
            _("异议、修复与举报办理情况"),
            _("期间内提交数、办结数、平均办理天数（自然日）、超期办结数，以及当前超期未办结数。"),
            BAR,
            [
                _("类别"),
                _("提交数"),
                _("办结数"),
                _("平均办理天数"),
                _("超期办结数"),
                _("当前超期未办结"),
            ],
            rows,
            [1, 2, 4, 5],
        ),
        Panel(
            "cases-timeline",
            _("提交数量随时间变化"),
            _("异议、信用修复申请和举报的提交数，%(period)s。") % {"period": _period_text(filters)},
            LINE,
            [_("期间"), *(label for _kind, label in kinds)],
            timeline_rows,
            [1, 2, 3],
        ),
    ]


def exchange_panels(filters: DashboardFilters, scope) -> list[Panel]:
    measures = [
        (m.EVENTS_CREATED, ""),
        (m.EVENTS_DELIVERED, ""),
        (m.EVENTS_DEAD, ""),
        (m.DELIVERIES, ""),
        (m.DELIVERIES_FAILED, ""),
        (m.EVENTS_LAG_SECONDS, ""),
    ]
    rows = []
    for row in _timeline(filters, measures, scoped=False):
        delivered, lag = row[2], row.pop()
        rows.append([*row, round(lag / delivered, 1) if delivered else 0.0])
    pending = OutboxEvent.objects.filter(status=OutboxStatus.PENDING)
    oldest = pending.aggregate(oldest=Min("created_at"))["oldest"]
    age = round((timezone.now() - oldest).total_seconds() / 60, 1) if oldest else 0.0
    now_rows = [
        [_("待发送事件"), pending.count()],
        [_("最早待发送事件的等待时间（分钟）"), age],
        [_("投递失败队列中的事件"), OutboxEvent.objects.filter(status=OutboxStatus.DEAD).count()],
    ]
    return [
        Panel(
            "exchange-timeline",
            _("向省级平台推送"),
            _("产生、送达和转入失败队列的事件数，推送批次及失败批次，平均送达时延，%(period)s。")
            % {"period": _period_text(filters)},
            LINE,
            [
                _("期间"),
                _("产生事件"),
                _("送达事件"),
                _("转入失败队列"),
                _("推送批次"),
                _("失败批次"),
                _("平均送达时延（秒）"),
            ],
            rows,
            [1, 2, 3],
        ),
        Panel(
            "exchange-now",
            _("当前推送积压"),
            _("此刻待发送的事件、最早一个的等待时间和失败队列中的事件。"),
            TABLE_ONLY,
            [_("指标"), _("数值")],
            now_rows,
        ),
    ]


def register_platform_dashboards() -> None:
    register(
        Dashboard(
            "collection",
            gettext_lazy("归集数量与质量"),
            gettext_lazy("各部门、各目录项的新增记录、接收和拒收行数随时间的变化。"),
            collection_panels,
        )
    )
    register(
        Dashboard(
            "timeliness",
            gettext_lazy("报送及时性"),
            gettext_lazy("各部门应报送目录项的按时与逾期情况。"),
            timeliness_panels,
        )
    )
    register(
        Dashboard(
            "checks",
            gettext_lazy("核查与反馈"),
            gettext_lazy("各事项的核查次数和各部门的反馈率。"),
            checks_panels,
        )
    )
    register(
        Dashboard(
            "queries",
            gettext_lazy("查询用途"),
            gettext_lazy("各查询用途的信用档案查询次数。"),
            queries_panels,
        )
    )
    register(
        Dashboard(
            "cases",
            gettext_lazy("异议、修复与举报"),
            gettext_lazy("提交与办结数量、办理天数和超期情况。"),
            cases_panels,
        )
    )
    register(
        Dashboard(
            "exchange",
            gettext_lazy("共享交换"),
            gettext_lazy("向省级平台推送的时延与失败。"),
            exchange_panels,
            department_scoped=False,
        )
    )
