"""The staff pages under /staff/workplan/: who sees what, the report form, exports, query
counts, and the progress dashboard's chart against its table and CSV."""

from __future__ import annotations

import csv
import io
import json
import re

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from openpyxl import load_workbook

from chengxin.accounts.choices import Role
from chengxin.accounts.models import Department
from chengxin.accounts.tests.factories import DepartmentFactory, sign_in_verified, staff_user
from chengxin.core.audit.models import AuditEvent
from chengxin.dashboards.services import dashboards_refresh
from chengxin.dashboards.tests.factories import settle_at_once
from chengxin.dashboards.tests.test_pages import (
    _chart_numbers,
    _csv_numbers,
    _fragment,
    _table_numbers,
)
from chengxin.workplan.choices import ReportStatus
from chengxin.workplan.loading import plan_document_read
from chengxin.workplan.models import Plan, ProgressReport
from chengxin.workplan.periods import Quarter
from chengxin.workplan.services import note_add, report_submit, score_set
from chengxin.workplan.tests.factories import (
    departments,
    small_plan,
    small_plan_mapping,
    task_numbered,
)
from chengxin.workplan.views import XLSX_TYPE

pytestmark = pytest.mark.django_db
LIST_PAGES = ["workplan:overview", "workplan:units", "workplan:overdue", "workplan:notes"]


def _client(user) -> Client:
    client = Client()
    sign_in_verified(client, user)
    return client


def _report(user, task, percent=60, status=ReportStatus.IN_PROGRESS):
    now = Quarter.of(timezone.localdate())
    return report_submit(
        actor=user, task=task, year=now.year, quarter=now.quarter, percent=percent,
        status=status, text="本季度推进情况。",
    )  # fmt: skip


def _more_units(plan, count: int) -> None:
    """``count`` more departments on task 2, each with a report and a note."""
    from chengxin.workplan.models import Responsibility

    task = task_numbered(plan, 2)
    reviewer = staff_user(Role.REVIEWER, username=f"reviewer-{count}")
    for number in range(count):
        department = DepartmentFactory(code=f"unit-{count}-{number}", name=f"单位{count}-{number}")
        Responsibility.objects.create(task=task, department=department, position=10 + number)
        _report(
            staff_user(Role.OFFICER, department=department, username=f"o-{count}-{number}"), task
        )
        note_add(actor=reviewer, plan=plan, written_on=timezone.localdate(), text="请推进。",
                 task=task, department=department)  # fmt: skip


def test_the_reviewer_sees_every_task_and_unit():
    # given
    plan = small_plan()
    _report(staff_user(Role.OFFICER, username="tax"), task_numbered(plan, 1))
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    # when
    overview = client.get(reverse("workplan:overview")).content.decode()
    units = client.get(reverse("workplan:units")).content.decode()
    # then
    assert "税务任务" in overview and "法院任务" in overview
    assert "加强组织领导" in overview
    assert "国家税务总局齐齐哈尔市税务局" in units and "齐齐哈尔市中级人民法院" in units


def test_a_department_sees_its_own_tasks_and_reports_only():
    # given
    plan = small_plan()
    _report(staff_user(Role.OFFICER, department=Department.objects.get(code="court"),
                       username="court"), task_numbered(plan, 1))  # fmt: skip
    client = _client(staff_user(Role.PROVIDER, username="tax"))
    # when
    overview = client.get(reverse("workplan:overview")).content.decode()
    task = client.get(reverse("workplan:task_detail", args=[task_numbered(plan, 1).pk]))
    units = client.get(reverse("workplan:units")).content.decode()
    # then
    assert "税务任务" in overview and "法院任务" not in overview
    assert "本季度推进情况" not in task.content.decode()
    assert "齐齐哈尔市中级人民法院" not in units
    assert client.get(reverse("workplan:assessment")).status_code == 403


def test_a_unit_reports_through_the_page_with_an_attachment():
    # given
    plan = small_plan()
    task = task_numbered(plan, 1)
    client = _client(staff_user(Role.OFFICER, username="tax"))
    now = Quarter.of(timezone.localdate())
    upload = io.BytesIO(b"%PDF-1.4\n%%EOF\n")
    upload.name = "材料.pdf"
    # when
    answer = client.post(
        reverse("workplan:report_submit", args=[task.pk]),
        {"year": now.year, "quarter": now.quarter, "percent": 30, "status": "in_progress",
         "text": "已部署。", "files": upload},
    )  # fmt: skip
    page = client.get(reverse("workplan:task_detail", args=[task.pk])).content.decode()
    link = re.search(r'href="(/staff/workplan/reports/\d+/attachments/[^"]+)"', page).group(1)
    # then
    assert answer.status_code == 302
    assert ProgressReport.objects.get().percent == 30
    assert client.get(link).content == b"%PDF-1.4\n%%EOF\n"


def test_a_bad_report_comes_back_on_the_form_and_writes_nothing():
    # given
    plan = small_plan()
    client = _client(staff_user(Role.OFFICER, username="tax"))
    # when
    answer = client.post(
        reverse("workplan:report_submit", args=[task_numbered(plan, 1).pk]),
        {"year": 2024, "quarter": 1, "percent": 30, "status": "in_progress", "text": "x" * 2001},
    )
    # then
    assert answer.status_code == 422
    assert "2000" in answer.content.decode()
    assert ProgressReport.objects.count() == 0


def test_the_reviewer_scores_and_exports_the_assessment():
    # given
    plan = small_plan()
    reviewer = staff_user(Role.REVIEWER, username="reviewer")
    client = _client(reviewer)
    year = timezone.localdate().year
    court = Department.objects.get(code="court")
    # when
    posted = client.post(
        f"{reverse('workplan:assessment')}?plan={plan.code}",
        {"department": court.pk, "year": year, "score": "88.5", "comment": "较好"},
    )
    workbook = client.get(reverse("workplan:assessment_xlsx", args=[year]))
    document = client.get(reverse("workplan:assessment_pdf", args=[year]))
    # then
    assert posted.status_code == 302
    sheet = load_workbook(io.BytesIO(workbook.content)).active
    values = {row[0]: row[8] for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert values["齐齐哈尔市中级人民法院"] == 88.5
    assert document.content.startswith(b"%PDF")
    assert list(
        AuditEvent.objects.filter(object_type="workplan_assessment").values_list(
            "object_id", "detail"
        )
    ) == [
        (f"test-plan/{year}", {"format": "xlsx", "rows": 2}),
        (f"test-plan/{year}", {"format": "pdf", "rows": 2}),
    ]


@pytest.mark.parametrize("name", LIST_PAGES + ["workplan:assessment"])
def test_a_list_page_makes_the_same_number_of_queries_whatever_the_data(name):
    # given
    plan = small_plan()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    score_set(actor=staff_user(Role.REVIEWER, username="r2"), plan=plan,
              department=Department.objects.get(code="tax"), year=2024, score=80)  # fmt: skip
    _more_units(plan, 1)
    url = reverse(name)
    client.get(url)
    with CaptureQueriesContext(connection) as small:
        client.get(url)
    _more_units(plan, 6)
    # when
    with CaptureQueriesContext(connection) as large:
        answer = client.get(url)
    # then
    assert answer.status_code == 200
    assert len(large) == len(small)
    assert len(large) <= 25


def test_the_progress_dashboard_chart_shows_the_numbers_of_its_table_and_csv():
    # given
    plan = small_plan()
    _report(staff_user(Role.OFFICER, username="tax"), task_numbered(plan, 1), percent=100,
            status=ReportStatus.COMPLETED)  # fmt: skip
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    settle_at_once()
    dashboards_refresh()
    # when
    html = client.get(reverse("dashboards:detail", kwargs={"slug": "workplan"})).content.decode()
    # then
    for panel in ("workplan-reports", "workplan-tasks", "workplan-units"):
        section = re.search(rf'aria-labelledby="{panel}-heading">(.*?)</section>', html, re.S)
        svg = _fragment(section.group(1), r"<svg.*?</svg>")
        chart = _chart_numbers(svg)
        series = {name for name, _category in chart}
        link = re.search(rf'href="([^"]*/{panel}\.csv\?[^"]*)"', html).group(1)
        exported = client.get(link.replace("&amp;", "&")).content.decode()
        table = _fragment(html, rf'<table id="{panel}-table">.*?</table>')
        assert chart == _table_numbers(table, series)
        assert chart == _csv_numbers(exported, series)
    rows = list(
        csv.reader(
            io.StringIO(client.get(link.replace("&amp;", "&")).content.decode().lstrip("\ufeff"))
        )
    )
    assert [row[:5] for row in rows[1:]] == [
        ["齐齐哈尔市中级人民法院", "2", "0", "1", "2"],
        ["国家税务总局齐齐哈尔市税务局", "1", "1", "0", "0"],
    ]
    assert chart[("超期未完成", "齐齐哈尔市中级人民法院")] == "1"
    today = timezone.localdate().isoformat()
    reports = _chart_numbers(
        _fragment(
            re.search(
                r'aria-labelledby="workplan-reports-heading">(.*?)</section>', html, re.S
            ).group(1),
            r"<svg.*?</svg>",
        )
    )
    assert reports[("报送的进展报告", today)] == "1"
    assert chart[("已完成", "国家税务总局齐齐哈尔市税务局")] == "1"


def test_the_reviewer_loads_a_plan_file_through_the_page():
    # given
    small_plan()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    good = io.BytesIO(json.dumps(small_plan_mapping(code="from-page")).encode())
    good.name = "plan.json"
    bad_mapping = small_plan_mapping(code="bad-page")
    bad_mapping["sections"][0]["tasks"][0]["deadline"] = "尽快"
    bad = io.BytesIO(json.dumps(bad_mapping).encode())
    bad.name = "bad.json"
    # when
    loaded = client.post(reverse("workplan:plan_load"), {"file": good})
    refused = client.post(reverse("workplan:plan_load"), {"file": bad})
    # then
    assert loaded.status_code == 302
    assert Plan.objects.get(code="from-page").loaded_by.username == "reviewer"
    assert refused.status_code == 422
    assert "sections[0].tasks[0].deadline" in refused.content.decode()
    assert not Plan.objects.filter(code="bad-page").exists()
    event = AuditEvent.objects.filter(object_type="workplan_plan").last()
    assert event.detail == {"code": "from-page", "tasks": 2, "measures": 1}


def test_the_xlsx_template_is_a_plan_file_the_loader_takes():
    # given
    departments()
    client = _client(staff_user(Role.REVIEWER, username="reviewer"))
    # when
    template = client.get(reverse("workplan:plan_template"))
    document = plan_document_read(template.content, name="workplan-template.xlsx")
    # then
    assert template["Content-Type"] == XLSX_TYPE
    assert (document.code, document.task_count, len(document.safeguards)) == (
        "city-2025-integrity",
        1,
        1,
    )
