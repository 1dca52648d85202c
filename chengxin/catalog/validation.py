"""Rules a catalog item must satisfy before it is saved (SPEC §3, §5, §6).

``item_problems`` lists every problem at once, so staff fix an item in one pass; the services
refuse an item with any problem (``catalog_item_invalid``), and the admin form shows the same list.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from django.utils.translation import gettext as _

from chengxin.catalog import error_codes
from chengxin.catalog.choices import (
    Category,
    Disclosure,
    Domain,
    FieldSet,
    GoodRecordSource,
    KeyField,
    ListKind,
    Profession,
    Severity,
    UpdateFrequency,
)
from chengxin.catalog.fields import full_table_schema, reserved_field_names
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.schema import (
    Problem,
    ambiguous_header_problems,
    validate_table_schema,
)
from chengxin.core import error_codes as core_error_codes
from chengxin.core.personal_data import contains_id_number
from chengxin.core.selectors import policy_value

CODE_PATTERN = re.compile(r"[a-z0-9]+(-[a-z0-9]+)*")
CODE_MAX_LENGTH = 64
DISCLOSURE_POLICY_BY_SEVERITY = {
    Severity.MINOR: "disclosure.minor_months",
    Severity.GENERAL: "disclosure.general_months",
    Severity.SERIOUS: "disclosure.serious_months",
}
POSITIVE_VALIDITY_POLICY = "positive.validity_years"
_CHOICE_ATTRIBUTES = {
    "category": Category,
    "severity": Severity,
    "domain": Domain,
    "disclosure": Disclosure,
    "update_frequency": UpdateFrequency,
    "good_record_source": GoodRecordSource,
    "key_field": KeyField,
    "field_set": FieldSet,
}
_OPTIONAL_CHOICES = frozenset(
    {"severity", "domain", "good_record_source", "key_field", "field_set"}
)


def item_problems(item: CatalogItem, *, department_count: int) -> list[Problem]:
    """Every problem of ``item`` (unsaved or changed in memory) with its providing departments."""
    problems = [
        *_identity_problems(item, department_count),
        *_choice_problems(item),
        *_multi_choice_problems("professions", item.professions, Profession),
        *_multi_choice_problems("lists", item.lists, ListKind),
    ]
    if problems:
        return problems + _schema_problems(item)
    return [
        *_severity_problems(item),
        *_list_problems(item),
        *_marker_problems(item),
        *_period_problems(item),
        *_schema_problems(item),
    ]


def disclosure_ceiling_months(severity: str) -> int:
    """The disclosure period in force for ``severity``: an item may only shorten it."""
    return int(policy_value(DISCLOSURE_POLICY_BY_SEVERITY[Severity(severity)]))


def validity_ceiling_months() -> int:
    """The validity period in force for positive records, in months."""
    return int(policy_value(POSITIVE_VALIDITY_POLICY)) * 12


def _identity_problems(item: CatalogItem, department_count: int) -> list[Problem]:
    problems = []
    if not (len(item.code) <= CODE_MAX_LENGTH and CODE_PATTERN.fullmatch(item.code)):
        problems.append(
            _problem(
                "code",
                error_codes.PROBLEM_CODE_FORMAT,
                _("代码只能由小写字母、数字和连字符组成，最长64个字符。"),
                "A code has lower-case letters, digits and hyphens only, at most 64 characters.",
            )
        )
    elif contains_id_number(item.code):
        # The code is in every URL and audit event of the item.
        problems.append(
            _problem(
                "code",
                core_error_codes.TEXT_HOLDS_ID_NUMBER,
                _("代码中不能包含身份证号码。"),
                "A code must not hold an ID number.",
            )
        )
    for attribute, label in (("name", _("名称")), ("legal_basis", _("法律依据"))):
        if not str(getattr(item, attribute) or "").strip():
            problems.append(_required(attribute, label))
    if department_count < 1:
        problems.append(_required("departments", _("提供部门")))
    return problems


def _choice_problems(item: CatalogItem) -> list[Problem]:
    problems = []
    for attribute, choices in _CHOICE_ATTRIBUTES.items():
        value = getattr(item, attribute)
        if value == "" and attribute in _OPTIONAL_CHOICES:
            continue
        if value not in choices.values:
            problems.append(_unknown_choice(attribute, value))
    return problems


def _multi_choice_problems(attribute: str, values: object, choices) -> list[Problem]:
    if not isinstance(values, list) or any(value not in choices.values for value in values):
        return [_unknown_choice(attribute, values)]
    if len(set(values)) != len(values):
        return [
            _problem(
                attribute,
                error_codes.PROBLEM_DUPLICATE_VALUE,
                _("%(attribute)s 中有重复的值。") % {"attribute": attribute},
                f"{attribute} lists a value twice.",
            )
        ]
    return []


def _severity_problems(item: CatalogItem) -> list[Problem]:
    if item.category == Category.NEGATIVE and not item.severity:
        return [
            _problem(
                "severity",
                error_codes.PROBLEM_SEVERITY_REQUIRED,
                _("失信信息必须注明失信程度（轻微、一般或严重）。"),
                "A negative item needs a severity (minor, general or serious).",
            )
        ]
    if item.category != Category.NEGATIVE and item.severity:
        return [
            _problem(
                "severity",
                error_codes.PROBLEM_SEVERITY_NEGATIVE_ONLY,
                _("只有失信信息才有失信程度。"),
                "Only negative items have a severity.",
            )
        ]
    return []


def _list_problems(item: CatalogItem) -> list[Problem]:
    """Lists follow from the records (SPEC §6): check each list's condition on the item."""
    conditions = {
        ListKind.RED_LIST: (
            item.category == Category.POSITIVE,
            _("只有守信信息可以纳入守信红名单。"),
            "Only positive items put a person on the red list.",
        ),
        ListKind.SERIOUS_DISHONESTY: (
            item.severity == Severity.SERIOUS,
            _("只有严重失信信息可以纳入严重失信主体名单。"),
            "Only serious negative items put a person on the serious dishonesty list.",
        ),
        ListKind.KEY_SUPERVISION: (
            item.severity == Severity.SERIOUS and bool(item.key_field),
            _("只有六类重点领域的严重失信信息可以纳入重点监管对象名单。"),
            "Only serious items of one of the six key fields put a person on the key "
            "supervision list.",
        ),
    }
    problems = []
    for kind in item.lists:
        allowed, message, message_en = conditions[ListKind(kind)]
        if not allowed:
            problems.append(
                _problem("lists", error_codes.PROBLEM_LIST_MISMATCH, message, message_en)
            )
    return problems


def _marker_problems(item: CatalogItem) -> list[Problem]:
    problems = []
    if item.good_record_source and item.category != Category.POSITIVE:
        problems.append(
            _problem(
                "good_record_source",
                error_codes.PROBLEM_GOOD_RECORD_SOURCE_POSITIVE_ONLY,
                _("只有守信信息可以注明优良记录来源。"),
                "Only positive items have a good-record source.",
            )
        )
    if item.key_field and item.severity != Severity.SERIOUS:
        problems.append(
            _problem(
                "key_field",
                error_codes.PROBLEM_KEY_FIELD_SERIOUS_ONLY,
                _("只有严重失信信息可以归入六类重点监管领域。"),
                "Only serious negative items belong to one of the six key fields.",
            )
        )
    if item.opt_out_allowed and item.category != Category.POSITIVE:
        problems.append(
            _problem(
                "opt_out_allowed",
                error_codes.PROBLEM_OPT_OUT_POSITIVE_ONLY,
                _("只有守信信息可以由本人申请退出。"),
                "Only positive items can be withdrawn by the person.",
            )
        )
    if not item.repairable and not item.repair_exclusion_basis.strip():
        problems.append(
            _problem(
                "repair_exclusion_basis",
                error_codes.PROBLEM_REPAIR_EXCLUSION_NEEDS_BASIS,
                _("不可修复的目录项必须写明不予修复的法律依据。"),
                "An item that cannot be repaired must state the legal basis for it.",
            )
        )
    return problems


def _period_problems(item: CatalogItem) -> list[Problem]:
    problems = []
    if item.disclosure_months is not None:
        if item.category != Category.NEGATIVE:
            problems.append(_period_not_allowed("disclosure_months", _("失信信息")))
        else:
            ceiling = disclosure_ceiling_months(item.severity)
            problems.extend(_period_bounds("disclosure_months", item.disclosure_months, ceiling))
    if item.validity_months is not None:
        if item.category != Category.POSITIVE:
            problems.append(_period_not_allowed("validity_months", _("守信信息")))
        else:
            ceiling = validity_ceiling_months()
            problems.extend(_period_bounds("validity_months", item.validity_months, ceiling))
    return problems


def _period_bounds(attribute: str, months: int, ceiling: int) -> list[Problem]:
    if months < 1:
        return [
            _problem(
                attribute,
                error_codes.PROBLEM_PERIOD_TOO_SHORT,
                _("期限至少为1个月。"),
                "A period is at least one month.",
            )
        ]
    if months > ceiling:
        return [
            _problem(
                attribute,
                error_codes.PROBLEM_PERIOD_TOO_LONG,
                _("目录项只能缩短政策参数规定的期限（%(ceiling)s 个月），不能延长。")
                % {"ceiling": ceiling},
                f"An item may only shorten the policy period ({ceiling} months), not lengthen it.",
            )
        ]
    return []


def _schema_problems(item: CatalogItem) -> list[Problem]:
    own = validate_table_schema(item.schema)
    problems = [_prefixed(problem, "schema") for problem in own]
    if own:
        return problems
    reserved = reserved_field_names(item.field_set if item.field_set in FieldSet.values else "")
    for index, descriptor in enumerate(item.schema.get("fields", [])):
        if descriptor["name"] in reserved:
            problems.append(_reserved_name(index, descriptor["name"]))
    if problems:
        return problems
    full = full_table_schema(item.schema, item.field_set)
    return [_prefixed(problem, "table_schema") for problem in ambiguous_header_problems(full)]


def _reserved_name(index: int, name: str) -> Problem:
    return _problem(
        f"schema.fields[{index}].name",
        error_codes.SCHEMA_FIELD_NAME_TAKEN,
        _("字段名 %(name)s 已被公共字段或国家字段集使用。") % {"name": name},
        f"The field name {name} is taken by a common field or the national field set.",
    )


def _prefixed(problem: Problem, prefix: str) -> Problem:
    path = f"{prefix}.{problem.path}" if problem.path else prefix
    return Problem(
        path=path, code=problem.code, message=problem.message, message_en=problem.message_en
    )


def _period_not_allowed(attribute: str, category_label: str) -> Problem:
    return _problem(
        attribute,
        error_codes.PROBLEM_PERIOD_NOT_ALLOWED,
        _("只有%(category)s可以设定该期限。") % {"category": category_label},
        f"{attribute} applies to one category only.",
    )


def _required(attribute: str, label: str) -> Problem:
    return _problem(
        attribute,
        error_codes.PROBLEM_REQUIRED,
        _("%(label)s不能为空。") % {"label": label},
        f"{attribute} is required.",
    )


def _unknown_choice(attribute: str, value: object) -> Problem:
    return _problem(
        attribute,
        error_codes.PROBLEM_CHOICE,
        _("%(attribute)s 的取值不在允许的范围内。") % {"attribute": attribute},
        f"{attribute} has a value outside its vocabulary: {value!r}.",
    )


def _problem(path: str, code: str, message: str, message_en: str) -> Problem:
    return Problem(path=path, code=code, message=str(message), message_en=message_en)


def problems_as_dicts(problems: Sequence[Problem]) -> list[dict[str, str]]:
    return [problem.as_dict() for problem in problems]
