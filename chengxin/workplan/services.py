"""Changes to the work plan, each in one transaction with its audit event (docs/workplan.md).

A refusal raises ``DomainError`` before anything is written: 403 for a role that may not act,
422 naming the field for bad input, 409 for a plan that exists already.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from decimal import Decimal, InvalidOperation
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from chengxin.accounts.choices import DepartmentKind
from chengxin.accounts.models import Department
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import field_refusal, text_checked
from chengxin.dueprocess.attachments import IncomingFile, attachment_add, attachments_checked
from chengxin.workplan import error_codes, limits
from chengxin.workplan.choices import ReportStatus, UnitGroup
from chengxin.workplan.loading import PlanDocument
from chengxin.workplan.models import (
    AssessmentScore,
    InspectionNote,
    Plan,
    ProgressReport,
    Responsibility,
    Safeguard,
    Section,
    Task,
)
from chengxin.workplan.periods import Quarter
from chengxin.workplan.permissions import can_manage, can_report
from chengxin.workplan.selectors import report_attachments

REPORT_CASE_TYPE = "workplan.report"


# --- loading a plan -------------------------------------------------------------------------


def plan_load(*, actor, document: PlanDocument) -> Plan:
    """Write a checked plan file: the plan, its sections and tasks in the file's order, each
    task's responsible departments (the first named unit leads; ``@districts`` stands for every
    county-level government), and the safeguard measures. A plan whose code exists is refused
    (409) and nothing is written. ``actor`` is ``None`` for ``chengxin seed``. Audited
    ``create``."""
    if actor is not None and not can_manage(actor):
        raise _role_required()
    districts = list(
        Department.objects.filter(kind=DepartmentKind.DISTRICT, is_active=True).order_by("code")
    )
    departments = {department.code: department for department in Department.objects.all()}
    with transaction.atomic():
        if Plan.objects.filter(code=document.code).exists():
            raise DomainError(
                code=error_codes.WORKPLAN_PLAN_EXISTS,
                message=_("代码为“%(code)s”的工作方案已导入。") % {"code": document.code},
                message_en=f"A plan with code {document.code} is already loaded.",
                status=409,
            )
        plan = Plan.objects.create(
            code=document.code,
            title=document.title,
            issuer=document.issuer,
            document_no=document.document_no,
            issued_on=document.issued_on,
            level=document.level,
            loaded_by=_user_or_none(actor),
        )
        _write_tasks(plan, document, departments, districts)
        _write_safeguards(plan, document, departments, districts)
        _audit(
            actor,
            AuditAction.CREATE,
            "workplan_plan",
            plan.pk,
            {
                "code": plan.code,
                "tasks": document.task_count,
                "measures": len(document.safeguards),
            },
        )
    return plan


def _unit_departments(
    names: Sequence[str], document: PlanDocument, departments, districts
) -> tuple[list[Department], bool]:
    """The departments of a list of unit names in their order, without repeats, and whether
    the list names other departments in general."""
    found: list[Department] = []
    others = False
    for name in names:
        target = document.units[name]
        if target == UnitGroup.OTHER_DEPARTMENTS:
            others = True
            continue
        group = districts if target == UnitGroup.COUNTY_GOVERNMENTS else [departments[target]]
        found.extend(department for department in group if department not in found)
    return found, others


def _write_tasks(plan: Plan, document: PlanDocument, departments, districts) -> None:
    position = 0
    responsibilities = []
    for section_position, entry in enumerate(document.sections, start=1):
        section = Section.objects.create(
            plan=plan, number=entry.number, title=entry.title, position=section_position
        )
        for task_entry in entry.tasks:
            position += 1
            units, others = _unit_departments(task_entry.units, document, departments, districts)
            task = Task.objects.create(
                plan=plan,
                section=section,
                number=task_entry.number,
                title=task_entry.title,
                summary=task_entry.summary,
                deadline_kind=task_entry.deadline.kind,
                deadline=task_entry.deadline.date,
                deadline_text=task_entry.deadline.text,
                units_as_written=list(task_entry.units),
                includes_other_departments=others,
                lead=units[0] if units else None,
                position=position,
            )
            responsibilities += [
                Responsibility(task=task, department=unit, is_lead=index == 0, position=index)
                for index, unit in enumerate(units)
            ]
    Responsibility.objects.bulk_create(responsibilities)


def _write_safeguards(plan: Plan, document: PlanDocument, departments, districts) -> None:
    for position, entry in enumerate(document.safeguards, start=1):
        safeguard = Safeguard.objects.create(
            plan=plan,
            number=entry.number,
            title=entry.title,
            summary=entry.summary,
            units_as_written=list(entry.units),
            position=position,
        )
        units, _others = _unit_departments(entry.units, document, departments, districts)
        safeguard.departments.set(units)


# --- progress reports -----------------------------------------------------------------------


def report_submit(
    *,
    actor,
    task: Task,
    year: int,
    quarter: int,
    percent: int,
    status: str,
    text: str,
    files: Sequence[IncomingFile] = (),
    today: datetime.date | None = None,
) -> ProgressReport:
    """A unit's progress report on ``task`` for a quarter that has begun (from the plan's year
    on). The actor's department must answer for the task. Sent again for the same quarter, the
    report is replaced and its attachments added to (audited ``update``); else audited
    ``create``. Attachments are checked like due-process files (PDF, JPEG, PNG)."""
    department = _reporting_department(actor, task)
    period = _period(task.plan, year, quarter, today or timezone.localdate())
    values = {
        "percent": _percent(percent),
        "status": _status(status),
        "text": _required_text(text, limits.REPORT_TEXT),
    }
    with transaction.atomic():
        report = (
            ProgressReport.objects.select_for_update()
            .filter(task=task, department=department, year=period.year, quarter=period.quarter)
            .first()
        )
        existing = _attachment_count(report)
        checked = attachments_checked(list(files), already=existing) if files else []
        action = AuditAction.UPDATE if report else AuditAction.CREATE
        if report is None:
            report = ProgressReport(
                task=task, department=department, year=period.year, quarter=period.quarter
            )
        for name, value in values.items():
            setattr(report, name, value)
        report.submitted_by = actor
        report.save()
        for file in checked:
            attachment_add(
                case_type=REPORT_CASE_TYPE,
                case_id=str(report.pk),
                subject_index="",
                file=file,
                actor=actor,
            )
        _audit(
            actor,
            action,
            "workplan_report",
            report.pk,
            {
                "task": task.pk,
                "department": department.code,
                "period": period.key,
                "percent": report.percent,
                "status": report.status,
                "attachments": len(checked),
            },
        )
    return report


def _attachment_count(report: ProgressReport | None) -> int:
    if report is None:
        return 0
    return len(report_attachments(report))


def _reporting_department(actor, task: Task) -> Department:
    if not can_report(actor):
        raise _role_required()
    if not Responsibility.objects.filter(task=task, department_id=actor.department_id).exists():
        raise PermissionDeniedError(
            error_codes.WORKPLAN_NOT_RESPONSIBLE,
            _("本单位不是该任务的责任单位，不能报送进展。"),
            "Your department is not responsible for this task.",
        )
    return actor.department


def _period(plan: Plan, year, quarter, today: datetime.date) -> Quarter:
    first_year = plan.issued_on.year if plan.issued_on else 2000
    try:
        period = Quarter(int(year), int(quarter))
    except (TypeError, ValueError):
        period = Quarter(0, 0)
    if not (1 <= period.quarter <= 4 and first_year <= period.year <= today.year) or (
        period.first_day > today
    ):
        raise _field(
            "quarter",
            error_codes.WORKPLAN_PERIOD_INVALID,
            _("报告期应为方案印发当年至今已开始的季度。"),
            "The period must be a quarter that has begun, from the plan's year on.",
        )
    return period


def _percent(value) -> int:
    try:
        number = int(value)
    except (TypeError, ValueError):
        number = -1
    if not 0 <= number <= 100:
        raise _field(
            "percent",
            error_codes.WORKPLAN_PERCENT_INVALID,
            _("完成进度应为0至100之间的整数。"),
            "The percentage must be a whole number from 0 to 100.",
        )
    return number


def _status(value: str) -> str:
    if value not in ReportStatus.values:
        raise _field(
            "status",
            error_codes.WORKPLAN_STATUS_INVALID,
            _("请选择状态。"),
            "Choose a status.",
        )
    return value


# --- the credit office's notes and scores ---------------------------------------------------


def note_add(
    *,
    actor,
    plan: Plan,
    written_on: datetime.date,
    text: str,
    task: Task | None = None,
    department: Department | None = None,
) -> InspectionNote:
    """An inspection note (督促检查) on the plan, one of its tasks or a unit. Audited
    ``create``."""
    if not can_manage(actor):
        raise _role_required()
    if task is not None and task.plan_id != plan.pk:
        raise _field(
            "task",
            error_codes.WORKPLAN_NOT_FOUND,
            _("该任务不属于本方案。"),
            "The task is not part of this plan.",
        )
    text = _required_text(text, limits.NOTE_TEXT)
    with transaction.atomic():
        note = InspectionNote.objects.create(
            plan=plan,
            task=task,
            department=department,
            written_on=written_on,
            text=text,
            author=actor,
        )
        _audit(
            actor,
            AuditAction.CREATE,
            "workplan_note",
            note.pk,
            {
                "plan": plan.code,
                "task": task.pk if task else None,
                "department": department.code if department else "",
            },
        )
    return note


def score_set(
    *, actor, plan: Plan, department: Department, year: int, score, comment: str = ""
) -> AssessmentScore:
    """Set a unit's assessment score (0–100, one decimal) for a year of the plan; a second
    score for the same unit and year replaces the first (audited ``update`` with the old and
    new score), else audited ``create``."""
    if not can_manage(actor):
        raise _role_required()
    value = _score(score)
    year = _year(plan, year)
    comment = text_checked(comment, limits.COMMENT)
    with transaction.atomic():
        found = (
            AssessmentScore.objects.select_for_update()
            .filter(plan=plan, department=department, year=year)
            .first()
        )
        before = str(found.score) if found else None
        if found is None:
            found = AssessmentScore(plan=plan, department=department, year=year)
        found.score, found.comment, found.scored_by = value, comment, actor
        found.save()
        _audit(
            actor,
            AuditAction.UPDATE if before is not None else AuditAction.CREATE,
            "workplan_score",
            found.pk,
            {
                "plan": plan.code,
                "department": department.code,
                "year": year,
                "score": str(value),
                "before": before,
            },
        )
    return found


def _score(value) -> Decimal:
    try:
        number = Decimal(str(value)).quantize(Decimal("0.1"))
    except (InvalidOperation, ValueError):
        number = Decimal(-1)
    if not Decimal(0) <= number <= Decimal(100):
        raise _field(
            "score",
            error_codes.WORKPLAN_SCORE_INVALID,
            _("考核得分应为0至100之间的数，最多一位小数。"),
            "The score must be a number from 0 to 100 with at most one decimal.",
        )
    return number


def _year(plan: Plan, year) -> int:
    first = plan.issued_on.year if plan.issued_on else 2000
    try:
        number = int(year)
    except (TypeError, ValueError):
        number = 0
    if not first <= number <= timezone.localdate().year:
        raise _field(
            "year",
            error_codes.WORKPLAN_YEAR_INVALID,
            _("考核年度应在方案印发当年至今年之间。"),
            "The year must lie between the plan's year and this year.",
        )
    return number


# --- helpers --------------------------------------------------------------------------------


def _required_text(value: str, field) -> str:
    text = text_checked(value, field)
    if not text:
        raise _field(
            field.name,
            error_codes.WORKPLAN_FIELD_REQUIRED,
            _("请填写“%(label)s”。") % {"label": field.label},
            f"{field.name} is required.",
        )
    return text


def _field(name: str, code: str, message: str, message_en: str) -> DomainError:
    return field_refusal(
        [{"field": name, "code": code, "message": message, "message_en": message_en}]
    )


def _role_required() -> PermissionDeniedError:
    return PermissionDeniedError(
        error_codes.WORKPLAN_ROLE_REQUIRED,
        _("只有信用办可以管理工作方案，只有责任单位可以报送进展。"),
        "Only the credit office manages the work plan; only responsible units report.",
    )


def _audit(actor, action: str, object_type: str, object_id, detail: dict[str, Any]) -> None:
    audit_events.change_event(
        actor=_user_or_none(actor),
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
