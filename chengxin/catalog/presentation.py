"""How catalog items read on staff pages and in templates: field rows, constraints, periods."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.utils.translation import gettext as _

from chengxin.catalog.choices import Category, FieldType
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.validation import disclosure_ceiling_months, validity_ceiling_months


@dataclass(frozen=True)
class FieldRow:
    """One field of an item's Table Schema, as the staff page lists it."""

    name: str
    title: str
    type_label: str
    required: bool
    enum: list[Any]
    constraints: str
    aliases: list[str]
    description: str


@dataclass(frozen=True)
class Period:
    """A period that applies to an item's records, and whether the item shortened it."""

    label: str
    months: int
    is_override: bool


def field_rows(schema: dict[str, Any]) -> list[FieldRow]:
    """The fields of a full Table Schema, in order."""
    return [
        FieldRow(
            name=descriptor["name"],
            title=descriptor["title"],
            type_label=str(FieldType(descriptor["type"]).label),
            required=bool(descriptor.get("constraints", {}).get("required", False)),
            enum=list(descriptor.get("constraints", {}).get("enum", [])),
            constraints=constraints_text(descriptor, include_enum=False),
            aliases=list(descriptor.get("aliases", [])),
            description=descriptor.get("description", ""),
        )
        for descriptor in schema.get("fields", [])
    ]


def constraints_text(descriptor: dict[str, Any], *, include_enum: bool = True) -> str:
    """The constraints of a field as one line of Chinese, for the template and the staff page."""
    constraints = descriptor.get("constraints", {})
    parts = []
    if include_enum and "enum" in constraints:
        parts.append(_("可选值：%(values)s") % {"values": "／".join(map(str, constraints["enum"]))})
    if "maxLength" in constraints:
        parts.append(_("最多 %(count)s 个字符") % {"count": constraints["maxLength"]})
    if "minimum" in constraints:
        parts.append(_("不小于 %(value)s") % {"value": constraints["minimum"]})
    if "maximum" in constraints:
        parts.append(_("不大于 %(value)s") % {"value": constraints["maximum"]})
    if "pattern" in constraints:
        parts.append(_("格式：%(pattern)s") % {"pattern": constraints["pattern"]})
    return "；".join(parts)


def item_periods(item: CatalogItem) -> list[Period]:
    """The disclosure period (negative items) or validity (positive items) in force."""
    if item.category == Category.NEGATIVE and item.severity:
        ceiling = disclosure_ceiling_months(item.severity)
        months = item.disclosure_months or ceiling
        return [Period(_("公示（展示）期限"), months, item.disclosure_months is not None)]
    if item.category == Category.POSITIVE:
        months = item.validity_months or validity_ceiling_months()
        return [Period(_("有效期限"), months, item.validity_months is not None)]
    return []


def choice_labels(values: list[str], choices) -> str:
    """Chinese labels of vocabulary values, joined with 、 (empty for no values)."""
    return "、".join(str(choices(value).label) for value in values)
