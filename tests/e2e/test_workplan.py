"""The work plan in the browser: a tax officer reports on a task of the city's 2017 plan with an
attachment; the reviewer sees the progress, the units, overdue tasks and missing reports,
writes an inspection note and a score, and opens the progress dashboard. Screenshots of each
page under test-artifacts/screenshots/workplan-*.png."""

from __future__ import annotations

import datetime
import io
import re

from django.core.management import call_command
from django.utils import timezone

from chengxin.accounts.choices import Role
from chengxin.accounts.services import user_create
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.tests.factories import settle_at_once
from chengxin.workplan.demo import demo_workplan_ensure
from chengxin.workplan.models import AssessmentScore, InspectionNote, ProgressReport, Task
from chengxin.workplan.periods import Quarter
from chengxin.workplan.reminders import workplan_remind
from tests.e2e.axe import serious_violations
from tests.e2e.test_staff import PASSWORD, sign_in_enrolling


def _accounts():
    for username, role, department in (
        ("demo-reviewer", Role.REVIEWER, "market"),
        ("demo-officer", Role.OFFICER, "tax"),
    ):
        user_create(
            username=username, department_code=department, role=role, password=PASSWORD, actor=None
        )


def test_a_unit_reports_and_the_credit_office_follows_and_assesses(page, screenshot, db, tmp_path):
    # given: the city's plan, the demo's reports, notes and scores, and the day's reminders
    call_command("seed", verbosity=0)
    _accounts()
    demo_workplan_ensure(stdout=io.StringIO())
    # the reminders of ten days into last quarter: tax had not reported for the quarter before
    last = Quarter.of(timezone.localdate()).previous()
    workplan_remind(today=last.first_day + datetime.timedelta(days=10))
    task = Task.objects.get(
        plan__code="qiqihar-2017-personal-integrity", section__number="二", number=2
    )
    proof = tmp_path / "工作台账.pdf"
    proof.write_bytes(b"%PDF-1.4\n%%EOF\n")

    # when: the tax officer opens the plan and reports on a task with an attachment
    sign_in_enrolling(page, "demo-officer")
    page.get_by_role("link", name="工作方案进度").click()
    screenshot("workplan-officer-overview")
    assert page.get_by_role("heading", name="本单位的提醒").is_visible()
    assert serious_violations(page) == []
    page.get_by_role("link", name=task.title).click()
    page.fill("#id_percent", "90")
    page.select_option("#id_status", "in_progress")
    page.fill("#id_text", "已完成全市税务系统个人诚信记录归集，正在开展动态更新。")
    page.set_input_files("#id_files", str(proof))
    screenshot("workplan-officer-report-form")
    assert serious_violations(page) == []
    page.get_by_role("button", name="报送").click()
    page.wait_for_url(re.compile(rf".*/staff/workplan/tasks/{task.pk}/$"))
    screenshot("workplan-officer-task")

    # then: the report is kept with its attachment
    assert page.get_by_text("进展报告已报送。").is_visible()
    assert page.get_by_role("link", name="工作台账.pdf").is_visible()
    assert ProgressReport.objects.filter(task=task, percent=90).count() == 1

    # when: the reviewer signs in and follows the plan
    page.context.clear_cookies()
    sign_in_enrolling(page, "demo-reviewer")
    page.goto("/staff/workplan/")
    screenshot("workplan-overview")
    page.get_by_role("link", name="责任单位", exact=True).click()
    screenshot("workplan-units")
    page.get_by_role("link", name="超期与缺报").click()
    screenshot("workplan-overdue")
    assert serious_violations(page) == []
    page.get_by_role("link", name="督促检查").click()
    page.fill("#id_text", "请各单位对照任务清单逐项梳理，年底前报送完成情况。")
    page.get_by_role("button", name="登记").click()
    screenshot("workplan-notes")
    page.get_by_role("link", name="年度考核").click()
    page.select_option("#id_department", label="国家税务总局齐齐哈尔市税务局")
    page.fill("#id_score", "93.5")
    page.fill("#id_comment", "按期报送，成效明显。")
    page.get_by_role("button", name="保存").click()
    screenshot("workplan-assessment")
    assert serious_violations(page) == []
    with page.expect_download() as download:
        page.get_by_role("link", name="导出PDF").click()
    bad_plan = tmp_path / "plan.json"
    bad_plan.write_text(
        '{"format": "chengxin-workplan/1", "plan": {"code": "Bad"}}', encoding="utf-8"
    )
    page.get_by_role("link", name="导入方案").click()
    page.set_input_files("#id_file", str(bad_plan))
    page.get_by_role("button", name="导入").click()
    screenshot("workplan-plan-load-refused")
    assert "方案文件有误，未导入任何内容" in page.locator("[role=alert]").inner_text()
    assert serious_violations(page) == []
    settle_at_once()
    dashboards_refresh()
    page.goto("/staff/dashboards/workplan/")
    screenshot("workplan-dashboard")

    # then
    assert InspectionNote.objects.filter(text__startswith="请各单位对照").count() == 1
    assert AssessmentScore.objects.filter(department__code="tax", score="93.5").exists()
    assert download.value.suggested_filename.endswith("-assessment.pdf")
    assert page.locator("svg[aria-labelledby^='chart-workplan-tasks']").is_visible()
