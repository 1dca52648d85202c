"""The starter catalog (SPEC §3), loaded by ``chengxin seed``.

Loading is idempotent. An item missing from the database is created (version 1). An item whose
shipped definition is unchanged gets no new version, unless the code-defined common fields
changed, which writes a new version so the published schema and the version always agree. A
changed shipped definition is applied only to items nobody has edited on the platform since the
last load; an edited item keeps its edits and is reported.
"""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path
from typing import Any

from django.core.management.base import CommandError
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import ReferenceOutcome, Severity
from chengxin.catalog.models import CatalogItem
from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.catalog.services import catalog_item_create, catalog_item_update
from chengxin.catalog.snapshots import content_hash

STARTER_CATALOG_PATH = Path(__file__).resolve().parent / "data" / "starter_catalog.json"


def load_reference_data(*, stdout) -> None:
    """Create or update the starter catalog items and report what happened to each."""
    definitions = starter_catalog_definitions()
    departments = _departments_by_code(definitions)
    outcomes: Counter[str] = Counter()
    for definition in definitions:
        outcome = _load_item(definition, departments)
        outcomes[outcome] += 1
        if outcome == ReferenceOutcome.KEPT:
            stdout.write(
                _("目录项 %(code)s 已在平台上修改，保留本地修改。") % {"code": definition["code"]}
            )
    summary = "，".join(
        f"{ReferenceOutcome(outcome).label} {outcomes[outcome]}"
        for outcome in ReferenceOutcome.values
        if outcomes[outcome]
    )
    stdout.write(_("信息目录：%(summary)s。") % {"summary": summary})


def starter_catalog_definitions() -> list[dict[str, Any]]:
    """The shipped item definitions, as in ``data/starter_catalog.json``."""
    with STARTER_CATALOG_PATH.open(encoding="utf-8") as handle:
        return json.load(handle)["items"]


def _departments_by_code(definitions: list[dict[str, Any]]) -> dict[str, Department]:
    codes = {code for definition in definitions for code in definition["departments"]}
    departments = {d.code: d for d in Department.objects.filter(code__in=codes)}
    missing = sorted(codes - set(departments))
    if missing:
        raise CommandError(
            _("缺少部门参考数据：%(codes)s。请先加载部门。") % {"codes": "、".join(missing)}
        )
    return departments


def _load_item(definition: dict[str, Any], departments: dict[str, Department]) -> str:
    reference_hash = content_hash(definition)
    attributes = {key: value for key, value in definition.items() if key != "departments"}
    attributes["departments"] = [departments[code] for code in definition["departments"]]
    item = CatalogItem.objects.filter(code=definition["code"]).first()
    if item is None:
        catalog_item_create(actor=None, reference_hash=reference_hash, **attributes)
        return ReferenceOutcome.CREATED
    if item.reference_hash == reference_hash:
        return _refresh(item)
    if not _is_untouched(item):
        return ReferenceOutcome.KEPT
    attributes.pop("code")
    catalog_item_update(
        item=item, changes=_changes(attributes), actor=None, reference_hash=reference_hash
    )
    return ReferenceOutcome.UPDATED


def _refresh(item: CatalogItem) -> str:
    before = catalog_item_current_version(item)
    catalog_item_update(item=item, changes={}, actor=None)
    after = catalog_item_current_version(item)
    return ReferenceOutcome.UNCHANGED if after.pk == before.pk else ReferenceOutcome.REFRESHED


def _is_untouched(item: CatalogItem) -> bool:
    """Whether the item's current version is the one the last load wrote."""
    if not item.reference_hash or item.reference_version is None:
        return False
    return catalog_item_current_version(item).number == item.reference_version


def _changes(attributes: dict[str, Any]) -> dict[str, Any]:
    """Every editable attribute, with the defaults of an attribute the definition leaves out."""
    defaults = {
        "name_en": "",
        "severity": "",
        "domain": "",
        "professions": [],
        "lists": [],
        "good_record_source": "",
        "key_field": "",
        "field_set": "",
        "disclosure_months": None,
        "validity_months": None,
        "schema": {"fields": []},
        "push_upstream": attributes.get("severity") == Severity.SERIOUS,
        "repairable": True,
        "repair_exclusion_basis": "",
        "opt_out_allowed": False,
        "is_active": True,
    }
    return {**defaults, **attributes}
