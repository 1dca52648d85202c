"""Reference data of the work plan: the city's 2017 plan (``data/qiqihar-2017-personal-
integrity.json``), read from the plan text as published (its characters as the source gives
them) and linked to the departments of ``accounts/data/departments.json``.

Idempotent: a plan whose code is loaded is left as it is (with its reports).
"""

from __future__ import annotations

from pathlib import Path

from django.utils.translation import gettext

from chengxin.workplan.loading import plan_document_read
from chengxin.workplan.models import Plan
from chengxin.workplan.services import plan_load

PLAN_FILE = Path(__file__).resolve().parent / "data" / "qiqihar-2017-personal-integrity.json"


def seed_plan_document():
    return plan_document_read(PLAN_FILE.read_bytes(), name=PLAN_FILE.name)


def load_reference_data(*, stdout) -> None:
    document = seed_plan_document()
    if Plan.objects.filter(code=document.code).exists():
        stdout.write(
            gettext("工作方案：%(code)s 已有，保持不变。") % {"code": document.code} + "\n"
        )
        return
    plan_load(actor=None, document=document)
    stdout.write(
        gettext("工作方案：已导入 %(code)s（%(tasks)d 项任务，%(measures)d 项保障措施）。")
        % {
            "code": document.code,
            "tasks": document.task_count,
            "measures": len(document.safeguards),
        }
        + "\n"
    )
