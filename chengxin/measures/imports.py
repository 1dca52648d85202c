"""Import of measures from CSV (UTF-8 with or without BOM, else GB18030) or JSON, in the shape of
the national basic list of dishonesty punishment measures (全国失信惩戒措施基础清单).

Columns (the first name is canonical; aliases in brackets; see docs/measures.md):

- 措施编号 [编号, code] — optional; without it the code is ``nat-`` plus the first 10 hex digits of
  the SHA-256 of the name, so re-importing the same list updates the same measures;
- 措施名称 [措施, 名称, name] — required;
- 措施类别 [类别, kind] — 惩戒/激励 or punishment/reward; by default 惩戒 when the row has a
  惩戒对象 column, 激励 when it has 激励对象;
- 惩戒对象 / 激励对象 [对象, 适用对象, targets] — required: the lists that trigger it, separated by
  、，,；; — 严重失信主体名单 (with a domain name such as 税收缴纳 to restrict it), 重点监管对象名单
  (with one of the six fields such as 不依法诚信纳税), 守信红名单, or the machine values;
- 措施类型 [类型, measure_type] — 行政性/市场性/社会性/行业性 or values; default 行政性;
- 法律依据 [设定依据, 依据, legal_basis] — required;
- 实施部门 [实施主体, 实施单位, departments] — required: department codes, names or short names;
- 适用事项 [事项, matters] — labels or values; default 全部事项;
- 措施内容 [具体措施, effect] — optional.

A JSON file is a list of objects with these keys, or ``{"measures": [...]}``. Every row is
validated on its own; good rows are created or updated (as drafts, or activated with
``activate=True``), bad rows are reported with their row number (the header is row 1 of a CSV,
the first object is row 1 of a JSON file) and nothing of them is written.
"""

from __future__ import annotations

import csv
import hashlib
import io
import json
import re
from dataclasses import dataclass, field
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import Domain, KeyField, ListKind
from chengxin.core.errors import DomainError
from chengxin.measures import error_codes
from chengxin.measures.choices import Matter, MeasureKind, MeasureType
from chengxin.measures.models import Measure
from chengxin.measures.services import (
    measure_activate,
    measure_create,
    measure_update,
)

COLUMNS: dict[str, tuple[str, ...]] = {
    "code": ("措施编号", "编号", "code"),
    "name": ("措施名称", "措施", "名称", "name"),
    "kind": ("措施类别", "类别", "kind"),
    "punishment_targets": ("惩戒对象",),
    "reward_targets": ("激励对象",),
    "targets": ("对象", "适用对象", "targets"),
    "measure_type": ("措施类型", "类型", "measure_type"),
    "legal_basis": ("法律依据", "设定依据", "依据", "legal_basis"),
    "departments": ("实施部门", "实施主体", "实施单位", "departments"),
    "matters": ("适用事项", "事项", "matters"),
    "effect": ("措施内容", "具体措施", "effect"),
}
SEPARATORS = re.compile(r"[、，,；;\n]+")


@dataclass
class ImportResult:
    created: int = 0
    updated: int = 0
    unchanged: int = 0
    errors: list[dict[str, Any]] = field(default_factory=list)

    @property
    def rejected(self) -> int:
        return len({error["row"] for error in self.errors})


def read_rows(content: bytes, *, file_name: str = "") -> list[tuple[int, dict[str, Any]]]:
    """(row number, canonical values) of a CSV or JSON file."""
    text = _decode(content)
    if file_name.lower().endswith(".json") or text.lstrip().startswith(("[", "{")):
        data = json.loads(text)
        if isinstance(data, dict):
            data = data.get("measures", [])
        rows = [(number, values) for number, values in enumerate(data, start=1)]
    else:
        reader = csv.DictReader(io.StringIO(text))
        rows = [(number, values) for number, values in enumerate(reader, start=2)]
    return [(number, _canonical(values)) for number, values in rows]


def _decode(content: bytes) -> str:
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError:
        return content.decode("gb18030")


def _canonical(values: dict[str, Any]) -> dict[str, Any]:
    found: dict[str, Any] = {}
    cleaned = {str(k).strip(): v for k, v in (values or {}).items() if k is not None}
    for name, aliases in COLUMNS.items():
        for alias in aliases:
            if alias in cleaned and cleaned[alias] not in (None, ""):
                found[name] = cleaned[alias]
                break
    return found


def _parts(value: Any) -> list[str]:
    if isinstance(value, list):
        return [str(part).strip() for part in value if str(part).strip()]
    return [part.strip() for part in SEPARATORS.split(str(value or "")) if part.strip()]


def _choice(value: str, choices) -> str | None:
    value = value.strip()
    for choice_value, label in choices.choices:
        if value in (choice_value, str(label)):
            return choice_value
    return None


def _target(text: str) -> dict[str, str] | None:
    if text in ListKind.values:
        return {"list": text, "domain": "", "key_field": ""}
    for key_field, label in KeyField.choices:
        if str(label) in text or key_field == text:
            return {"list": ListKind.KEY_SUPERVISION, "domain": "", "key_field": key_field}
    if "重点监管" in text:
        return {"list": ListKind.KEY_SUPERVISION, "domain": "", "key_field": ""}
    if "红名单" in text or "守信" in text:
        return {"list": ListKind.RED_LIST, "domain": "", "key_field": ""}
    if "失信" in text:
        domain = next((value for value, label in Domain.choices if str(label) in text), "")
        return {"list": ListKind.SERIOUS_DISHONESTY, "domain": domain, "key_field": ""}
    return None


class _Row:
    def __init__(self, number: int, departments: dict[str, Department]):
        self.number = number
        self.departments = departments
        self.errors: list[dict[str, Any]] = []

    def error(self, column: str, code: str, message: str, message_en: str) -> None:
        self.errors.append(
            {
                "row": self.number,
                "column": column,
                "code": code,
                "message": message,
                "message_en": message_en,
            }
        )

    def parse(self, values: dict[str, Any]) -> dict[str, Any]:
        name = str(values.get("name", "")).strip()
        if not name:
            self.error("措施名称", error_codes.ROW_REQUIRED, _("缺少措施名称。"), "Name missing.")
        kind = self._kind(values)
        targets_text = (
            values.get("punishment_targets")
            or values.get("reward_targets")
            or values.get("targets")
        )
        triggers = []
        if not targets_text:
            self.error(
                "惩戒对象", error_codes.ROW_REQUIRED, _("缺少惩戒/激励对象。"), "Targets missing."
            )
        for part in _parts(targets_text):
            trigger = _target(part)
            if trigger is None:
                self.error(
                    "惩戒对象",
                    error_codes.ROW_TARGET_UNKNOWN,
                    _("无法识别的对象：%(value)s。") % {"value": part},
                    f"Unknown target: {part}.",
                )
            else:
                triggers.append(trigger)
        measure_type = _choice(str(values.get("measure_type") or "行政性"), MeasureType)
        if measure_type is None:
            self.error("措施类型", error_codes.ROW_CHOICE, _("措施类型无效。"), "Unknown type.")
        legal_basis = str(values.get("legal_basis", "")).strip()
        if not legal_basis:
            self.error(
                "法律依据", error_codes.ROW_REQUIRED, _("缺少法律依据。"), "Legal basis missing."
            )
        departments = []
        for part in _parts(values.get("departments")):
            department = self.departments.get(part)
            if department is None:
                self.error(
                    "实施部门",
                    error_codes.ROW_DEPARTMENT_UNKNOWN,
                    _("未知的实施部门：%(value)s。") % {"value": part},
                    f"Unknown department: {part}.",
                )
            else:
                departments.append(department)
        if not _parts(values.get("departments")):
            self.error(
                "实施部门", error_codes.ROW_REQUIRED, _("缺少实施部门。"), "Department missing."
            )
        matters = []
        for part in _parts(values.get("matters") or Matter.ALL):
            matter = _choice(part, Matter)
            if matter is None:
                self.error(
                    "适用事项",
                    error_codes.ROW_CHOICE,
                    _("未知的适用事项：%(value)s。") % {"value": part},
                    f"Unknown matter: {part}.",
                )
            else:
                matters.append(matter)
        code = str(values.get("code", "")).strip().lower()
        if not code and name:
            code = "nat-" + hashlib.sha256(name.encode("utf-8")).hexdigest()[:10]
        return {
            "code": code,
            "name": name,
            "kind": kind,
            "measure_type": measure_type,
            "legal_basis": legal_basis,
            "departments": departments,
            "triggers": triggers,
            "matters": matters,
            "effect": str(values.get("effect", "")).strip(),
        }

    def _kind(self, values: dict[str, Any]) -> str | None:
        if values.get("kind"):
            kind = _choice(str(values["kind"]), MeasureKind)
            if kind is None:
                self.error("措施类别", error_codes.ROW_CHOICE, _("措施类别无效。"), "Unknown kind.")
            return kind
        if values.get("reward_targets") and not values.get("punishment_targets"):
            return MeasureKind.REWARD
        return MeasureKind.PUNISHMENT


def _department_lookup() -> dict[str, Department]:
    lookup: dict[str, Department] = {}
    for department in Department.objects.all():
        for key in (department.code, department.name, department.short_name):
            if key:
                lookup[key] = department
    return lookup


def measures_import(
    *, content: bytes, file_name: str = "", actor, activate: bool = False, source: str = ""
) -> ImportResult:
    """Create or update the measures of a file, row by row; bad rows are reported, not written."""
    result = ImportResult()
    departments = _department_lookup()
    seen: set[str] = set()
    for number, values in read_rows(content, file_name=file_name):
        row = _Row(number, departments)
        attributes = row.parse(values)
        if attributes["code"] in seen:
            row.error("措施编号", error_codes.ROW_DUPLICATE, _("文件中重复的措施。"), "Duplicate.")
        if row.errors:
            result.errors.extend(row.errors)
            continue
        seen.add(attributes["code"])
        try:
            outcome = _apply(attributes, actor=actor, activate=activate, source=source)
        except DomainError as error:
            row.error("", error.code, error.message, error.message_en)
            result.errors.extend(row.errors)
            continue
        setattr(result, outcome, getattr(result, outcome) + 1)
    return result


@transaction.atomic
def _apply(attributes: dict[str, Any], *, actor, activate: bool, source: str) -> str:
    measure = Measure.objects.filter(code=attributes["code"]).first()
    if measure is None:
        measure = measure_create(actor=actor, source=source, **attributes)
        outcome = "created"
    else:
        before = measure.current_version
        changes = {k: v for k, v in attributes.items() if k != "code"}
        measure = measure_update(measure=measure, changes=changes, actor=actor)
        outcome = "updated" if measure.current_version != before else "unchanged"
    if activate:
        measure_activate(measure=measure, actor=actor)
    return outcome
