"""Reference data of the accounts app: the departments of the work plan and the county-level
governments (``data/departments.json``).

Idempotent and conservative: a department whose code is missing is created; one that exists is
left exactly as it is, so an administrator's edits survive every later ``chengxin seed``.
"""

from __future__ import annotations

import json
from pathlib import Path

from django.utils.translation import gettext

from chengxin.accounts.models import Department
from chengxin.accounts.services import department_create

DEPARTMENTS_FILE = Path(__file__).resolve().parent / "data" / "departments.json"


def department_reference_rows() -> list[dict[str, object]]:
    """The departments as the data file lists them."""
    with DEPARTMENTS_FILE.open(encoding="utf-8") as handle:
        return list(json.load(handle)["departments"])


def load_reference_data(*, stdout) -> None:
    """Create the departments that do not exist yet; report how many were created."""
    rows = department_reference_rows()
    existing = set(Department.objects.values_list("code", flat=True))
    missing = [row for row in rows if row["code"] not in existing]
    for row in missing:
        department_create(actor=None, **row)  # type: ignore[arg-type]
    summary = gettext("部门：新增 %(created)d 个，已有 %(kept)d 个保持不变。") % {
        "created": len(missing),
        "kept": len(rows) - len(missing),
    }
    stdout.write(summary + "\n")
