"""The XLSX shape of a plan file (docs/workplan.md): four sheets, each with a header row.

- ``plan``: two columns, ``field`` and ``value`` (code, title, issuer, document_no, issued_on,
  level);
- ``units``: ``name``, ``department`` (a department code, ``@other`` or ``@districts``);
- ``tasks``: ``section_number``, ``section_title``, ``number``, ``title``, ``summary``,
  ``deadline``, ``units`` (names separated by 、); consecutive rows with the same section number
  form one section;
- ``measures``: ``number``, ``title``, ``summary``, ``units``.

The workbook is turned into the JSON shape, each row remembering its sheet and row number, so
that a refusal names ``tasks 第5行`` and the column.
"""

from __future__ import annotations

import io
import zipfile
from typing import Any

from django.utils.translation import gettext as _
from openpyxl import load_workbook
from openpyxl.utils.exceptions import InvalidFileException

from chengxin.workplan.planfile import FORMAT, PlanFileError, checked_unpacked_size

SHEETS = {
    "plan": ("field", "value"),
    "units": ("name", "department"),
    "tasks": (
        "section_number",
        "section_title",
        "number",
        "title",
        "summary",
        "deadline",
        "units",
    ),
    "measures": ("number", "title", "summary", "units"),
}
MAX_ROWS = 2000


def workbook_as_mapping(data: bytes, *, name: str) -> dict[str, Any]:
    """The workbook's content in the JSON shape; ``PlanFileError`` for a missing sheet or
    column, or a file that is not a workbook."""
    checked_unpacked_size(data, name=name)
    try:
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError, ValueError):
        raise PlanFileError([{"where": name, "message": _("不是可读取的XLSX文件。")}]) from None
    try:
        sheets = {sheet: _rows(workbook, sheet) for sheet in SHEETS}
    finally:
        workbook.close()
    header = {str(row["field"]).strip(): row["value"] for row in sheets["plan"] if row["field"]}
    return {
        "format": FORMAT,
        "plan": header,
        "units": {str(row["name"]).strip(): row["department"] for row in sheets["units"]},
        "sections": _sections(sheets["tasks"]),
        "measures": [_where(row, "measures") for row in sheets["measures"]],
    }


def _rows(workbook, sheet: str) -> list[dict[str, Any]]:
    if sheet not in workbook.sheetnames:
        raise PlanFileError(
            [{"where": sheet, "message": _("缺少工作表“%(sheet)s”。") % {"sheet": sheet}}]
        )
    rows = workbook[sheet].iter_rows(values_only=True, max_row=MAX_ROWS + 1)
    header = [str(cell or "").strip() for cell in next(rows, ())]
    missing = [column for column in SHEETS[sheet] if column not in header]
    if missing:
        message = _("工作表“%(sheet)s”缺少列：%(columns)s。") % {
            "sheet": sheet,
            "columns": "、".join(missing),
        }
        raise PlanFileError([{"where": f"{sheet} 第1行", "message": message}])
    found = []
    for number, values in enumerate(rows, start=2):
        if number > MAX_ROWS:
            raise PlanFileError(
                [
                    {
                        "where": sheet,
                        "message": _("工作表行数超过%(limit)d行。") % {"limit": MAX_ROWS},
                    }
                ]
            )
        cells = dict(zip(header, values, strict=False))
        if all(value in (None, "") for value in cells.values()):
            continue
        found.append({column: cells.get(column) for column in SHEETS[sheet]} | {"_row": number})
    return found


def _where(row: dict[str, Any], sheet: str) -> dict[str, Any]:
    values = {key: _cell(value) for key, value in row.items() if key != "_row"}
    return values | {"_where": _("%(sheet)s 第%(row)d行") % {"sheet": sheet, "row": row["_row"]}}


def _cell(value: Any) -> Any:
    if isinstance(value, float) and value.is_integer():
        return int(value)
    return value


def _sections(rows: list[dict[str, Any]]) -> list[dict[str, Any]]:
    sections: list[dict[str, Any]] = []
    for row in rows:
        number = str(row["section_number"] or "").strip()
        if not sections or sections[-1]["number"] != number:
            sections.append(
                {
                    "number": number,
                    "title": row["section_title"],
                    "tasks": [],
                    "_where": _("tasks 第%(row)d行") % {"row": row["_row"]},
                }
            )
        task = _where(row, "tasks")
        task.pop("section_number")
        task.pop("section_title")
        sections[-1]["tasks"].append(task)
    return sections


def workbook_template() -> bytes:
    """An empty plan workbook: the four sheets with their header rows and one example row
    each, so that a deployment fills in its own plan."""
    from openpyxl import Workbook

    workbook = Workbook()
    examples = {
        "plan": [
            ("code", "city-2025-integrity"),
            ("title", "××市个人诚信体系建设工作方案"),
            ("issuer", "××市人民政府办公室"),
            ("document_no", "×政办规〔2025〕1号"),
            ("issued_on", "2025-03-01"),
            ("level", "city"),
        ],
        "units": [("市委宣传部", "propaganda"), ("其他有关部门", "@other")],
        "tasks": [
            (
                "一",
                "加强个人诚信教育",
                1,
                "大力弘扬诚信文化",
                "……",
                "2025年底前",
                "市委宣传部、其他有关部门",
            )
        ],
        "measures": [("一", "加强组织领导", "……", "市委宣传部")],
    }
    for index, (name, columns) in enumerate(SHEETS.items()):
        sheet = workbook.active if index == 0 else workbook.create_sheet(name)
        sheet.title = name
        sheet.append(list(columns))
        for row in examples[name]:
            sheet.append(list(row))
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
