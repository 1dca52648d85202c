"""The Table Schema subset the catalog uses, its validator, and header matching (SPEC §3).

Only what the catalog needs of Frictionless Table Schema is accepted: field types ``string``,
``integer``, ``number``, ``date`` and ``boolean``; constraints ``required``, ``pattern``, ``enum``,
``minimum``, ``maximum`` and ``maxLength``; plus ``aliases``, the other column titles that
departments' files use for a field. Anything else is refused, so every consumer of the exchange
specification (the importer, the XLSX template, other platforms) can rely on the subset.
"""

from __future__ import annotations

import datetime
import re
import unicodedata
from collections.abc import Iterator
from dataclasses import asdict, dataclass
from typing import Any

from django.utils.translation import gettext as _

from chengxin.catalog import error_codes
from chengxin.catalog.choices import FieldType

FIELD_NAME_PATTERN = re.compile(r"[a-z][a-z0-9_]{0,62}")
TITLE_MAX_LENGTH = 100
SCHEMA_PROPERTIES = frozenset({"fields", "primaryKey", "missingValues"})
FIELD_PROPERTIES = frozenset(
    {"name", "title", "type", "format", "description", "constraints", "aliases"}
)
CONSTRAINTS = frozenset({"required", "pattern", "enum", "minimum", "maximum", "maxLength"})
RANGE_TYPES = frozenset({FieldType.INTEGER, FieldType.NUMBER, FieldType.DATE})
_WHITESPACE = re.compile(r"\s+")
_REQUIRED_MARKERS = "*＊"
_TRAILING_COLONS = ":："


@dataclass(frozen=True)
class Problem:
    """One reason a catalog item or its schema was refused: where, a machine code, and why."""

    path: str
    code: str
    message: str
    message_en: str

    def as_dict(self) -> dict[str, str]:
        return asdict(self)


def validate_table_schema(schema: object) -> list[Problem]:
    """Every problem of ``schema`` against the catalog's Table Schema subset (empty if valid)."""
    if not isinstance(schema, dict):
        return [
            _problem(
                "",
                error_codes.SCHEMA_NOT_OBJECT,
                _("字段定义必须是一个对象。"),
                "The schema must be an object.",
            )
        ]
    problems = [
        _problem(
            key,
            error_codes.SCHEMA_UNKNOWN_PROPERTY,
            _("不支持的属性“%(key)s”。") % {"key": key},
            f"Unsupported property {key!r}.",
        )
        for key in sorted(set(schema) - SCHEMA_PROPERTIES)
    ]
    fields = schema.get("fields")
    if not isinstance(fields, list):
        problems.append(
            _problem(
                "fields",
                error_codes.SCHEMA_FIELDS_MISSING,
                _("字段定义必须包含字段列表 fields。"),
                "The schema must contain a list of fields.",
            )
        )
        return problems
    problems.extend(_field_list_problems(fields))
    problems.extend(_primary_key_problems(schema.get("primaryKey"), fields))
    problems.extend(_missing_values_problems(schema.get("missingValues")))
    return problems


def normalise_header(header: object) -> str:
    """The form of a column header that matching compares.

    Spaces anywhere (also full-width and non-breaking ones) are removed, full-width characters
    become half-width (NFKC: ``（）`` → ``()``, ``：`` → ``:``, ``ＩＤ`` → ``ID``), a leading
    required-marker ``*`` and trailing colons are dropped, and Latin letters are case-folded.
    """
    text = unicodedata.normalize("NFKC", str(header or ""))
    text = _WHITESPACE.sub("", text)
    text = text.lstrip(_REQUIRED_MARKERS).rstrip(_TRAILING_COLONS)
    return text.casefold()


def header_keys(descriptor: dict[str, Any]) -> Iterator[str]:
    """The normalised headers that name one field: its name, its title and its aliases."""
    texts = [descriptor.get("name"), descriptor.get("title"), *descriptor.get("aliases", [])]
    seen: set[str] = set()
    for text in texts:
        key = normalise_header(text)
        if key and key not in seen:
            seen.add(key)
            yield key


def header_map(schema: dict[str, Any]) -> dict[str, str]:
    """Normalised header → field name for every field of a (full) Table Schema."""
    mapping: dict[str, str] = {}
    for descriptor in schema.get("fields", []):
        for key in header_keys(descriptor):
            mapping.setdefault(key, descriptor["name"])
    return mapping


def match_header_in_schema(schema: dict[str, Any], header: object) -> str | None:
    """The name of the field of ``schema`` that a column header denotes, or ``None``."""
    return header_map(schema).get(normalise_header(header))


def ambiguous_header_problems(schema: dict[str, Any]) -> list[Problem]:
    """Problems for headers that would name two different fields of one full schema."""
    owners: dict[str, str] = {}
    problems = []
    for index, descriptor in enumerate(schema.get("fields", [])):
        for key in header_keys(descriptor):
            owner = owners.setdefault(key, descriptor["name"])
            if owner != descriptor["name"]:
                problems.append(_ambiguous(index, key, owner, descriptor["name"]))
    return problems


def _ambiguous(index: int, key: str, first: str, second: str) -> Problem:
    return _problem(
        f"fields[{index}]",
        error_codes.SCHEMA_HEADER_AMBIGUOUS,
        _("表头“%(header)s”同时指向字段 %(first)s 和 %(second)s。")
        % {"header": key, "first": first, "second": second},
        f"The header {key!r} would name both {first} and {second}.",
    )


def _field_list_problems(fields: list[Any]) -> list[Problem]:
    problems: list[Problem] = []
    names: set[str] = set()
    for index, descriptor in enumerate(fields):
        path = f"fields[{index}]"
        if not isinstance(descriptor, dict):
            problems.append(
                _problem(
                    path,
                    error_codes.SCHEMA_NOT_OBJECT,
                    _("字段定义必须是一个对象。"),
                    "A field must be an object.",
                )
            )
            continue
        problems.extend(_field_problems(path, descriptor))
        name = descriptor.get("name")
        if isinstance(name, str) and name in names:
            problems.append(
                _problem(
                    f"{path}.name",
                    error_codes.SCHEMA_FIELD_NAME_TAKEN,
                    _("字段名 %(name)s 重复。") % {"name": name},
                    f"The field name {name} is used twice.",
                )
            )
        if isinstance(name, str):
            names.add(name)
    return problems


def _field_problems(path: str, descriptor: dict[str, Any]) -> list[Problem]:
    problems = [
        _problem(
            f"{path}.{key}",
            error_codes.SCHEMA_UNKNOWN_PROPERTY,
            _("不支持的字段属性“%(key)s”。") % {"key": key},
            f"Unsupported field property {key!r}.",
        )
        for key in sorted(set(descriptor) - FIELD_PROPERTIES)
    ]
    problems.extend(_name_problems(path, descriptor.get("name")))
    problems.extend(_title_problems(path, descriptor.get("title")))
    field_type = descriptor.get("type")
    if field_type not in FieldType.values:
        problems.append(
            _problem(
                f"{path}.type",
                error_codes.SCHEMA_FIELD_TYPE,
                _("字段类型必须是 string、integer、number、date 或 boolean。"),
                "The field type must be string, integer, number, date or boolean.",
            )
        )
        return problems
    problems.extend(_format_problems(path, descriptor))
    problems.extend(_description_problems(path, descriptor))
    problems.extend(
        _constraints_problems(f"{path}.constraints", field_type, descriptor.get("constraints", {}))
    )
    problems.extend(_aliases_problems(f"{path}.aliases", descriptor.get("aliases", [])))
    return problems


def _name_problems(path: str, name: object) -> list[Problem]:
    if isinstance(name, str) and FIELD_NAME_PATTERN.fullmatch(name):
        return []
    return [
        _problem(
            f"{path}.name",
            error_codes.SCHEMA_FIELD_NAME,
            _("字段名必须以小写字母开头，只含小写字母、数字和下划线，最长63个字符。"),
            "A field name starts with a lower-case letter and has only lower-case "
            "letters, digits and underscores, at most 63 characters.",
        )
    ]


def _title_problems(path: str, title: object) -> list[Problem]:
    if isinstance(title, str) and title.strip() and len(title) <= TITLE_MAX_LENGTH:
        return []
    return [
        _problem(
            f"{path}.title",
            error_codes.SCHEMA_FIELD_TITLE,
            _("每个字段都必须有中文标题（最长100个字符）。"),
            "Every field needs a title of at most 100 characters.",
        )
    ]


def _format_problems(path: str, descriptor: dict[str, Any]) -> list[Problem]:
    if descriptor.get("format", "default") == "default":
        return []
    return [
        _problem(
            f"{path}.format",
            error_codes.SCHEMA_FIELD_FORMAT,
            _("只支持默认格式（日期为 YYYY-MM-DD）。"),
            "Only the default format is supported (dates as YYYY-MM-DD).",
        )
    ]


def _description_problems(path: str, descriptor: dict[str, Any]) -> list[Problem]:
    if isinstance(descriptor.get("description", ""), str):
        return []
    return [
        _problem(
            f"{path}.description",
            error_codes.SCHEMA_CONSTRAINT_TYPE,
            _("字段说明必须是文本。"),
            "A field description must be text.",
        )
    ]


def _constraints_problems(path: str, field_type: str, constraints: object) -> list[Problem]:
    if not isinstance(constraints, dict):
        return [
            _problem(
                path,
                error_codes.SCHEMA_NOT_OBJECT,
                _("约束条件必须是一个对象。"),
                "Constraints must be an object.",
            )
        ]
    problems = [
        _problem(
            f"{path}.{key}",
            error_codes.SCHEMA_CONSTRAINT_UNKNOWN,
            _("不支持的约束条件“%(key)s”。") % {"key": key},
            f"Unsupported constraint {key!r}.",
        )
        for key in sorted(set(constraints) - CONSTRAINTS)
    ]
    checks = (
        _required_problems,
        _pattern_problems,
        _max_length_problems,
        _enum_problems,
        _range_problems,
    )
    for check in checks:
        problems.extend(check(path, field_type, constraints))
    return problems


def _required_problems(path: str, field_type: str, constraints: dict[str, Any]) -> list[Problem]:
    if isinstance(constraints.get("required", False), bool):
        return []
    return [_type_problem(f"{path}.required", "true/false")]


def _pattern_problems(path: str, field_type: str, constraints: dict[str, Any]) -> list[Problem]:
    if "pattern" not in constraints:
        return []
    pattern = constraints["pattern"]
    if field_type != FieldType.STRING:
        return [_not_applicable(f"{path}.pattern", "pattern", field_type)]
    if not isinstance(pattern, str):
        return [_type_problem(f"{path}.pattern", "text")]
    try:
        re.compile(pattern)
    except re.error:
        return [
            _problem(
                f"{path}.pattern",
                error_codes.SCHEMA_PATTERN_INVALID,
                _("正则表达式无法解析。"),
                "The pattern is not a valid regular expression.",
            )
        ]
    return []


def _max_length_problems(path: str, field_type: str, constraints: dict[str, Any]) -> list[Problem]:
    if "maxLength" not in constraints:
        return []
    value = constraints["maxLength"]
    if field_type != FieldType.STRING:
        return [_not_applicable(f"{path}.maxLength", "maxLength", field_type)]
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        return [_type_problem(f"{path}.maxLength", "a positive whole number")]
    return []


def _enum_problems(path: str, field_type: str, constraints: dict[str, Any]) -> list[Problem]:
    if "enum" not in constraints:
        return []
    values = constraints["enum"]
    valid = (
        isinstance(values, list)
        and values
        and all(_value_fits(field_type, value) for value in values)
        and len({repr(value) for value in values}) == len(values)
    )
    if valid:
        return []
    return [
        _problem(
            f"{path}.enum",
            error_codes.SCHEMA_ENUM_INVALID,
            _("可选值必须是不重复的非空列表，且每个值都符合字段类型。"),
            "enum must be a non-empty list of distinct values of the field's type.",
        )
    ]


def _range_problems(path: str, field_type: str, constraints: dict[str, Any]) -> list[Problem]:
    problems: list[Problem] = []
    bounds = {key: constraints[key] for key in ("minimum", "maximum") if key in constraints}
    for key, value in bounds.items():
        if field_type not in RANGE_TYPES:
            problems.append(_not_applicable(f"{path}.{key}", key, field_type))
        elif not _value_fits(field_type, value):
            problems.append(_type_problem(f"{path}.{key}", f"a value of type {field_type}"))
    if problems or len(bounds) < 2:
        return problems
    if _comparable(field_type, bounds["minimum"]) > _comparable(field_type, bounds["maximum"]):
        problems.append(
            _problem(
                f"{path}.minimum",
                error_codes.SCHEMA_RANGE_INVALID,
                _("最小值不能大于最大值。"),
                "minimum must not be greater than maximum.",
            )
        )
    return problems


def _aliases_problems(path: str, aliases: object) -> list[Problem]:
    valid = (
        isinstance(aliases, list)
        and all(isinstance(alias, str) and alias.strip() for alias in aliases)
        and len(set(aliases)) == len(aliases)
    )
    if valid:
        return []
    return [
        _problem(
            path,
            error_codes.SCHEMA_ALIASES_INVALID,
            _("别名必须是不重复的非空文本列表。"),
            "aliases must be a list of distinct, non-empty texts.",
        )
    ]


def _primary_key_problems(primary_key: object, fields: list[Any]) -> list[Problem]:
    if primary_key is None:
        return []
    names = {descriptor.get("name") for descriptor in fields if isinstance(descriptor, dict)}
    if isinstance(primary_key, list) and primary_key and set(primary_key) <= names:
        return []
    return [
        _problem(
            "primaryKey",
            error_codes.SCHEMA_CONSTRAINT_TYPE,
            _("主键必须是已定义字段名的列表。"),
            "primaryKey must be a list of defined field names.",
        )
    ]


def _missing_values_problems(missing_values: object) -> list[Problem]:
    if missing_values is None:
        return []
    if isinstance(missing_values, list) and all(isinstance(v, str) for v in missing_values):
        return []
    return [_type_problem("missingValues", "a list of texts")]


def _value_fits(field_type: str, value: object) -> bool:
    if isinstance(value, bool):
        return field_type == FieldType.BOOLEAN
    if field_type == FieldType.STRING:
        return isinstance(value, str) and bool(value)
    if field_type == FieldType.INTEGER:
        return isinstance(value, int)
    if field_type == FieldType.NUMBER:
        return isinstance(value, int | float)
    if field_type == FieldType.DATE:
        return isinstance(value, str) and _parses_as_date(value)
    return False


def _parses_as_date(text: str) -> bool:
    try:
        datetime.date.fromisoformat(text)
    except ValueError:
        return False
    return len(text) == 10


def _comparable(field_type: str, value: Any) -> Any:
    return datetime.date.fromisoformat(value) if field_type == FieldType.DATE else value


def _type_problem(path: str, expected: str) -> Problem:
    return _problem(
        path,
        error_codes.SCHEMA_CONSTRAINT_TYPE,
        _("%(path)s 的取值类型不正确。") % {"path": path},
        f"{path} must be {expected}.",
    )


def _not_applicable(path: str, constraint: str, field_type: str) -> Problem:
    return _problem(
        path,
        error_codes.SCHEMA_CONSTRAINT_NOT_APPLICABLE,
        _("约束条件 %(constraint)s 不适用于 %(type)s 类型的字段。")
        % {"constraint": constraint, "type": field_type},
        f"The constraint {constraint} does not apply to a {field_type} field.",
    )


def _problem(path: str, code: str, message: str, message_en: str) -> Problem:
    return Problem(path=path, code=code, message=str(message), message_en=message_en)
