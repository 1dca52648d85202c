"""Reports, notes, scores, reminders and the annual assessment, on the real database."""

from __future__ import annotations

import datetime
import io
from decimal import Decimal

import pytest
from openpyxl import load_workbook

from chengxin.accounts.choices import NoticeKind, Role
from chengxin.accounts.models import Department, Notice
from chengxin.accounts.tests.factories import staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.core.services import policy_value_set
from chengxin.dueprocess.attachments import IncomingFile
from chengxin.workplan.assessment import assessment_pdf, assessment_rows, assessment_xlsx
from chengxin.workplan.choices import ReminderKind, ReportStatus
from chengxin.workplan.models import AssessmentScore, InspectionNote, ProgressReport, Reminder
from chengxin.workplan.periods import Quarter
from chengxin.workplan.reminders import workplan_remind
from chengxin.workplan.selectors import (
    department_progress,
    notes_visible_to,
    plan_progress,
    reminders_for,
)
from chengxin.workplan.services import note_add, report_submit, score_set
from chengxin.workplan.tests.factories import small_plan, task_numbered

pytestmark = pytest.mark.django_db
TODAY = datetime.date(2024, 11, 20)
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"


def _court(**extra):
    return staff_user(Role.OFFICER, department=Department.objects.get(code="court"), **extra)


def _report(user, task, *, quarter=4, percent=50, status=ReportStatus.IN_PROGRESS, **extra):
    return report_submit(
        actor=user,
        task=task,
        year=2024,
        quarter=quarter,
        percent=percent,
        status=status,
        text="已开展专项工作。",
        today=TODAY,
        **extra,
    )


def test_a_unit_reports_and_a_second_report_for_the_quarter_replaces_it():
    # given
    plan = small_plan()
    task = task_numbered(plan, 1)
    officer = staff_user(Role.OFFICER, username="tax-officer")
    # when
    first = _report(officer, task, files=[IncomingFile(name="证明.pdf", data=PDF)])
    second = _report(officer, task, percent=100, status=ReportStatus.COMPLETED)
    # then
    assert first.pk == second.pk
    assert ProgressReport.objects.get().percent == 100
    assert [event.action for event in AuditEvent.objects.filter(object_type="workplan_report")] == [
        "create",
        "update",
    ]
    assert AuditEvent.objects.filter(object_type="workplan_report").first().detail == {
        "task": task.pk,
        "department": "tax",
        "period": "2024Q4",
        "percent": 50,
        "status": "in_progress",
        "attachments": 1,
    }


def test_a_unit_not_responsible_is_refused_and_nothing_is_written():
    # given
    plan = small_plan()
    officer = staff_user(Role.OFFICER, username="tax-officer")
    # when
    with pytest.raises(DomainError) as refused:
        _report(officer, task_numbered(plan, 2))
    # then
    assert refused.value.status == 403
    assert ProgressReport.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="workplan_report").exists()


@pytest.mark.parametrize(
    ("changes", "field"),
    [
        ({"percent": 101}, "percent"),
        ({"quarter": 1, "year": 2025}, "quarter"),
        ({"year": 2023}, "quarter"),
        ({"status": "done"}, "status"),
        ({"text": "x" * 2001}, "text"),
        ({"text": "  "}, "text"),
        ({"files": [IncomingFile(name="a.exe", data=b"MZ\x90")]}, "attachments[0]"),
    ],
)
def test_bad_report_values_are_refused_naming_the_field(changes, field):
    # given
    plan = small_plan()
    officer = staff_user(Role.OFFICER, username="tax-officer")
    values = {
        "year": 2024,
        "quarter": 4,
        "percent": 10,
        "status": ReportStatus.IN_PROGRESS,
        "text": "进展。",
        **changes,
    }
    # when
    with pytest.raises(DomainError) as refused:
        report_submit(actor=officer, task=task_numbered(plan, 1), today=TODAY, **values)
    # then
    assert refused.value.status == 422
    assert refused.value.details["errors"][0]["field"] == field
    assert ProgressReport.objects.count() == 0


def test_completion_per_task_and_unit_overdue_and_missing():
    # given: tax completed task 1, the court has not reported on it nor on task 2
    plan = small_plan()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    _report(staff_user(Role.OFFICER, username="tax"), task_numbered(plan, 1), percent=100,
            status=ReportStatus.COMPLETED)  # fmt: skip
    _report(_court(username="court"), task_numbered(plan, 2), quarter=3, percent=40)
    # when
    progress = plan_progress(viewer=reviewer, plan=plan, period=Quarter(2024, 4))
    units = department_progress(progress, today=datetime.date(2025, 1, 5))
    # then
    assert [(row.task.number, row.percent, row.completed) for row in progress] == [
        (1, 50.0, False),
        (2, 40.0, False),
    ]
    assert progress[0].is_overdue(datetime.date(2025, 1, 5)) is True
    assert progress[1].is_overdue(datetime.date(2025, 1, 5)) is False
    assert [(unit.department.code, unit.missing) for unit in progress[0].units] == [
        ("tax", False),
        ("court", True),
    ]
    assert [
        (
            row.department.code,
            row.tasks,
            row.led,
            row.completed,
            row.overdue,
            row.missing,
            row.percent,
        )
        for row in units
    ] == [("court", 2, 1, 0, 1, 2, 20.0), ("tax", 1, 1, 1, 0, 0, 100.0)]


def test_notes_and_scores_are_written_by_the_credit_office_and_audited():
    # given
    plan = small_plan()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    court = Department.objects.get(code="court")
    # when
    note_add(actor=reviewer, plan=plan, written_on=TODAY, text="请加快推进。", department=court)
    score_set(actor=reviewer, plan=plan, department=court, year=2024, score="85.5")
    score_set(actor=reviewer, plan=plan, department=court, year=2024, score=90, comment="良好")
    # then
    assert InspectionNote.objects.get().department == court
    assert AssessmentScore.objects.get().score == Decimal("90.0")
    updated = AuditEvent.objects.filter(object_type="workplan_score").last()
    assert (updated.action, updated.detail["before"], updated.detail["score"]) == (
        "update",
        "85.5",
        "90.0",
    )
    assert AuditEvent.objects.filter(object_type="workplan_note", action="create").count() == 1


def test_a_department_cannot_score_and_nothing_is_written():
    # given
    plan = small_plan()
    officer = staff_user(Role.OFFICER, username="tax")
    # when
    with pytest.raises(DomainError):
        score_set(actor=officer, plan=plan, department=officer.department, year=2024, score=99)
    # then
    assert AssessmentScore.objects.count() == 0
    assert not AuditEvent.objects.filter(object_type="workplan_score").exists()


def test_out_of_range_scores_are_refused():
    # given
    plan = small_plan()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    court = Department.objects.get(code="court")
    # when / then
    for score, field in ((101, "score"), ("abc", "score")):
        with pytest.raises(DomainError) as refused:
            score_set(actor=reviewer, plan=plan, department=court, year=2024, score=score)
        assert refused.value.details["errors"][0]["field"] == field
    with pytest.raises(DomainError) as refused:
        score_set(actor=reviewer, plan=plan, department=court, year=2019, score=80)
    assert refused.value.details["errors"][0]["field"] == "year"


def test_reminders_go_once_before_deadlines_and_for_missing_reports():
    # given: task 1 is due 2024-12-31; tax completed it, the court did not report in Q3
    plan = small_plan()
    tax = staff_user(Role.OFFICER, username="tax")
    court_officer = _court(username="court")
    _court(username="court-old", is_active=False)
    _report(tax, task_numbered(plan, 1), quarter=3, percent=100, status=ReportStatus.COMPLETED)
    policy_value_set(actor=None, name="workplan.deadline_reminder_days", value=60, reason="测试")
    # when
    first = workplan_remind(today=TODAY)
    second = workplan_remind(today=TODAY)
    # then: the court is reminded of task 1's deadline, and of its missing Q3 reports on both
    # tasks; tax of nothing; the second run sends nothing
    assert (first.deadline, first.missing, first.notices) == (1, 2, 3)
    assert (second.deadline, second.missing, second.notices) == (0, 0, 0)
    assert sorted(Reminder.objects.values_list("department__code", "kind", "key")) == [
        ("court", ReminderKind.DEADLINE, "2024-12-31"),
        ("court", ReminderKind.MISSING_REPORT, "2024Q3"),
        ("court", ReminderKind.MISSING_REPORT, "2024Q3"),
    ]
    notices = Notice.objects.filter(user=court_officer)
    assert notices.count() == 3
    assert set(notices.values_list("kind", flat=True)) == {NoticeKind.DEADLINE}
    assert not Notice.objects.filter(user=tax).exists()
    assert AuditEvent.objects.filter(object_type="workplan_reminder").count() == 3
    assert [notice.title for notice in reminders_for(viewer=court_officer)] == [
        "工作任务进展报告未报送",
        "工作任务进展报告未报送",
        "工作任务完成时限临近",
    ]


def test_no_missing_report_reminder_before_the_days_after_the_quarter_have_passed():
    # given
    small_plan()
    _court(username="court")
    # when
    outcome = workplan_remind(today=datetime.date(2024, 10, 3))
    # then
    assert outcome.missing == 0


def test_the_annual_assessment_in_xlsx_and_pdf():
    # given
    plan = small_plan()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    court = Department.objects.get(code="court")
    _report(staff_user(Role.OFFICER, username="tax"), task_numbered(plan, 1), percent=100,
            status=ReportStatus.COMPLETED)  # fmt: skip
    score_set(actor=reviewer, plan=plan, department=court, year=2024, score=70, comment="=差")
    # when
    rows = assessment_rows(plan=plan, year=2024, today=datetime.date(2025, 2, 1))
    workbook = load_workbook(io.BytesIO(assessment_xlsx(plan=plan, year=2024, rows=rows)))
    document = assessment_pdf(plan=plan, year=2024, rows=rows)
    # then: the court missed Q1–Q4 on both tasks (8), tax nothing after completing in Q4
    assert [
        (row.department_code, row.completed, row.reports, row.missing, row.score) for row in rows
    ] == [
        ("court", 0, 0, 8, "70.0"),
        ("tax", 1, 1, 3, ""),
    ]
    sheet = workbook.active
    assert sheet["A1"].value == "测试工作方案 2024年度责任单位考核"
    assert [cell.value for cell in sheet[3]] == [
        "齐齐哈尔市中级人民法院", 2, 1, 0, 0, 0.0, 0, 8, 70.0, "'=差",
    ]  # fmt: skip
    assert document.startswith(b"%PDF")
    assert b"STSong-Light" in document


def test_a_department_reads_the_notes_on_its_unit_its_tasks_and_the_whole_plan():
    # given
    plan = small_plan()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    court = Department.objects.get(code="court")
    tax = Department.objects.get(code="tax")
    for text, task, department in (
        ("全方案", None, None),
        ("税务任务", task_numbered(plan, 1), None),
        ("法院任务", task_numbered(plan, 2), None),
        ("法院单位", None, court),
        ("税务单位", task_numbered(plan, 1), tax),
    ):
        note_add(actor=reviewer, plan=plan, written_on=TODAY, text=text, task=task,
                 department=department)  # fmt: skip
    officer = staff_user(Role.OFFICER, username="tax")
    # when
    seen = {note.text for note in notes_visible_to(viewer=officer, plan=plan)}
    everything = {note.text for note in notes_visible_to(viewer=reviewer, plan=plan)}
    # then
    assert seen == {"全方案", "税务任务", "税务单位"}
    assert everything == {"全方案", "税务任务", "法院任务", "法院单位", "税务单位"}
