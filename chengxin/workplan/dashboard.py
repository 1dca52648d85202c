"""The work plan's progress dashboard (SPEC §12), registered in the dashboards registry.

The plan is small (tens of tasks, some dozens of units), so its progress figures are read from
the work-plan tables directly in a fixed number of queries; the reports sent over time come from
the summary table (source ``workplan_reports`` of ``dashboards.sources``). Progress reads
the latest plan, its tasks, their units and the reports up to the quarter that holds the
filter's end date. A department filter (or a department's own view) keeps the tasks that
department answers for and its own row.
"""

from __future__ import annotations

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from chengxin.dashboards.registry import BAR, LINE, TABLE_ONLY, Dashboard, Panel, register
from chengxin.dashboards.selectors import metric_series, period_label, periods_of
from chengxin.dashboards.sources import WORKPLAN_REPORTS
from chengxin.workplan.models import Plan
from chengxin.workplan.periods import Quarter
from chengxin.workplan.selectors import department_progress, progress_of_plan


def workplan_panels(filters, scope) -> list[Panel]:
    plan = Plan.objects.order_by("-issued_on", "-pk").first()
    period = Quarter.of(filters.end)
    progress = progress_of_plan(plan=plan, period=period) if plan else []
    department = filters.department
    if department is not None:
        progress = [
            task for task in progress if any(u.department.pk == department.pk for u in task.units)
        ]
    units = department_progress(progress, today=filters.end)
    if department is not None:
        units = [row for row in units if row.department.pk == department.pk]
    overdue = [task for task in progress if task.is_overdue(filters.end)]
    missing = sum(len(task.missing_units) for task in progress)
    title = plan.title if plan else _("（尚未导入工作方案）")
    sent = metric_series(measures=[WORKPLAN_REPORTS], filters=filters)
    return [
        Panel(
            "workplan-tasks",
            _("各项任务完成进度"),
            _("%(plan)s：各任务责任单位最新报告的平均完成进度（截至%(period)s）。")
            % {"plan": title, "period": period.label},
            BAR,
            [_("任务"), _("完成进度（%）"), _("责任单位数"), _("已完成单位数")],
            [
                [
                    f"{task.task.reference} {task.task.title}",
                    task.percent,
                    len(task.units),
                    sum(1 for unit in task.units if unit.completed),
                ]
                for task in progress
            ],
            [1],
        ),
        Panel(
            "workplan-units",
            _("各责任单位任务情况"),
            _("各单位负责的任务数、已完成数、超期未完成数和%(period)s缺报数。")
            % {"period": period.label},
            BAR,
            [
                _("单位"),
                _("负责任务"),
                _("已完成"),
                _("超期未完成"),
                _("本季度缺报"),
                _("平均进度（%）"),
            ],
            [
                [
                    row.department.name,
                    row.tasks,
                    row.completed,
                    row.overdue,
                    row.missing,
                    row.percent,
                ]
                for row in units
            ],
            [2, 3, 4],
        ),
        Panel(
            "workplan-reports",
            _("进展报告报送数量随时间变化"),
            _("各责任单位首次报送的进展报告数（汇总表，%(start)s 至 %(end)s）。")
            % {"start": filters.start.isoformat(), "end": filters.end.isoformat()},
            LINE,
            [_("期间"), _("报送的进展报告")],
            [
                [period_label(day, filters), sent.get((WORKPLAN_REPORTS, day), 0)]
                for day in periods_of(filters)
            ],
            [1],
        ),
        Panel(
            "workplan-summary",
            _("工作方案总体情况"),
            _("任务总数、已完成、超期未完成和本季度缺报的进展报告数。"),
            TABLE_ONLY,
            [_("指标"), _("数值")],
            [
                [_("任务总数"), len(progress)],
                [_("已完成任务"), sum(1 for task in progress if task.completed)],
                [_("超期未完成任务"), len(overdue)],
                [_("本季度缺报"), missing],
            ],
        ),
    ]


def register_workplan_dashboard() -> None:
    register(
        Dashboard(
            "workplan",
            gettext_lazy("工作方案进度"),
            gettext_lazy("工作方案各项任务和各责任单位的完成进度、超期和缺报情况。"),
            workplan_panels,
        )
    )
