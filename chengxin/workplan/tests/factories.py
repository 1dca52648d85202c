"""Helpers of the work-plan tests: the reference departments, the seed plan, a small plan."""

from __future__ import annotations

import copy
import io
import json

from chengxin.accounts.reference import load_reference_data as load_departments
from chengxin.workplan.loading import plan_document_from_mapping
from chengxin.workplan.models import Plan, Task
from chengxin.workplan.reference import PLAN_FILE
from chengxin.workplan.reference import load_reference_data as load_seed_plan
from chengxin.workplan.services import plan_load

SMALL_PLAN = {
    "format": "chengxin-workplan/1",
    "plan": {
        "code": "test-plan",
        "title": "测试工作方案",
        "issuer": "测试市人民政府办公室",
        "document_no": "测政办〔2024〕1号",
        "issued_on": "2024-03-01",
        "level": "city",
    },
    "units": {"市税务局": "tax", "市法院": "court", "其他有关部门": "@other"},
    "sections": [
        {
            "number": "一",
            "title": "第一类任务",
            "tasks": [
                {
                    "number": 1,
                    "title": "税务任务",
                    "summary": "税务局牵头，法院配合。",
                    "deadline": "2024年底前",
                    "units": ["市税务局", "市法院", "其他有关部门"],
                },
                {
                    "number": 2,
                    "title": "法院任务",
                    "summary": "法院负责。",
                    "deadline": "持续实施",
                    "units": ["市法院"],
                },
            ],
        }
    ],
    "measures": [
        {"number": "一", "title": "加强组织领导", "summary": "统筹推进。", "units": ["市税务局"]}
    ],
}


def departments() -> None:
    load_departments(stdout=io.StringIO())


def seed_plan() -> Plan:
    departments()
    load_seed_plan(stdout=io.StringIO())
    return Plan.objects.get(code=json.loads(PLAN_FILE.read_text(encoding="utf-8"))["plan"]["code"])


def small_plan_mapping(**changes) -> dict:
    mapping = copy.deepcopy(SMALL_PLAN)
    mapping["plan"].update(changes)
    return mapping


def small_plan(**changes) -> Plan:
    """The small plan on departments tax and court (made when missing)."""
    from chengxin.accounts.tests.factories import DepartmentFactory

    DepartmentFactory(code="tax", name="国家税务总局齐齐哈尔市税务局")
    DepartmentFactory(code="court", name="齐齐哈尔市中级人民法院")
    return plan_load(actor=None, document=plan_document_from_mapping(small_plan_mapping(**changes)))


def task_numbered(plan: Plan, number: int) -> Task:
    return Task.objects.get(plan=plan, section__position=1, number=number)


def matrix_objects(world) -> dict:
    """The permission matrix's work-plan objects (tests/system/matrix_world.py): the small
    plan with task 1 for tax alone, the tax officer's report on task 1 with an attachment, and a note."""
    from django.utils import timezone

    from chengxin.dueprocess.attachments import IncomingFile
    from chengxin.workplan.periods import Quarter
    from chengxin.workplan.selectors import report_attachments
    from chengxin.workplan.services import note_add, report_submit

    small_plan(code="matrix-departments")  # the departments tax and court
    mapping = small_plan_mapping(code="matrix-plan", issued_on="2025-01-01")
    mapping["sections"][0]["tasks"][0]["units"] = ["市税务局"]  # the court is the other department
    plan = plan_load(actor=None, document=plan_document_from_mapping(mapping))
    task = task_numbered(plan, 1)
    now = Quarter.of(timezone.localdate())
    report = report_submit(
        actor=world.users["officer"],
        task=task,
        year=now.year,
        quarter=now.quarter,
        percent=20,
        status="in_progress",
        text="矩阵进展。",
        files=[IncomingFile(name="材料.pdf", data=b"%PDF-1.4\n%%EOF\n")],
    )
    note_add(
        actor=world.users["reviewer"], plan=plan, written_on=timezone.localdate(), text="督促。"
    )
    return {
        "wp_task": task.pk,
        "wp_report": report.pk,
        "wp_attachment": str(report_attachments(report)[0].pk),
        "wp_year": str(now.year),
        "wp_department": task.lead_id,
    }
