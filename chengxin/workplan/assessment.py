"""The annual assessment of the responsible units (docs/workplan.md, "Assessment"): per unit
for a year of a plan, the tasks it answers for and leads, those it had completed by the end of
the year, those overdue, its mean progress, the reports it sent in the year, the quarterly
reports it did not send, and the credit office's score. Exported as XLSX (openpyxl) and PDF
(reportlab, ``core.pdf``)."""

from __future__ import annotations

import datetime
import io
from dataclasses import dataclass

from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font
from reportlab.lib.units import mm
from reportlab.platypus import Paragraph, Spacer, Table

from chengxin.collection.exports import neutralise_cell
from chengxin.core import pdf
from chengxin.workplan.models import Plan, ProgressReport
from chengxin.workplan.periods import Quarter, quarters_of_year
from chengxin.workplan.selectors import department_progress, progress_of_plan, scores_of_year


@dataclass(frozen=True)
class AssessmentRow:
    department_code: str
    department: str
    tasks: int
    led: int
    completed: int
    overdue: int
    percent: float
    reports: int
    missing: int
    score: str
    comment: str


def assessment_rows(*, plan: Plan, year: int, today: datetime.date) -> list[AssessmentRow]:
    """The assessment of ``year``: figures as of the year's end (or today, for this year)."""
    as_of = min(today, datetime.date(year, 12, 31))
    quarters = quarters_of_year(year, today=as_of)
    last = quarters[-1] if quarters else Quarter(year, 1)
    units = department_progress(progress_of_plan(plan=plan, period=last), today=as_of)
    missing: dict[int, int] = {}
    for quarter in quarters:
        if quarter.last_day > as_of:
            continue  # a quarter still running is not missing yet
        for task in progress_of_plan(plan=plan, period=quarter):
            for unit in task.missing_units:
                missing[unit.department.pk] = missing.get(unit.department.pk, 0) + 1
    sent: dict[int, int] = {}
    for department_id in ProgressReport.objects.filter(task__plan=plan, year=year).values_list(
        "department_id", flat=True
    ):
        sent[department_id] = sent.get(department_id, 0) + 1
    scores = scores_of_year(plan=plan, year=year)
    return [
        AssessmentRow(
            department_code=row.department.code,
            department=row.department.name,
            tasks=row.tasks,
            led=row.led,
            completed=row.completed,
            overdue=row.overdue,
            percent=row.percent,
            reports=sent.get(row.department.pk, 0),
            missing=missing.get(row.department.pk, 0),
            score=str(scores[row.department.pk].score) if row.department.pk in scores else "",
            comment=scores[row.department.pk].comment if row.department.pk in scores else "",
        )
        for row in units
    ]


def assessment_columns() -> list[str]:
    return [
        _("单位"),
        _("负责任务"),
        _("牵头任务"),
        _("已完成"),
        _("超期未完成"),
        _("平均进度（%）"),
        _("本年报告"),
        _("缺报（季度）"),
        _("考核得分"),
        _("考核说明"),
    ]


def _values(row: AssessmentRow) -> list:
    return [
        row.department,
        row.tasks,
        row.led,
        row.completed,
        row.overdue,
        row.percent,
        row.reports,
        row.missing,
        row.score,
        row.comment,
    ]


def _title(plan: Plan, year: int) -> str:
    return _("%(plan)s %(year)d年度责任单位考核") % {"plan": plan.title, "year": year}


def assessment_xlsx(*, plan: Plan, year: int, rows: list[AssessmentRow]) -> bytes:
    """The assessment as a workbook: a title row, the header, one row per unit. Text cells
    that a spreadsheet would run as formulas are neutralised."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = str(year)
    sheet.append([_title(plan, year)])
    sheet["A1"].font = Font(bold=True, size=14)
    sheet.append(assessment_columns())
    for cell in sheet[2]:
        cell.font = Font(bold=True)
    for row in rows:
        values = _values(row)
        values[0], values[-1] = neutralise_cell(values[0]), neutralise_cell(values[-1])
        if row.score:
            values[8] = float(row.score)
        sheet.append(values)
    sheet.column_dimensions["A"].width = 36
    sheet.column_dimensions["J"].width = 48
    for line in sheet.iter_rows(min_row=3):
        line[-1].alignment = Alignment(wrap_text=True, vertical="top")
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def assessment_pdf(*, plan: Plan, year: int, rows: list[AssessmentRow]) -> bytes:
    """The assessment as an A4 landscape PDF in the built-in Chinese font."""
    buffer = io.BytesIO()
    document = pdf.document(buffer, title=_title(plan, year), landscape=True)
    header = [pdf.cell(text, pdf.SMALL) for text in assessment_columns()]
    body = [[pdf.cell(str(value), pdf.SMALL) for value in _values(row)] for row in rows]
    widths = [62 * mm, 17 * mm, 17 * mm, 17 * mm, 19 * mm, 21 * mm, 17 * mm, 19 * mm, 17 * mm]
    widths.append(267 * mm - sum(widths))
    table = Table([header, *body], colWidths=widths, repeatRows=1)
    table.setStyle(pdf.GRID)
    subtitle = _("印发机关：%(issuer)s　文号：%(number)s") % {
        "issuer": plan.issuer or "—",
        "number": plan.document_no or "—",
    }
    story = [
        Paragraph(pdf.escape(_title(plan, year)), pdf.TITLE),
        Spacer(1, 3 * mm),
        pdf.cell(subtitle),
        Spacer(1, 3 * mm),
        table if rows else pdf.cell(_("本年度没有责任单位。")),
    ]
    document.build(story)
    return buffer.getvalue()
