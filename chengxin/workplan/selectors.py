"""Reads of the work plan, the viewer always a parameter (docs/workplan.md).

Progress is computed from the latest report of each responsible unit on each task: a task's
completion is the mean of its units' latest percentages (a unit that has not reported counts
0), and it is complete when every unit's latest report says completed. A task is overdue when
its deadline has passed and it is not complete. A report is missing for a quarter when a unit
answering for a task has not reported on it for that quarter and had not completed it before.

Every function reads a fixed number of queries, whatever the plan's size.
"""

from __future__ import annotations

import datetime
from collections import defaultdict
from dataclasses import dataclass, field

from django.core.exceptions import ObjectDoesNotExist
from django.db.models import Q
from django.utils.translation import gettext as _

from chengxin.accounts.choices import DepartmentKind
from chengxin.accounts.models import Department
from chengxin.core.errors import NotFoundError, PermissionDeniedError
from chengxin.dueprocess.models import Attachment
from chengxin.workplan import error_codes
from chengxin.workplan.choices import ReportStatus
from chengxin.workplan.models import (
    AssessmentScore,
    InspectionNote,
    Plan,
    ProgressReport,
    Responsibility,
    Safeguard,
    Task,
)
from chengxin.workplan.periods import Quarter
from chengxin.workplan.permissions import can_open, can_oversee

REPORT_CASE_TYPE = "workplan.report"


def _not_found() -> NotFoundError:
    return NotFoundError(
        error_codes.WORKPLAN_NOT_FOUND,
        _("没有找到该工作方案或任务。"),
        "No such plan or task.",
    )


def _check_open(viewer) -> None:
    if not can_open(viewer):
        raise PermissionDeniedError(
            error_codes.WORKPLAN_ROLE_REQUIRED,
            _("工作方案只对信用办、系统管理员、审计管理员和各责任单位开放。"),
            "The work plan is open to the credit office, the admin, the auditor and the units.",
        )


def plans_visible_to(*, viewer) -> list[Plan]:
    _check_open(viewer)
    return list(Plan.objects.order_by("-issued_on", "code"))


def plan_for(*, viewer, code: str = "") -> Plan | None:
    """The plan named by ``code``, or the latest issued when none is named; ``None`` when no
    plan is loaded."""
    _check_open(viewer)
    plans = Plan.objects.order_by("-issued_on", "-pk")
    if not code:
        return plans.first()
    found = plans.filter(code=code[:64]).first()
    if found is None:
        raise _not_found()
    return found


def task_get(*, viewer, task_id: int) -> Task:
    _check_open(viewer)
    try:
        return Task.objects.select_related("plan", "section", "lead").get(pk=task_id)
    except ObjectDoesNotExist:
        raise _not_found() from None


def department_visible(*, viewer, code: str) -> Department:
    """A unit whose progress ``viewer`` may see: any for the credit office, its own for a
    department (another's is not found)."""
    _check_open(viewer)
    found = Department.objects.filter(code=code[:64]).first()
    if found is None or not (can_oversee(viewer) or found.pk == viewer.department_id):
        raise _not_found()
    return found


@dataclass
class UnitProgress:
    """One responsible unit on one task: its latest report (any quarter) and whether it
    reported in the quarter asked about."""

    department: Department
    is_lead: bool
    latest: ProgressReport | None = None
    reported_in_period: bool = False

    @property
    def percent(self) -> int:
        return self.latest.percent if self.latest else 0

    @property
    def completed(self) -> bool:
        return self.latest is not None and self.latest.status == ReportStatus.COMPLETED

    @property
    def missing(self) -> bool:
        return not self.reported_in_period and not self.completed


@dataclass
class TaskProgress:
    task: Task
    units: list[UnitProgress] = field(default_factory=list)

    @property
    def percent(self) -> float:
        if not self.units:
            return 0.0
        return round(sum(unit.percent for unit in self.units) / len(self.units), 1)

    @property
    def completed(self) -> bool:
        return bool(self.units) and all(unit.completed for unit in self.units)

    def is_overdue(self, today: datetime.date) -> bool:
        deadline = self.task.deadline
        return deadline is not None and deadline < today and not self.completed

    @property
    def missing_units(self) -> list[UnitProgress]:
        return [unit for unit in self.units if unit.missing]


def plan_progress(*, viewer, plan: Plan, period: Quarter) -> list[TaskProgress]:
    """Every task of ``plan`` in the plan's order with its units' progress up to ``period``
    (reports of later quarters are left out). Three queries."""
    _check_open(viewer)
    return progress_of_plan(plan=plan, period=period)


def progress_of_plan(*, plan: Plan, period: Quarter) -> list[TaskProgress]:
    """``plan_progress`` without a viewer, for the dashboards' aggregate figures (units and
    percentages, no personal data); the dashboards check who may see which department."""
    tasks = list(Task.objects.filter(plan=plan).select_related("section", "lead"))
    progress = {task.pk: TaskProgress(task) for task in tasks}
    responsibilities = Responsibility.objects.filter(task__plan=plan).select_related("department")
    units: dict[tuple[int, int], UnitProgress] = {}
    for responsibility in responsibilities.order_by("task_id", "position"):
        unit = UnitProgress(responsibility.department, responsibility.is_lead)
        units[(responsibility.task_id, responsibility.department_id)] = unit
        progress[responsibility.task_id].units.append(unit)
    for report in _reports_up_to(plan, period):
        unit = units.get((report.task_id, report.department_id))
        if unit is None:
            continue
        if unit.latest is None:
            unit.latest = report
        if (report.year, report.quarter) == (period.year, period.quarter):
            unit.reported_in_period = True
    return [progress[task.pk] for task in tasks]


def _reports_up_to(plan: Plan, period: Quarter):
    """The plan's reports up to ``period``, newest quarter first."""
    reports = ProgressReport.objects.filter(task__plan=plan, year__lte=period.year).exclude(
        year=period.year, quarter__gt=period.quarter
    )
    return reports.order_by("-year", "-quarter", "-pk")


@dataclass
class DepartmentProgress:
    department: Department
    tasks: int = 0
    led: int = 0
    completed: int = 0
    overdue: int = 0
    missing: int = 0
    percent_total: float = 0.0
    score: AssessmentScore | None = None

    @property
    def percent(self) -> float:
        return round(self.percent_total / self.tasks, 1) if self.tasks else 0.0


def department_progress(
    progress: list[TaskProgress], *, today: datetime.date
) -> list[DepartmentProgress]:
    """Per unit, from ``plan_progress``: tasks it answers for (and leads), completed by it,
    overdue and not completed by it, missing reports, mean of its latest percentages. No
    query. Ordered as a supervisor reads them: city units before the county-level governments,
    each by the number of tasks it answers for (most first), then by code."""
    rows: dict[int, DepartmentProgress] = {}
    for task in progress:
        overdue_date = task.task.deadline is not None and task.task.deadline < today
        for unit in task.units:
            row = rows.setdefault(unit.department.pk, DepartmentProgress(unit.department))
            row.tasks += 1
            row.led += int(unit.is_lead)
            row.completed += int(unit.completed)
            row.overdue += int(overdue_date and not unit.completed)
            row.missing += int(unit.missing)
            row.percent_total += unit.percent
    return sorted(
        rows.values(),
        key=lambda row: (
            row.department.kind == DepartmentKind.DISTRICT,
            -row.tasks,
            row.department.code,
        ),
    )


def progress_visible_to(progress: list[TaskProgress], *, viewer) -> list[TaskProgress]:
    """The tasks ``viewer`` follows: all for the credit office, its department's for a unit."""
    if can_oversee(viewer):
        return progress
    return [
        task
        for task in progress
        if any(unit.department.pk == viewer.department_id for unit in task.units)
    ]


def task_reports(*, viewer, task: Task) -> list[ProgressReport]:
    """The reports on ``task`` that ``viewer`` may read: every unit's for the credit office,
    its own unit's for a department."""
    _check_open(viewer)
    reports = ProgressReport.objects.filter(task=task).select_related("department")
    if not can_oversee(viewer):
        reports = reports.filter(department_id=viewer.department_id)
    return list(reports.order_by("-year", "-quarter", "department__code"))


def report_attachments(report: ProgressReport) -> list[Attachment]:
    return list(
        Attachment.objects.filter(case_type=REPORT_CASE_TYPE, case_id=str(report.pk))
        .defer("ciphertext")
        .order_by("created_at")
    )


def attachments_of_reports(reports: list[ProgressReport]) -> dict[int, list[Attachment]]:
    """The attachments of many reports in one query, keyed by report id."""
    found: dict[int, list[Attachment]] = defaultdict(list)
    ids = [str(report.pk) for report in reports]
    for attachment in (
        Attachment.objects.filter(case_type=REPORT_CASE_TYPE, case_id__in=ids)
        .defer("ciphertext")
        .order_by("created_at")
    ):
        found[int(attachment.case_id)].append(attachment)
    return found


def report_attachment_get(*, viewer, report_id: int, attachment_id) -> Attachment:
    """One attachment of a report ``viewer`` may read (see ``task_reports``)."""
    _check_open(viewer)
    report = ProgressReport.objects.filter(pk=report_id).first()
    if report is None or not (can_oversee(viewer) or report.department_id == viewer.department_id):
        raise _not_found()
    found = Attachment.objects.filter(
        pk=attachment_id, case_type=REPORT_CASE_TYPE, case_id=str(report.pk)
    ).first()
    if found is None:
        raise _not_found()
    return found


def notes_visible_to(*, viewer, plan: Plan, task: Task | None = None):
    """Inspection notes: all for the credit office; for a department those on its unit, on
    tasks it answers for, and on the plan as a whole."""
    _check_open(viewer)
    notes = InspectionNote.objects.filter(plan=plan).select_related("task__section", "department")
    if task is not None:
        notes = notes.filter(task=task)
    if not can_oversee(viewer):
        mine = Responsibility.objects.filter(department_id=viewer.department_id).values("task_id")
        general = Q(department__isnull=True)
        notes = notes.filter(
            Q(department_id=viewer.department_id)
            | (general & Q(task__isnull=True))
            | (general & Q(task_id__in=mine))
        )
    return notes.order_by("-written_on", "-pk")


def scores_of_year(*, plan: Plan, year: int) -> dict[int, AssessmentScore]:
    return {
        score.department_id: score
        for score in AssessmentScore.objects.filter(plan=plan, year=year).select_related(
            "scored_by"
        )
    }


def safeguards_of(plan: Plan) -> list[Safeguard]:
    return list(Safeguard.objects.filter(plan=plan).prefetch_related("departments"))


def plan_years(plan: Plan, *, today: datetime.date) -> list[int]:
    first = plan.issued_on.year if plan.issued_on else today.year
    return list(range(today.year, first - 1, -1))


def reminders_for(*, viewer, limit: int = 5) -> list:
    """The latest work-plan reminders in ``viewer``'s inbox (staff have no inbox page of their
    own: the work-plan overview shows these)."""
    from chengxin.accounts.choices import NoticeKind
    from chengxin.accounts.selectors import notice_list_for

    return list(
        notice_list_for(user=viewer).filter(
            kind=NoticeKind.DEADLINE, link__startswith="/staff/workplan/"
        )[:limit]
    )
