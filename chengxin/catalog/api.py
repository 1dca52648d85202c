"""Catalog endpoints: the exchange specification for providers and recipients.

The catalog holds no personal data, so these endpoints are public (no token needed).
"""

from __future__ import annotations

import datetime
from typing import Any

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema

from chengxin.api.openapi import problem_answers
from chengxin.catalog.selectors import (
    catalog_exchange_spec,
    catalog_item_get,
    catalog_item_spec,
)
from chengxin.catalog.xlsx import CONTENT_TYPE, catalog_item_template_xlsx, template_filename

router = Router(tags=["catalog"])

ConstraintValue = bool | int | float | str | list[str] | list[int] | list[float] | list[bool]


class TableSchemaFieldOut(Schema):
    name: str
    title: str
    type: str
    description: str = ""
    constraints: dict[str, ConstraintValue]
    aliases: list[str]


class TableSchemaOut(Schema):
    fields: list[TableSchemaFieldOut]
    primaryKey: list[str]  # Table Schema's own spelling
    missingValues: list[str]  # Table Schema's own spelling


class DepartmentRefOut(Schema):
    code: str
    name: str


class CatalogVersionOut(Schema):
    number: int
    content_hash: str
    created_at: datetime.datetime


class CatalogItemSpecOut(Schema):
    code: str
    name: str
    name_en: str
    category: str
    severity: str
    domain: str
    professions: list[str]
    departments: list[DepartmentRefOut]
    disclosure: str
    legal_basis: str
    update_frequency: str
    lists: list[str]
    good_record_source: str
    key_field: str
    field_set: str
    disclosure_months: int | None
    validity_months: int | None
    push_upstream: bool
    repairable: bool
    repair_exclusion_basis: str
    opt_out_allowed: bool
    version: CatalogVersionOut
    table_schema: TableSchemaOut
    template_url: str


class CatalogSpecOut(Schema):
    specification: str
    format_version: str
    city: str
    region_code: str
    vocabularies: dict[str, dict[str, str]]
    items: list[CatalogItemSpecOut]


_TEMPLATE_RESPONSES: dict[str, Any] = {
    "responses": {
        200: {
            "description": "XLSX import template",
            "content": {CONTENT_TYPE: {"schema": {"type": "string", "format": "binary"}}},
        },
        404: {"description": "`catalog_item_not_found`."},
    }
}


@router.get(
    "",
    response=CatalogSpecOut,
    url_name="catalog_spec",
    operation_id="catalog_list",
    summary="Exchange specification",
)
def catalog_spec(request: HttpRequest) -> dict[str, Any]:
    """Every active catalog item with its Table Schema, aliases, disclosure, lists and version."""
    return catalog_exchange_spec()


@router.get(
    "/{code}",
    response=CatalogItemSpecOut,
    url_name="catalog_item",
    operation_id="catalog_get",
    summary="One catalog item",
    openapi_extra=problem_answers({404: "`catalog_item_not_found`."}),
)
def catalog_item(request: HttpRequest, code: str) -> dict[str, Any]:
    """One active item with its full Table Schema; 404 ``catalog_item_not_found`` otherwise."""
    return catalog_item_spec(catalog_item_get(code=code, active_only=True))


@router.get(
    "/{code}/template.xlsx",
    url_name="catalog_item_template",
    operation_id="catalog_template_get",
    summary="XLSX import template",
    openapi_extra=_TEMPLATE_RESPONSES,
)
def catalog_item_template(request: HttpRequest, code: str) -> HttpResponse:
    """The XLSX import template of one active item (layout in ``docs/catalog.md``)."""
    item = catalog_item_get(code=code, active_only=True)
    response = HttpResponse(catalog_item_template_xlsx(item), content_type=CONTENT_TYPE)
    response["Content-Disposition"] = f'attachment; filename="{template_filename(item)}"'
    return response
