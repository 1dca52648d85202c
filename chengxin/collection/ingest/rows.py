"""Validating one row against a catalog item's full Table Schema.

Every problem of the row is reported, one error per problem (row number, field, machine code,
message in Chinese and English naming the column by its Chinese title); a field with a wrong type
is not checked further. The identity number goes through
``chengxin.identity.validation.validate_id_number`` with its own codes; its normalised
18-character form is the cleaned value. Every other field is kept in clear (in the record's
versions, on the public site), so a value that holds an ID number is refused
(``text_holds_id_number``, the platform's one detector, ``core.personal_data``) and a text field
has at most ``limits.RECORD_TEXT_MAX_LENGTH`` characters where its item states no ``maxLength``.
Messages never repeat the value itself.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal, InvalidOperation
from typing import Any

from django.utils.translation import gettext as _

from chengxin.collection.ingest import row_error_codes
from chengxin.collection.ingest.dates import DateInvalid, parse_date
from chengxin.collection.limits import RECORD_TEXT_MAX_LENGTH, UNKNOWN_FIELD_NAME_SHOWN
from chengxin.core import error_codes as core_error_codes
from chengxin.core.personal_data import detector, redact_id_numbers
from chengxin.identity.validation import validate_id_number

ID_NUMBER_FIELD = "id_number"
DECIDED_ON_FIELD = "decided_on"
TRUE_TEXTS = frozenset({"是", "true", "1", "y", "yes"})
FALSE_TEXTS = frozenset({"否", "false", "0", "n", "no"})
_THOUSANDS_SEPARATOR = ","
ID_CACHE_LIMIT = 100_000


@dataclass(frozen=True)
class RowError:
    """One problem of one value: where it is, its machine code, and what to do, in two languages."""

    row: int
    field: str
    code: str
    message: str
    message_en: str


@dataclass(frozen=True)
class RowResult:
    """The typed values of a row (only those that passed) and every error found."""

    cleaned: dict[str, Any]
    errors: list[RowError]
    warnings: list[RowError] = field(default_factory=list)

    @property
    def is_valid(self) -> bool:
        return not self.errors


@dataclass(frozen=True)
class _Problem:
    code: str
    message: str
    message_en: str


class _TypeProblem(ValueError):
    def __init__(self, problem: _Problem) -> None:
        super().__init__(problem.code)
        self.problem = problem


def validate_row(
    *, schema: dict[str, Any], values: Mapping[str, Any], row_number: int, today: date
) -> RowResult:
    """Check ``values`` (field → raw value) against ``schema``; ``today`` bounds future dates."""
    return RowValidator(schema, today=today).validate(values, row_number=row_number)


class RowValidator:
    """``validate_row`` for the many rows of one schema: the schema is read once, not per row.

    Each field's checks (type, pattern, enum, bounds, length) are prepared up front in the order
    ``validate_row`` applies them, so the outcome for a row is the same. ID numbers seen before
    by this validator are not checked again (a file names a person in several rows); the cache
    lives as long as the validator (one file import) and holds at most ``ID_CACHE_LIMIT``
    numbers. Messages are in the language active when a number was first checked.
    """

    def __init__(self, schema: dict[str, Any], *, today: date) -> None:
        self.today = today
        self.missing_values = frozenset(schema.get("missingValues", [""]))
        self.fields = [_FieldCheck(descriptor) for descriptor in schema["fields"]]
        self.names = frozenset(check.name for check in self.fields)
        self._id_numbers: dict[str, tuple[Any, list[_Problem], list[_Problem]]] = {}
        self._holds_id_number = detector().contains_id_number
        self._screened = tuple(check.name for check in self.fields if check.screened)
        # Each field compiled once into one function of the raw value (``_compile``): a row is
        # then one call per field, not a walk over the field's descriptor.
        self._steps = tuple((check, self._compile(check)) for check in self.fields)

    def validate(self, values: Mapping[str, Any], *, row_number: int) -> RowResult:
        cleaned: dict[str, Any] = {}
        errors = (
            []
            if self.names.issuperset(values)
            else [
                _unknown_field_error(row_number, name) for name in values if name not in self.names
            ]
        )
        warnings: list[RowError] = []
        holding = self._fields_holding_id_numbers(values)
        missing_values = self.missing_values
        for check, clean in self._steps:
            name = check.name
            raw = values.get(name)
            if raw is None or (isinstance(raw, str) and raw.strip() in missing_values):
                if check.required:
                    errors.append(_error(row_number, check.descriptor, _required_problem()))
                continue
            if holding and name in holding:
                errors.append(_error(row_number, check.descriptor, _holds_id_number_problem()))
                continue
            try:
                cleaned[name] = clean(raw)
            except _Refused as refused:
                if refused.problems:
                    errors.extend(
                        _error(row_number, check.descriptor, problem)
                        for problem in refused.problems
                    )
                else:
                    cleaned[name] = refused.value
                warnings.extend(
                    _error(row_number, check.descriptor, remark) for remark in refused.remarks
                )
        return RowResult(cleaned=cleaned, errors=errors, warnings=warnings)

    def _compile(self, check: _FieldCheck) -> Callable[[Any], Any]:
        """The function that turns a present raw value of ``check``'s field into its typed value,
        or raises ``_Refused`` with the field's problems (and remarks), as ``_check`` finds them.

        A value that passes takes the shortest way (a text field: strip, measure, look up); any
        other goes through ``_check``, so every problem and its order stay those of ``_check``.
        """
        if check.name == ID_NUMBER_FIELD:
            return self._id_number_clean
        if check.convert is _to_string and check.pattern is None:
            return _compiled_string(check, self._check)
        return _compiled_generic(check, self._check)

    def _id_number_clean(self, raw: Any) -> Any:
        found = self._id_numbers.get(raw) if raw.__class__ is str else None
        if found is None:
            found = self._check_id_number(str(raw))
        value, problems, remarks = found
        if problems or remarks:
            raise _Refused(value, problems, remarks)
        return value

    def _check_id_number(self, text: str) -> tuple[Any, list[_Problem], list[_Problem]]:
        found = self._id_numbers.get(text)
        if found is None:
            if len(self._id_numbers) >= ID_CACHE_LIMIT:
                self._id_numbers.clear()
            found = self._id_numbers[text] = _check_id_number(text, today=self.today)
        return found

    def _fields_holding_id_numbers(self, values: Mapping[str, Any]) -> frozenset[str]:
        """The fields other than the ID number whose value holds one (as text, or as a number).

        The values are searched as one text first, joined by a character that neither belongs
        to a number nor separates its digit groups: one search per row, since rows almost never
        hold one (this runs for every row of every import); only then field by field. Only the
        fields whose value is kept as sent are searched (``_FieldCheck.screened``).
        """
        texts = [
            value if (value := values.get(name)).__class__ is str else _as_text(value)
            for name in self._screened
        ]
        if not self._holds_id_number(_FIELD_SEPARATOR.join(texts)):
            return frozenset()
        return frozenset(
            name
            for name, text in zip(self._screened, texts, strict=True)
            if self._holds_id_number(text)
        )

    def _check(self, check: _FieldCheck, raw: Any) -> tuple[Any, list[_Problem], list[_Problem]]:
        if check.name == ID_NUMBER_FIELD:
            return self._check_id_number(str(raw))
        try:
            value = check.convert(raw)
        except _TypeProblem as error:
            return None, [error.problem], []
        problems = check.problems(value) if check.constrained else []
        if check.name == DECIDED_ON_FIELD and isinstance(value, date) and value > self.today:
            problems.append(_future_problem())
        return value, problems, []


class _FieldCheck:
    """One field's descriptor with its converter and constraint bounds prepared."""

    def __init__(self, descriptor: dict[str, Any]) -> None:
        self.descriptor = descriptor
        self.name = descriptor["name"]
        field_type = descriptor.get("type", "string")
        constraints = descriptor.get("constraints", {})
        self.required = bool(constraints.get("required"))
        self.convert = _CONVERTERS[field_type]
        self.pattern = re.compile(constraints["pattern"]) if "pattern" in constraints else None
        self.enum = constraints.get("enum")
        self.typed_enum = _typed_enum(field_type, self.enum) if self.enum is not None else None
        self.minimum = constraints.get("minimum")
        self.typed_minimum = _typed(field_type, self.minimum) if "minimum" in constraints else None
        self.maximum = constraints.get("maximum")
        self.typed_maximum = _typed(field_type, self.maximum) if "maximum" in constraints else None
        # A value kept as it was sent could keep an ID number in clear: text (unless it must be
        # one of the item's own options) and numbers. A date or a yes/no keeps none.
        self.screened = self.name != ID_NUMBER_FIELD and (
            field_type in ("integer", "number") or (field_type == "string" and self.enum is None)
        )
        self.max_length = constraints.get("maxLength")
        if self.max_length is None and field_type == "string":
            self.max_length = RECORD_TEXT_MAX_LENGTH
        self.constrained = self.max_length is not None or any(
            key in constraints for key in ("pattern", "enum", "minimum", "maximum")
        )

    def problems(self, value: Any) -> list[_Problem]:
        """The constraint problems of a typed value: pattern, enum, bounds, length, in that order."""
        problems = []
        if self.pattern is not None and not self.pattern.fullmatch(str(value)):
            problems.append(_pattern_problem())
        if self.typed_enum is not None and value not in self.typed_enum:
            problems.append(_enum_problem(self.enum))
        if self.typed_minimum is not None and value < self.typed_minimum:
            problems.append(_minimum_problem(self.minimum))
        if self.typed_maximum is not None and value > self.typed_maximum:
            problems.append(_maximum_problem(self.maximum))
        if self.max_length is not None and len(value) > self.max_length:
            problems.append(_max_length_problem(self.max_length, len(value)))
        return problems


class _Refused(ValueError):
    """A field's value with problems or remarks, raised by a compiled field check."""

    def __init__(self, value: Any, problems: list[_Problem], remarks: list[_Problem]) -> None:
        super().__init__("refused")
        self.value = value
        self.problems = problems
        self.remarks = remarks


def _compiled_string(check: _FieldCheck, slow: Callable) -> Callable[[Any], str]:
    """A text field without a pattern: the stripped text when it is short enough and, for a
    field with options, one of them; otherwise the problems ``slow`` (``_check``) finds."""
    max_length = check.max_length
    options = _option_set(check.typed_enum)

    def clean(raw: Any) -> str:
        value = raw.strip() if raw.__class__ is str else _to_string(raw)
        if (max_length is None or len(value) <= max_length) and (
            options is None or value in options
        ):
            return value
        return _refused(check, raw, slow)

    return clean


def _compiled_generic(check: _FieldCheck, slow: Callable) -> Callable[[Any], Any]:
    """Any other field: ``_check`` itself, raising ``_Refused`` when it finds a problem."""

    def clean(raw: Any) -> Any:
        value, problems, remarks = slow(check, raw)
        if problems or remarks:
            raise _Refused(value, problems, remarks)
        return value

    return clean


def _refused(check: _FieldCheck, raw: Any, slow: Callable) -> Any:
    value, problems, remarks = slow(check, raw)
    if problems or remarks:
        raise _Refused(value, problems, remarks)
    return value


def _option_set(options: list[Any] | None) -> frozenset | list | None:
    """The options as a set for the membership test (the same answer as the list's for these
    JSON values), or the list when one of them cannot be hashed."""
    if options is None:
        return None
    try:
        return frozenset(options)
    except TypeError:
        return options


_FIELD_SEPARATOR = "\x1f"


def _as_text(raw: Any) -> str:
    if raw.__class__ is str:
        return raw
    if raw is None or isinstance(raw, bool) or not isinstance(raw, int | float | Decimal):
        return ""
    return str(raw)


def _check_id_number(raw: Any, *, today: date) -> tuple[Any, list[_Problem], list[_Problem]]:
    validation = validate_id_number(str(raw), today=today)
    problems = [_Problem(e.code, e.message, e.message_en) for e in validation.errors]
    remarks = [_Problem(w.code, w.message, w.message_en) for w in validation.warnings]
    return validation.normalised, problems, remarks


def _to_string(raw: Any) -> str:
    if isinstance(raw, date):
        return raw.isoformat()
    return str(raw).strip()


def _to_integer(raw: Any) -> int:
    number = _to_decimal(raw, problem=_integer_problem)
    if number != number.to_integral_value():
        raise _TypeProblem(_integer_problem())
    return int(number)


def _to_number(raw: Any) -> Decimal:
    return _to_decimal(raw, problem=_number_problem)


def _to_decimal(raw: Any, *, problem: Callable[[], _Problem]) -> Decimal:
    if isinstance(raw, bool | date):
        raise _TypeProblem(problem())
    text = unicodedata.normalize("NFKC", str(raw)).strip().replace(_THOUSANDS_SEPARATOR, "")
    try:
        number = Decimal(text)
    except InvalidOperation as error:
        raise _TypeProblem(problem()) from error
    if not number.is_finite():
        raise _TypeProblem(problem())
    return number


def _to_boolean(raw: Any) -> bool:
    if isinstance(raw, bool):
        return raw
    text = unicodedata.normalize("NFKC", str(raw)).strip().casefold()
    if text in TRUE_TEXTS:
        return True
    if text in FALSE_TEXTS:
        return False
    raise _TypeProblem(_boolean_problem())


def _to_date(raw: Any) -> date:
    try:
        return parse_date(raw)
    except DateInvalid as error:
        raise _TypeProblem(_Problem(error.code, error.message, error.message_en)) from error


_CONVERTERS: dict[str, Callable[[Any], Any]] = {
    "string": _to_string,
    "integer": _to_integer,
    "number": _to_number,
    "boolean": _to_boolean,
    "date": _to_date,
}


def _typed(field_type: str, bound: Any) -> Any:
    if field_type == "date":
        return date.fromisoformat(str(bound))
    if field_type == "number":
        return Decimal(str(bound))
    return bound


def _typed_enum(field_type: str, options: list[Any]) -> list[Any]:
    return [_typed(field_type, option) for option in options]


def _error(row_number: int, descriptor: dict[str, Any], problem: _Problem) -> RowError:
    title = descriptor.get("title") or descriptor["name"]
    return RowError(
        row=row_number,
        field=descriptor["name"],
        code=problem.code,
        message=_("第%(row)s行“%(title)s”：%(problem)s")
        % {"row": row_number, "title": title, "problem": problem.message},
        message_en=f"Row {row_number}, column “{title}” ({descriptor['name']}): "
        f"{problem.message_en}",
    )


def _unknown_field_error(row_number: int, name: str) -> RowError:
    # The name comes from the provider and is repeated in the error, which is stored and shown:
    # no ID number in it, and no more of it than a reader needs.
    name = redact_id_numbers(str(name))
    if len(name) > UNKNOWN_FIELD_NAME_SHOWN:
        name = name[:UNKNOWN_FIELD_NAME_SHOWN] + "…"
    return RowError(
        row=row_number,
        field=name,
        code=row_error_codes.FIELD_UNKNOWN,
        message=_("第%(row)s行：字段“%(name)s”不属于该目录项，请删除或改用目录中的字段名。")
        % {"row": row_number, "name": name},
        message_en=f"Row {row_number}: the field “{name}” does not belong to the catalog item; "
        "remove it or use a field name of the catalog.",
    )


def _required_problem() -> _Problem:
    return _Problem(
        row_error_codes.FIELD_REQUIRED, _("必填项为空，请填写。"), "This value is required."
    )


def _integer_problem() -> _Problem:
    return _Problem(
        row_error_codes.FIELD_TYPE,
        _("应为整数，例如12。"),
        "A whole number is expected, for example 12.",
    )


def _number_problem() -> _Problem:
    return _Problem(
        row_error_codes.FIELD_TYPE,
        _("应为数字，例如12.5。"),
        "A number is expected, for example 12.5.",
    )


def _boolean_problem() -> _Problem:
    return _Problem(
        row_error_codes.FIELD_TYPE, _("应填写“是”或“否”。"), "Write 是 (yes) or 否 (no)."
    )


def _pattern_problem() -> _Problem:
    return _Problem(
        row_error_codes.FIELD_PATTERN,
        _("格式不符合目录规定，请按填写说明填写。"),
        "The value does not have the format the catalog requires; see the instructions.",
    )


def _enum_problem(options: list[Any]) -> _Problem:
    listed = "、".join(str(option) for option in options)
    return _Problem(
        row_error_codes.FIELD_ENUM,
        _("不是可选的值，应为：%(options)s。") % {"options": listed},
        f"Not one of the allowed values: {listed}.",
    )


def _minimum_problem(bound: Any) -> _Problem:
    return _Problem(
        row_error_codes.FIELD_MINIMUM,
        _("不能小于%(bound)s。") % {"bound": bound},
        f"Must not be less than {bound}.",
    )


def _maximum_problem(bound: Any) -> _Problem:
    return _Problem(
        row_error_codes.FIELD_MAXIMUM,
        _("不能大于%(bound)s。") % {"bound": bound},
        f"Must not be greater than {bound}.",
    )


def _max_length_problem(limit: int, length: int) -> _Problem:
    return _Problem(
        row_error_codes.FIELD_MAX_LENGTH,
        _("超过%(limit)s个字符（现有%(length)s个），请缩短。") % {"limit": limit, "length": length},
        f"Longer than {limit} characters ({length}); shorten it.",
    )


def _holds_id_number_problem() -> _Problem:
    return _Problem(
        core_error_codes.TEXT_HOLDS_ID_NUMBER,
        _("不能包含身份证号码，身份证号码只能填在身份证号码一栏。"),
        "Must not hold an ID number; ID numbers go in the ID-number column only.",
    )


def _future_problem() -> _Problem:
    return _Problem(
        row_error_codes.DECIDED_ON_FUTURE,
        _("决定日期晚于今天，请核对。"),
        "The decision date is later than today; please check it.",
    )
