"""Reading a work plan from a file (docs/workplan.md, "The plan file"): JSON or XLSX, checked
as a whole before anything is written.

``plan_document_read(data, name=…)`` returns a ``PlanDocument`` or raises ``PlanFileError``
with every problem found (up to ``limits.MAX_ERRORS_SHOWN``), each naming where it is (a JSON
path such as ``sections[0].tasks[2].deadline``, or a sheet, row and column of the workbook)
and what is wrong. Department codes are checked against the reference data here too, so that
``services.plan_load`` only writes.
"""

from __future__ import annotations

import datetime
import json
import re
from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.core.personal_data import contains_id_number
from chengxin.workplan import limits
from chengxin.workplan.choices import DeadlineKind, PlanLevel, UnitGroup
from chengxin.workplan.planfile import FORMAT, PlanFileError
from chengxin.workplan.workbook import workbook_as_mapping

GROUP_MARKERS = {"@other": UnitGroup.OTHER_DEPARTMENTS, "@districts": UnitGroup.COUNTY_GOVERNMENTS}
_YEAR_END = re.compile(r"^(\d{4})年底前$")
_ONGOING = frozenset({"持續實施", "持续实施"})
_ISO_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")
_CODE = re.compile(r"^[a-z0-9][a-z0-9-]*$")
_UNIT_SEPARATORS = re.compile(r"[、,，;；\n]")


@dataclass(frozen=True)
class Deadline:
    kind: str
    date: datetime.date | None
    text: str


@dataclass(frozen=True)
class TaskEntry:
    number: int
    title: str
    summary: str
    deadline: Deadline
    units: list[str]


@dataclass(frozen=True)
class SectionEntry:
    number: str
    title: str
    tasks: list[TaskEntry]


@dataclass(frozen=True)
class SafeguardEntry:
    number: str
    title: str
    summary: str
    units: list[str]


@dataclass(frozen=True)
class PlanDocument:
    """A checked plan file: the plan's header, what each unit name stands for (a department
    code or a ``UnitGroup``), the sections with their tasks, and the safeguard measures."""

    code: str
    title: str
    issuer: str
    document_no: str
    issued_on: datetime.date | None
    level: str
    units: dict[str, str]
    sections: list[SectionEntry]
    safeguards: list[SafeguardEntry]

    @property
    def task_count(self) -> int:
        return sum(len(section.tasks) for section in self.sections)


class _Errors:
    def __init__(self) -> None:
        self.items: list[dict[str, str]] = []

    def add(self, where: str, message: str) -> None:
        if len(self.items) < limits.MAX_ERRORS_SHOWN:
            self.items.append({"where": where, "message": message})

    def raise_if_any(self) -> None:
        if self.items:
            raise PlanFileError(self.items)


def plan_document_read(data: bytes, *, name: str) -> PlanDocument:
    """Read and check a plan file: XLSX when its content is a zip package, else JSON."""
    if len(data) > limits.PLAN_FILE_MAX_BYTES:
        raise PlanFileError(
            [
                {
                    "where": name,
                    "message": _("文件超过%(limit)d MB。")
                    % {"limit": limits.PLAN_FILE_MAX_BYTES // 1024 // 1024},
                }
            ]
        )
    if data.startswith(b"PK\x03\x04"):
        raw = workbook_as_mapping(data, name=name)
    else:
        raw = _json_mapping(data, name=name)
    return plan_document_from_mapping(raw)


def _json_mapping(data: bytes, *, name: str) -> dict[str, Any]:
    try:
        raw = json.loads(data.decode("utf-8-sig"))
    except UnicodeDecodeError:
        raise PlanFileError([{"where": name, "message": _("文件不是UTF-8编码的JSON。")}]) from None
    except json.JSONDecodeError as error:
        message = _("JSON格式错误（第%(line)d行第%(column)d列）：%(problem)s") % {
            "line": error.lineno,
            "column": error.colno,
            "problem": error.msg,
        }
        raise PlanFileError([{"where": name, "message": message}]) from None
    if not isinstance(raw, dict):
        raise PlanFileError([{"where": name, "message": _("文件的最外层应为一个对象。")}])
    return raw


def plan_document_from_mapping(raw: dict[str, Any]) -> PlanDocument:
    """Check the file's content (already parsed) and build the document."""
    errors = _Errors()
    if raw.get("format") != FORMAT:
        errors.add("format", _("应为“%(format)s”。") % {"format": FORMAT})
    header = raw.get("plan") if isinstance(raw.get("plan"), dict) else {}
    if not header:
        errors.add("plan", _("缺少方案信息（plan）。"))
    units = _units(raw.get("units"), errors)
    sections = _sections(raw.get("sections"), units, errors)
    safeguards = _safeguards(raw.get("measures", []), units, errors)
    document = PlanDocument(
        code=_code(header.get("code"), errors),
        title=_text(header.get("title"), "plan.title", limits.TITLE_MAX_LENGTH, errors),
        issuer=_text(
            header.get("issuer"), "plan.issuer", limits.TITLE_MAX_LENGTH, errors, required=False
        ),
        document_no=_text(
            header.get("document_no"),
            "plan.document_no",
            limits.DOCUMENT_NO_MAX_LENGTH,
            errors,
            required=False,
        ),
        issued_on=_date(header.get("issued_on"), "plan.issued_on", errors),
        level=_level(header.get("level"), errors),
        units=units,
        sections=sections,
        safeguards=safeguards,
    )
    if document.task_count > limits.MAX_TASKS:
        errors.add("sections", _("任务不能超过%(limit)d项。") % {"limit": limits.MAX_TASKS})
    errors.raise_if_any()
    return document


def _code(value: Any, errors: _Errors) -> str:
    code = str(value or "").strip()
    if not code:
        errors.add("plan.code", _("必须填写方案代码。"))
    elif len(code) > limits.CODE_MAX_LENGTH or not _CODE.match(code):
        errors.add(
            "plan.code",
            _("方案代码只能由小写字母、数字和连字符组成，最多%(limit)d个字符。")
            % {"limit": limits.CODE_MAX_LENGTH},
        )
    return code


def _level(value: Any, errors: _Errors) -> str:
    level = str(value or "").strip()
    if level not in PlanLevel.values:
        errors.add(
            "plan.level",
            _("层级应为以下之一：%(choices)s。") % {"choices": "、".join(PlanLevel.values)},
        )
    return level


def _text(
    value: Any, where: str, max_length: int, errors: _Errors, *, required: bool = True
) -> str:
    if value is None:
        value = ""
    if not isinstance(value, str | int):
        errors.add(where, _("应为文字。"))
        return ""
    text = str(value).strip()
    if required and not text:
        errors.add(where, _("必须填写。"))
    elif len(text) > max_length:
        errors.add(
            where,
            _("不能超过%(limit)d个字符（现有%(length)d个）。")
            % {"limit": max_length, "length": len(text)},
        )
    elif contains_id_number(text):
        errors.add(where, _("不能包含身份证号码。"))
    return text


def _date(value: Any, where: str, errors: _Errors) -> datetime.date | None:
    if value in (None, ""):
        return None
    if isinstance(value, datetime.datetime):
        return value.date()
    if isinstance(value, datetime.date):
        return value
    text = str(value).strip()
    try:
        if not _ISO_DATE.match(text):
            raise ValueError(text)
        return datetime.date.fromisoformat(text)
    except ValueError:
        errors.add(where, _("日期应写成YYYY-MM-DD，现为“%(value)s”。") % {"value": text[:40]})
        return None


def parse_deadline(value: Any) -> Deadline | None:
    """A deadline as a plan writes it: ``2017年底前``, ``持续实施``, or a date ``2018-06-30``;
    ``None`` when it is none of these."""
    if isinstance(value, datetime.date):
        return Deadline(DeadlineKind.DATE, value, value.isoformat())
    text = str(value or "").strip()
    if text in _ONGOING:
        return Deadline(DeadlineKind.ONGOING, None, text)
    year_end = _YEAR_END.match(text)
    if year_end:
        return Deadline(DeadlineKind.YEAR_END, datetime.date(int(year_end[1]), 12, 31), text)
    if _ISO_DATE.match(text):
        try:
            return Deadline(DeadlineKind.DATE, datetime.date.fromisoformat(text), text)
        except ValueError:
            return None
    return None


def split_units(value: Any) -> list[str]:
    """A list of unit names from a list, or from one text separated by 、 , ; or new lines."""
    if isinstance(value, list):
        return [str(unit).strip() for unit in value if str(unit).strip()]
    return [unit.strip() for unit in _UNIT_SEPARATORS.split(str(value or "")) if unit.strip()]


def _units(raw: Any, errors: _Errors) -> dict[str, str]:
    if not isinstance(raw, dict) or not raw:
        errors.add("units", _("缺少单位对照表（units）：方案中的单位名称对应哪个部门代码。"))
        return {}
    codes = set(Department.objects.values_list("code", flat=True))
    units: dict[str, str] = {}
    for name, target in raw.items():
        name = str(name).strip()
        target = str(target or "").strip()
        where = f"units[{name}]"
        if not name or len(name) > limits.UNIT_NAME_MAX_LENGTH:
            errors.add(where, _("单位名称不能为空，最多%(limit)d个字符。") % {"limit": 100})
        elif target in GROUP_MARKERS:
            units[name] = GROUP_MARKERS[target]
        elif target in codes:
            units[name] = target
        else:
            errors.add(
                where,
                _(
                    "“%(target)s”不是已有的部门代码（也不是@other或@districts）；请先在部门参考数据中添加该部门。"
                )
                % {"target": target[:64]},
            )
    return units


def _unit_list(raw: Any, where: str, units: dict[str, str], errors: _Errors) -> list[str]:
    names = split_units(raw)
    if not names:
        errors.add(where, _("必须列出责任单位。"))
    if len(names) > limits.MAX_UNITS_PER_TASK:
        errors.add(where, _("责任单位不能超过%(limit)d个。") % {"limit": limits.MAX_UNITS_PER_TASK})
    for name in names:
        if name not in units:
            errors.add(where, _("单位“%(name)s”不在单位对照表（units）中。") % {"name": name[:100]})
    return names


def _list(raw: Any, where: str, errors: _Errors) -> list:
    if raw is None:
        errors.add(where, _("缺少此项。"))
        return []
    if not isinstance(raw, list):
        errors.add(where, _("应为列表。"))
        return []
    return raw


def _sections(raw: Any, units: dict[str, str], errors: _Errors) -> list[SectionEntry]:
    sections = []
    numbers: set[str] = set()
    items = _list(raw, "sections", errors)
    if isinstance(raw, list) and not raw:
        errors.add("sections", _("方案至少应有一个任务类别。"))
    for position, item in enumerate(items):
        item = item if isinstance(item, dict) else {}
        where = str(item.get("_where") or f"sections[{position}]")
        number = _text(item.get("number"), f"{where}.number", limits.NUMBER_MAX_LENGTH, errors)
        if number in numbers:
            errors.add(f"{where}.number", _("序号“%(number)s”重复。") % {"number": number})
        numbers.add(number)
        tasks = _tasks(item.get("tasks"), where, units, errors)
        title = _text(item.get("title"), f"{where}.title", limits.TITLE_MAX_LENGTH, errors)
        sections.append(SectionEntry(number=number, title=title, tasks=tasks))
    return sections


def _tasks(raw: Any, parent: str, units: dict[str, str], errors: _Errors) -> list[TaskEntry]:
    tasks = []
    numbers: set[int] = set()
    for position, item in enumerate(_list(raw, f"{parent}.tasks", errors)):
        item = item if isinstance(item, dict) else {}
        where = str(item.get("_where") or f"{parent}.tasks[{position}]")
        number = item.get("number")
        if isinstance(number, bool) or not isinstance(number, int) or number < 1:
            errors.add(f"{where}.number", _("序号应为正整数。"))
            number = 0
        elif number in numbers:
            errors.add(f"{where}.number", _("序号%(number)d重复。") % {"number": number})
        numbers.add(number)
        deadline = parse_deadline(item.get("deadline"))
        if deadline is None:
            errors.add(
                f"{where}.deadline",
                _("完成时间应写成“2017年底前”“持续实施”或YYYY-MM-DD，现为“%(value)s”。")
                % {"value": str(item.get("deadline") or "")[:40]},
            )
            deadline = Deadline(DeadlineKind.ONGOING, None, "")
        tasks.append(
            TaskEntry(
                number=number,
                title=_text(item.get("title"), f"{where}.title", limits.TITLE_MAX_LENGTH, errors),
                summary=_text(
                    item.get("summary"),
                    f"{where}.summary",
                    limits.SUMMARY_MAX_LENGTH,
                    errors,
                    required=False,
                ),
                deadline=deadline,
                units=_unit_list(item.get("units"), f"{where}.units", units, errors),
            )
        )
    return tasks


def _safeguards(raw: Any, units: dict[str, str], errors: _Errors) -> list[SafeguardEntry]:
    safeguards = []
    for position, item in enumerate(_list(raw, "measures", errors)):
        item = item if isinstance(item, dict) else {}
        where = str(item.get("_where") or f"measures[{position}]")
        safeguards.append(
            SafeguardEntry(
                number=_text(
                    item.get("number"), f"{where}.number", limits.NUMBER_MAX_LENGTH, errors
                ),
                title=_text(item.get("title"), f"{where}.title", limits.TITLE_MAX_LENGTH, errors),
                summary=_text(
                    item.get("summary"),
                    f"{where}.summary",
                    limits.SUMMARY_MAX_LENGTH,
                    errors,
                    required=False,
                ),
                units=_unit_list(item.get("units"), f"{where}.units", units, errors),
            )
        )
    return safeguards
