"""The frozen form of a catalog item that each version stores, and its content hash."""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from typing import Any

from chengxin.catalog.fields import full_table_schema
from chengxin.catalog.models import CatalogItem
from chengxin.core.json import canonical

SNAPSHOT_ATTRIBUTES = (
    "code",
    "name",
    "name_en",
    "category",
    "severity",
    "domain",
    "professions",
    "disclosure",
    "legal_basis",
    "update_frequency",
    "lists",
    "good_record_source",
    "key_field",
    "field_set",
    "disclosure_months",
    "validity_months",
    "push_upstream",
    "repairable",
    "repair_exclusion_basis",
    "opt_out_allowed",
    "is_active",
)


def item_snapshot(item: CatalogItem, *, department_codes: Iterable[str]) -> dict[str, Any]:
    """Every attribute of ``item``, its providing departments and its full Table Schema."""
    snapshot: dict[str, Any] = {name: getattr(item, name) for name in SNAPSHOT_ATTRIBUTES}
    snapshot["professions"] = list(item.professions)
    snapshot["lists"] = list(item.lists)
    snapshot["departments"] = sorted(department_codes)
    snapshot["table_schema"] = full_table_schema(item.schema, item.field_set)
    return snapshot


def content_hash(value: Any) -> str:
    """SHA-256 of the canonical JSON of ``value`` (sorted keys, UTF-8)."""
    return hashlib.sha256(canonical(value)).hexdigest()


def changed_attributes(before: dict[str, Any], after: dict[str, Any]) -> list[str]:
    """The snapshot keys whose values differ, sorted."""
    keys = set(before) | set(after)
    return sorted(key for key in keys if before.get(key) != after.get(key))
