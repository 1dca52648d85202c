"""Staff pages of the work plan under /staff/workplan/ (docs/workplan.md, "Pages").

The credit office, the admin and the auditor see every task and unit; a department's staff
see the tasks it answers for and report on them. Reviewers write inspection notes and scores
and export the annual assessment. Everyone else gets 403. A refusal comes back on the form
that was sent, with the field it names marked.
"""

from __future__ import annotations

import re

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET, require_http_methods, require_POST

from chengxin.accounts.decorators import staff_required
from chengxin.core.audit.events import export_event
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.pages import found_or_404
from chengxin.core.paging import page_of
from chengxin.dueprocess.attachments import IncomingFile, attachment_open
from chengxin.workplan import limits, selectors, services
from chengxin.workplan.assessment import (
    assessment_columns,
    assessment_pdf,
    assessment_rows,
    assessment_xlsx,
)
from chengxin.workplan.forms import NoteForm, PlanFileForm, ReportForm, ScoreForm
from chengxin.workplan.loading import PlanFileError, plan_document_read
from chengxin.workplan.periods import Quarter
from chengxin.workplan.permissions import can_manage, can_open, can_oversee, can_report
from chengxin.workplan.workbook import workbook_template

_PERIOD = re.compile(r"^(\d{4})Q([1-4])$")
XLSX_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


def _opener(request: HttpRequest) -> None:
    if not can_open(request.user):
        raise PermissionDenied


def _overseer(request: HttpRequest) -> None:
    if not can_oversee(request.user):
        raise PermissionDenied


def _manager(request: HttpRequest) -> None:
    if not can_manage(request.user):
        raise PermissionDenied


def _period(request: HttpRequest) -> Quarter:
    """The quarter of ``?period=2026Q3``; this quarter when absent or not a quarter."""
    found = _PERIOD.match(request.GET.get("period", "")[:8])
    today = Quarter.of(timezone.localdate())
    if found is None:
        return today
    return min(Quarter(int(found[1]), int(found[2])), today)


def _context(request: HttpRequest):
    """The plan (``?plan=code``) and the period the page is about, and the choices of both."""
    plan = found_or_404(selectors.plan_for, viewer=request.user, code=request.GET.get("plan", ""))
    period = _period(request)
    today = timezone.localdate()
    periods = []
    if plan is not None:
        for year in selectors.plan_years(plan, today=today):
            periods += [Quarter(year, number) for number in (4, 3, 2, 1)]
        periods = [quarter for quarter in periods if quarter.first_day <= today]
    return {
        "plan": plan,
        "plans": selectors.plans_visible_to(viewer=request.user),
        "period": period,
        "periods": periods[:40],
        "today": today,
        "can_manage": can_manage(request.user),
        "can_oversee": can_oversee(request.user),
    }


def _progress(request: HttpRequest, context: dict):
    if context["plan"] is None:
        return []
    progress = selectors.plan_progress(
        viewer=request.user, plan=context["plan"], period=context["period"]
    )
    return selectors.progress_visible_to(progress, viewer=request.user)


def _no_plan(request: HttpRequest, context: dict) -> HttpResponse:
    return render(request, "workplan/no_plan.html", context)


@staff_required
@require_GET
def overview(request: HttpRequest) -> HttpResponse:
    """The plan's tasks in its order with completion, deadline and overdue flag; the summary
    counts; the safeguard measures."""
    _opener(request)
    context = _context(request)
    if context["plan"] is None:
        return _no_plan(request, context)
    progress = _progress(request, context)
    today = context["today"]
    mine = None if can_oversee(request.user) else request.user.department_id
    context.update(
        page=page_of(request, progress, per_page=limits.PAGE_SIZE),
        total=len(progress),
        completed=sum(1 for task in progress if task.completed),
        overdue=sum(1 for task in progress if task.is_overdue(today)),
        missing=sum(
            1
            for task in progress
            for unit in task.missing_units
            if mine is None or unit.department.pk == mine
        ),
        safeguards=selectors.safeguards_of(context["plan"]),
        reminders=selectors.reminders_for(viewer=request.user) if mine else [],
    )
    return render(request, "workplan/overview.html", context)


@staff_required
@require_GET
def task_detail(request: HttpRequest, task_id: int) -> HttpResponse:
    _opener(request)
    task = found_or_404(selectors.task_get, viewer=request.user, task_id=task_id)
    return _task_page(request, task)


def _task_page(request, task, *, report_form=None, note_form=None, status=200) -> HttpResponse:
    viewer = request.user
    period = Quarter.of(timezone.localdate())
    progress = next(
        one
        for one in selectors.plan_progress(viewer=viewer, plan=task.plan, period=period)
        if one.task.pk == task.pk
    )
    units = progress.units
    if not can_oversee(viewer):
        units = [unit for unit in units if unit.department.pk == viewer.department_id]
    reports = selectors.task_reports(viewer=viewer, task=task)
    attachments = selectors.attachments_of_reports(reports)
    for report in reports:
        report.files = attachments.get(report.pk, [])
    responsible = can_report(viewer) and any(
        unit.department.pk == viewer.department_id for unit in progress.units
    )
    initial = {"year": period.year, "quarter": period.quarter}
    context = {
        "task": task,
        "plan": task.plan,
        "progress": progress,
        "units": units,
        "reports": reports,
        "notes": selectors.notes_visible_to(viewer=viewer, plan=task.plan, task=task),
        "may_report": responsible,
        "report_form": report_form or (ReportForm(initial=initial) if responsible else None),
        "note_form": note_form
        or (NoteForm(plan=task.plan, initial={"task": task}) if can_manage(viewer) else None),
        "overdue": progress.is_overdue(timezone.localdate()),
    }
    return render(request, "workplan/task_detail.html", context, status=status)


@staff_required
@require_POST
def report_submit(request: HttpRequest, task_id: int) -> HttpResponse:
    """A unit's quarterly report on a task, with attachments."""
    if not can_report(request.user):
        raise PermissionDenied
    task = found_or_404(selectors.task_get, viewer=request.user, task_id=task_id)
    form = ReportForm(request.POST, request.FILES)
    if not form.is_valid():
        return _task_page(request, task, report_form=form, status=422)
    values = dict(form.cleaned_data)
    uploads = request.FILES.getlist("files")
    values["files"] = [IncomingFile(name=one.name, data=one.read()) for one in uploads]
    try:
        services.report_submit(actor=request.user, task=task, **values)
    except PermissionDeniedError:
        raise PermissionDenied from None
    except DomainError as error:
        form.add_refusal(error)
        return _task_page(request, task, report_form=form, status=error.status)
    messages.success(request, _("进展报告已报送。"))
    return redirect("workplan:task_detail", task_id=task.pk)


@staff_required
@require_GET
def report_attachment(request: HttpRequest, report_id: int, attachment_id) -> HttpResponse:
    _opener(request)
    found = found_or_404(
        selectors.report_attachment_get,
        viewer=request.user,
        report_id=report_id,
        attachment_id=attachment_id,
    )
    response = HttpResponse(attachment_open(found), content_type=found.kind)
    response["Content-Disposition"] = "attachment"
    response["X-Content-Type-Options"] = "nosniff"
    return response


@staff_required
@require_GET
def units(request: HttpRequest) -> HttpResponse:
    """Completion per responsible unit (a department sees its own row)."""
    _opener(request)
    context = _context(request)
    if context["plan"] is None:
        return _no_plan(request, context)
    rows = selectors.department_progress(_progress(request, context), today=context["today"])
    if not can_oversee(request.user):
        rows = [row for row in rows if row.department.pk == request.user.department_id]
    context["page"] = page_of(request, rows, per_page=limits.PAGE_SIZE)
    return render(request, "workplan/units.html", context)


@staff_required
@require_GET
def overdue(request: HttpRequest) -> HttpResponse:
    """Overdue tasks, and the reports missing for the period (a department: its own)."""
    _opener(request)
    context = _context(request)
    if context["plan"] is None:
        return _no_plan(request, context)
    progress = _progress(request, context)
    mine = None if can_oversee(request.user) else request.user.department_id
    missing = [
        (task, unit)
        for task in progress
        for unit in task.missing_units
        if mine is None or unit.department.pk == mine
    ]
    context.update(
        overdue_tasks=[task for task in progress if task.is_overdue(context["today"])],
        page=page_of(request, missing, per_page=limits.PAGE_SIZE),
    )
    return render(request, "workplan/overdue.html", context)


@staff_required
@require_http_methods(["GET", "POST"])
def notes(request: HttpRequest) -> HttpResponse:
    """Inspection notes (督促检查); reviewers write them."""
    _opener(request)
    context = _context(request)
    if context["plan"] is None:
        return _no_plan(request, context)
    plan = context["plan"]
    form = NoteForm(plan=plan) if can_manage(request.user) else None
    status = 200
    if request.method == "POST":
        _manager(request)
        form = NoteForm(request.POST, plan=plan)
        status = 422
        if form.is_valid():
            try:
                services.note_add(actor=request.user, plan=plan, **form.cleaned_data)
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                messages.success(request, _("督促检查意见已登记。"))
                return redirect(f"{request.path}?plan={plan.code}")
    rows = selectors.notes_visible_to(viewer=request.user, plan=plan)
    context.update(page=page_of(request, rows, per_page=limits.PAGE_SIZE), form=form)
    return render(request, "workplan/notes.html", context, status=status)


def _year(request: HttpRequest, plan) -> int:
    years = selectors.plan_years(plan, today=timezone.localdate())
    text = request.GET.get("year", "")[:4]
    return int(text) if text.isdigit() and int(text) in years else years[0]


@staff_required
@require_http_methods(["GET", "POST"])
def assessment(request: HttpRequest) -> HttpResponse:
    """The annual assessment of the units, with the score form for reviewers."""
    _overseer(request)
    context = _context(request)
    if context["plan"] is None:
        return _no_plan(request, context)
    plan = context["plan"]
    year = _year(request, plan)
    form = ScoreForm(plan=plan, initial={"year": year}) if can_manage(request.user) else None
    status = 200
    if request.method == "POST":
        _manager(request)
        form = ScoreForm(request.POST, plan=plan)
        status = 422
        if form.is_valid():
            try:
                services.score_set(actor=request.user, plan=plan, **form.cleaned_data)
            except DomainError as error:
                form.add_refusal(error)
                status = error.status
            else:
                messages.success(request, _("考核得分已保存。"))
                chosen = form.cleaned_data["year"]
                return redirect(f"{request.path}?plan={plan.code}&year={chosen}")
    rows = assessment_rows(plan=plan, year=year, today=context["today"])
    context.update(
        year=year,
        years=selectors.plan_years(plan, today=context["today"]),
        columns=assessment_columns(),
        page=page_of(request, rows, per_page=limits.PAGE_SIZE),
        form=form,
    )
    return render(request, "workplan/assessment.html", context, status=status)


def _export(request: HttpRequest, year: int, kind: str) -> HttpResponse:
    _overseer(request)
    context = _context(request)
    plan = context["plan"]
    if plan is None or year not in selectors.plan_years(plan, today=context["today"]):
        raise Http404
    rows = assessment_rows(plan=plan, year=year, today=context["today"])
    draw = assessment_xlsx if kind == "xlsx" else assessment_pdf
    content = draw(plan=plan, year=year, rows=rows)
    with transaction.atomic():
        export_event(
            actor=request.user,
            object_type="workplan_assessment",
            object_id=f"{plan.code}/{year}",
            detail={"format": kind, "rows": len(rows)},
            request=request,
        )
    response = HttpResponse(
        content, content_type=XLSX_TYPE if kind == "xlsx" else "application/pdf"
    )
    response["Content-Disposition"] = f'attachment; filename="{plan.code}-{year}-assessment.{kind}"'
    return response


@staff_required
@require_GET
def assessment_xlsx_view(request: HttpRequest, year: int) -> HttpResponse:
    return _export(request, year, "xlsx")


@staff_required
@require_GET
def assessment_pdf_view(request: HttpRequest, year: int) -> HttpResponse:
    return _export(request, year, "pdf")


@staff_required
@require_http_methods(["GET", "POST"])
def plan_load(request: HttpRequest) -> HttpResponse:
    """Load a plan file (JSON or XLSX) as ``chengxin workplan load`` does; every problem of a
    refused file is listed and nothing is written."""
    _manager(request)
    form = PlanFileForm(request.POST or None, request.FILES or None)
    problems: list[dict[str, str]] = []
    status = 200
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        status = 422
        try:
            document = plan_document_read(upload.read(), name=upload.name[:100])
            plan = services.plan_load(actor=request.user, document=document)
        except PlanFileError as error:
            problems = error.errors
        except DomainError as error:
            problems, status = (
                [{"where": upload.name[:100], "message": error.message}],
                error.status,
            )
        else:
            messages.success(request, _("工作方案已导入。"))
            return redirect(f"{reverse('workplan:overview')}?plan={plan.code}")
    elif request.method == "POST":
        status = 422
    context = {
        "form": form,
        "problems": problems,
        "plans": selectors.plans_visible_to(viewer=request.user),
        "can_manage": True,
        "can_oversee": can_oversee(request.user),
    }
    return render(request, "workplan/plan_load.html", context, status=status)


@staff_required
@require_GET
def plan_template(request: HttpRequest) -> HttpResponse:
    """The XLSX shape of a plan file, with one example row per sheet."""
    _manager(request)
    response = HttpResponse(workbook_template(), content_type=XLSX_TYPE)
    response["Content-Disposition"] = 'attachment; filename="workplan-template.xlsx"'
    return response
