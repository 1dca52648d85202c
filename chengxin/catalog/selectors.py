"""Reads of the catalog. The catalog holds no personal data, so these reads take no viewer.

The exchange specification is built from each item's current version, so what it publishes is
exactly what records are validated against and what a check receipt names.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.conf import settings
from django.db.models import OuterRef, QuerySet, Subquery
from django.urls import reverse
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog import error_codes
from chengxin.catalog.choices import (
    Category,
    Disclosure,
    Domain,
    FieldSet,
    FieldType,
    GoodRecordSource,
    KeyField,
    ListKind,
    Profession,
    Severity,
    UpdateFrequency,
)
from chengxin.catalog.fields import full_table_schema
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.schema import header_map, match_header_in_schema
from chengxin.core.errors import NotFoundError

SPECIFICATION_NAME = "chengxin-catalog"
SPECIFICATION_FORMAT = "1"
VOCABULARIES = {
    "category": Category,
    "severity": Severity,
    "domain": Domain,
    "profession": Profession,
    "disclosure": Disclosure,
    "update_frequency": UpdateFrequency,
    "list": ListKind,
    "good_record_source": GoodRecordSource,
    "key_field": KeyField,
    "field_set": FieldSet,
    "field_type": FieldType,
}


@dataclass(frozen=True)
class CatalogFilters:
    """Filters of the staff catalog index; empty strings mean "any"."""

    domain: str = ""
    category: str = ""
    department: str = ""
    include_inactive: bool = True


def catalog_item_get(*, code: str, active_only: bool = False) -> CatalogItem:
    """The item with ``code``; ``NotFoundError`` ``catalog_item_not_found`` if there is none."""
    items = CatalogItem.objects.filter(is_active=True) if active_only else CatalogItem.objects
    try:
        return items.get(code=code)
    except CatalogItem.DoesNotExist:
        raise NotFoundError(
            code=error_codes.CATALOG_ITEM_NOT_FOUND,
            message=_("没有该代码的目录项，请核对目录项代码。"),
            message_en="There is no catalog item with this code; please check the code.",
        ) from None


def catalog_item_current_version(item: CatalogItem) -> CatalogVersion | None:
    """The version of ``item`` in force: the one new records are validated against.

    Every saved item has one (``None`` only inside ``catalog_item_create``, before version 1).
    """
    return item.versions.order_by("-number").first()


def catalog_item_list(*, filters: CatalogFilters) -> QuerySet[CatalogItem]:
    """Items for the staff index, with departments and the current version number."""
    items = CatalogItem.objects.all()
    if not filters.include_inactive:
        items = items.filter(is_active=True)
    if filters.domain:
        items = items.filter(domain=filters.domain)
    if filters.category:
        items = items.filter(category=filters.category)
    if filters.department:
        items = items.filter(departments__code=filters.department)
    return (
        items.annotate(current_version_number=_latest_version_column("number"))
        .prefetch_related("departments")
        .order_by("category", "domain", "code")
        .distinct()
    )


def catalog_item_table_schema(item: CatalogItem) -> dict[str, Any]:
    """The full Table Schema of ``item`` as it is now: common, field-set and own fields."""
    return full_table_schema(item.schema, item.field_set)


def catalog_version_table_schema(version: CatalogVersion) -> dict[str, Any]:
    """The full Table Schema a version froze: what a record of that version was checked against."""
    return version.snapshot["table_schema"]


def match_header(item: CatalogItem, header: object) -> str | None:
    """The field of ``item`` a file's column header denotes, or ``None``.

    Matches the field name, its Chinese title or any alias, ignoring spaces, full-width versus
    half-width characters (brackets, colons, letters), a leading ``*`` and trailing colons.
    """
    return match_header_in_schema(catalog_item_table_schema(item), header)


def catalog_item_header_map(item: CatalogItem) -> dict[str, str]:
    """Normalised header → field name for every field of ``item``, for matching many columns."""
    return header_map(catalog_item_table_schema(item))


def catalog_exchange_spec() -> dict[str, Any]:
    """The exchange specification: every active item's current version, with vocabularies."""
    versions = _current_versions(CatalogItem.objects.filter(is_active=True))
    department_names = _department_names(versions)
    return {
        "specification": SPECIFICATION_NAME,
        "format_version": SPECIFICATION_FORMAT,
        "city": settings.CHENGXIN_CITY_NAME,
        "region_code": settings.CHENGXIN_REGION_CODE,
        "vocabularies": _vocabularies(),
        "items": [_item_spec(version, department_names) for version in versions],
    }


def catalog_item_spec(item: CatalogItem) -> dict[str, Any]:
    """One item of the exchange specification (its current version), as ``GET /catalog/{code}``."""
    version = catalog_item_current_version(item)
    return _item_spec(version, _department_names([version]))


def _current_versions(items: QuerySet[CatalogItem]) -> list[CatalogVersion]:
    latest_ids = items.annotate(latest_id=_latest_version_column("pk")).values("latest_id")
    return list(
        CatalogVersion.objects.filter(pk__in=Subquery(latest_ids))
        .select_related("item")
        .order_by("item__code")
    )


def _latest_version_column(column: str) -> Subquery:
    newest = CatalogVersion.objects.filter(item=OuterRef("pk")).order_by("-number")
    return Subquery(newest.values(column)[:1])


def _department_names(versions: list[CatalogVersion]) -> dict[str, str]:
    codes = {code for version in versions for code in version.snapshot["departments"]}
    return dict(Department.objects.filter(code__in=codes).values_list("code", "name"))


def _item_spec(version: CatalogVersion, department_names: dict[str, str]) -> dict[str, Any]:
    snapshot = version.snapshot
    code = snapshot["code"]
    return {
        "code": code,
        "name": snapshot["name"],
        "name_en": snapshot["name_en"],
        "category": snapshot["category"],
        "severity": snapshot["severity"],
        "domain": snapshot["domain"],
        "professions": snapshot["professions"],
        "departments": [
            {"code": department, "name": department_names.get(department, "")}
            for department in snapshot["departments"]
        ],
        "disclosure": snapshot["disclosure"],
        "legal_basis": snapshot["legal_basis"],
        "update_frequency": snapshot["update_frequency"],
        "lists": snapshot["lists"],
        "good_record_source": snapshot["good_record_source"],
        "key_field": snapshot["key_field"],
        "field_set": snapshot["field_set"],
        "disclosure_months": snapshot["disclosure_months"],
        "validity_months": snapshot["validity_months"],
        "push_upstream": snapshot["push_upstream"],
        "repairable": snapshot.get("repairable", True),
        "repair_exclusion_basis": snapshot.get("repair_exclusion_basis", ""),
        "opt_out_allowed": snapshot.get("opt_out_allowed", False),
        "version": {
            "number": version.number,
            "content_hash": version.content_hash,
            "created_at": version.created_at,
        },
        "table_schema": snapshot["table_schema"],
        "template_url": reverse("api:catalog_item_template", kwargs={"code": code}),
    }


def _vocabularies() -> dict[str, dict[str, str]]:
    return {
        name: {choice.value: str(choice.label) for choice in choices}
        for name, choices in VOCABULARIES.items()
    }
