"""The plan file: JSON and XLSX shapes, every problem named, nothing half-loaded."""

from __future__ import annotations

import io
import json

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from chengxin.core.audit.models import AuditEvent
from chengxin.core.errors import DomainError
from chengxin.workplan.choices import DeadlineKind
from chengxin.workplan.loading import PlanFileError, plan_document_read
from chengxin.workplan.models import Plan, Responsibility, Task
from chengxin.workplan.services import plan_load
from chengxin.workplan.tests.factories import small_plan, small_plan_mapping

pytestmark = pytest.mark.django_db


def _json(mapping) -> bytes:
    return json.dumps(mapping, ensure_ascii=False).encode()


def _workbook(mapping) -> bytes:
    workbook = Workbook()
    header = workbook.active
    header.title = "plan"
    header.append(["field", "value"])
    for key, value in mapping["plan"].items():
        header.append([key, value])
    units = workbook.create_sheet("units")
    units.append(["name", "department"])
    for name, code in mapping["units"].items():
        units.append([name, code])
    tasks = workbook.create_sheet("tasks")
    tasks.append(
        ["section_number", "section_title", "number", "title", "summary", "deadline", "units"]
    )
    for section in mapping["sections"]:
        for task in section["tasks"]:
            tasks.append(
                [
                    section["number"],
                    section["title"],
                    task["number"],
                    task["title"],
                    task["summary"],
                    task["deadline"],
                    "、".join(task["units"]),
                ]
            )
    measures = workbook.create_sheet("measures")
    measures.append(["number", "title", "summary", "units"])
    for measure in mapping["measures"]:
        measures.append(
            [measure["number"], measure["title"], measure["summary"], "、".join(measure["units"])]
        )
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()


def _departments():
    small_plan(code="other-plan")  # makes the departments tax and court


def test_a_json_plan_is_loaded_with_its_units_deadlines_and_measures():
    # given / when
    plan = small_plan()
    # then
    first, second = Task.objects.filter(plan=plan).order_by("position")
    assert (first.deadline_kind, first.deadline.isoformat(), first.deadline_text) == (
        DeadlineKind.YEAR_END,
        "2024-12-31",
        "2024年底前",
    )
    assert (second.deadline_kind, second.deadline) == (DeadlineKind.ONGOING, None)
    assert list(
        Responsibility.objects.filter(task=first).values_list("department__code", "is_lead")
    ) == [("tax", True), ("court", False)]
    assert first.includes_other_departments is True
    assert first.lead.code == "tax"
    assert plan.safeguards.get().units_as_written == ["市税务局"]
    event = AuditEvent.objects.get(object_type="workplan_plan")
    assert event.detail == {"code": "test-plan", "tasks": 2, "measures": 1}


def test_an_xlsx_plan_gives_the_same_tasks_as_its_json():
    # given
    _departments()
    mapping = small_plan_mapping(code="from-xlsx")
    # when
    plan = plan_load(actor=None, document=plan_document_read(_workbook(mapping), name="p.xlsx"))
    # then
    assert list(Task.objects.filter(plan=plan).values_list("number", "title", "deadline_text")) == [
        (1, "税务任务", "2024年底前"),
        (2, "法院任务", "持续实施"),
    ]
    assert Responsibility.objects.filter(task__plan=plan).count() == 3


def test_every_problem_is_named_and_nothing_is_written():
    # given
    _departments()
    mapping = small_plan_mapping(code="Bad Code")
    mapping["sections"][0]["tasks"][0]["deadline"] = "尽快"
    mapping["sections"][0]["tasks"][1]["units"] = ["市税务局", "市不存在局"]
    mapping["units"]["市法院"] = "no-such-department"
    before = Plan.objects.count()
    # when
    with pytest.raises(PlanFileError) as refused:
        plan_document_read(_json(mapping), name="plan.json")
    # then
    where = [error["where"] for error in refused.value.errors]
    assert where == [
        "units[市法院]",
        "sections[0].tasks[0].deadline",
        "sections[0].tasks[0].units",
        "sections[0].tasks[1].units",
        "plan.code",
    ]
    assert "尽快" in refused.value.errors[1]["message"]
    assert "市法院" in refused.value.errors[2]["message"]
    assert "市不存在局" in refused.value.errors[3]["message"]
    assert Plan.objects.count() == before


def test_an_xlsx_refusal_names_the_sheet_and_row():
    # given
    _departments()
    mapping = small_plan_mapping(code="xlsx-bad")
    mapping["sections"][0]["tasks"][1]["deadline"] = "明年"
    # when
    with pytest.raises(PlanFileError) as refused:
        plan_document_read(_workbook(mapping), name="p.xlsx")
    # then
    assert [error["where"] for error in refused.value.errors] == ["tasks 第3行.deadline"]


def test_a_broken_json_file_is_refused_with_its_line():
    # when
    with pytest.raises(PlanFileError) as refused:
        plan_document_read(b'{"format": ', name="plan.json")
    # then
    assert refused.value.errors[0]["where"] == "plan.json"
    assert "第1行" in refused.value.errors[0]["message"]


def test_a_plan_whose_code_exists_is_refused():
    # given
    small_plan()
    document = plan_document_read(_json(small_plan_mapping()), name="plan.json")
    # when
    with pytest.raises(DomainError) as refused:
        plan_load(actor=None, document=document)
    # then
    assert refused.value.status == 409
    assert Plan.objects.filter(code="test-plan").count() == 1


def test_the_command_loads_a_file_and_reports_problems(tmp_path):
    # given
    _departments()
    good = tmp_path / "good.json"
    good.write_bytes(_json(small_plan_mapping(code="by-command")))
    bad = tmp_path / "bad.json"
    bad.write_bytes(_json(small_plan_mapping(code="", level="nation")))
    out = io.StringIO()
    # when
    call_command("workplan", "load", str(good), stdout=out)
    with pytest.raises(CommandError) as refused:
        call_command("workplan", "load", str(bad), stdout=io.StringIO())
    # then
    assert "已导入工作方案 by-command：2 项任务，1 项保障措施。" in out.getvalue()
    assert "plan.code：必须填写方案代码。" in str(refused.value)
    assert "plan.level" in str(refused.value)
    assert not Plan.objects.filter(code="").exists()
