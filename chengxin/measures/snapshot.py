"""A process-local copy of the rules a check applies today: the catalog items that put people on
lists, the measures in force, and the fingerprints receipts name.

Every check needs them and they change rarely, so reading them for each check (six queries and
the Python work on their rows) was most of a check's cost. ``rules_snapshot`` keeps one copy per
process and reloads it when ``rules_stamp`` changes. The stamp is one query over small tables:
the highest measure version id (every change of a measure, its status or its departments writes
a version: ``measures.services``), the highest catalog version id, the latest change of any
measure, catalog item or department, and their counts. Version ids come from sequences and are
never reused, so a change rolled back and a later one cannot give the same stamp; a check
therefore never applies, or names in its receipt, rules other than those in the database when
it ran. Checks as of a past day read the versions of that day directly and are not cached.
"""

from __future__ import annotations

import hashlib
import threading
from collections.abc import Iterable
from dataclasses import dataclass

from django.db import connection
from django.db.models import Max

from chengxin.accounts.models import Department
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.core.json import canonical
from chengxin.measures.choices import MeasureStatus
from chengxin.measures.models import Measure, MeasureVersion


@dataclass(frozen=True)
class RulesSnapshot:
    """The rules in force when ``stamp`` was read. Treat every part as read-only."""

    stamp: tuple
    items_on_lists: dict[int, CatalogItem]
    measures: tuple[tuple[dict, int], ...]
    measures_hash: str
    measure_count: int
    catalog_fingerprint: str


_lock = threading.Lock()
_cached: RulesSnapshot | None = None


def rules_snapshot() -> RulesSnapshot:
    """The rules in force now: this process's copy when the stamp is unchanged, else reloaded."""
    global _cached
    stamp = rules_stamp()
    cached = _cached
    if cached is not None and cached.stamp == stamp:
        return cached
    fresh = _load(stamp)
    with _lock:
        _cached = fresh
    return fresh


def rules_snapshot_forget() -> None:
    """Drop this process's copy (tests; the stamp makes it unnecessary elsewhere)."""
    global _cached
    with _lock:
        _cached = None


def rules_stamp() -> tuple:
    """What changes whenever a measure, a catalog item or a department changes (one query)."""
    models = {
        "measure": Measure,
        "measure_version": MeasureVersion,
        "item": CatalogItem,
        "item_version": CatalogVersion,
        "department": Department,
    }
    tables = {
        name: connection.ops.quote_name(model._meta.db_table) for name, model in models.items()
    }
    query = (  # noqa: S608 - only the models' own table names, quoted, are formatted in
        "SELECT (SELECT MAX(id) FROM {measure_version}), (SELECT MAX(id) FROM {item_version}),"
        " (SELECT MAX(updated_at) FROM {measure}), (SELECT COUNT(*) FROM {measure}),"
        " (SELECT MAX(updated_at) FROM {item}), (SELECT COUNT(*) FROM {item}),"
        " (SELECT MAX(updated_at) FROM {department})"
    ).format(**tables)
    with connection.cursor() as cursor:
        cursor.execute(query)
        return tuple(cursor.fetchone())


def measure_snapshot_attributes(measure: Measure, *, department_codes: Iterable[str]) -> dict:
    """The frozen form of a measure that each version stores."""
    return {
        "code": measure.code,
        "name": measure.name,
        "kind": measure.kind,
        "measure_type": measure.measure_type,
        "effect": measure.effect,
        "legal_basis": measure.legal_basis,
        "departments": sorted(department_codes),
        "triggers": [dict(trigger) for trigger in measure.triggers],
        "matters": list(measure.matters),
        "status": measure.status,
        "source": measure.source,
    }


def _load(stamp: tuple) -> RulesSnapshot:
    items = CatalogItem.objects.only("pk", "code", "name", "lists", "domain", "key_field")
    active = Measure.objects.filter(status=MeasureStatus.ACTIVE).prefetch_related("departments")
    measures = tuple(
        (
            measure_snapshot_attributes(
                measure, department_codes=[d.code for d in measure.departments.all()]
            ),
            measure.current_version,
        )
        for measure in active
    )
    hashes = _current_version_hashes({m.code: m.current_version for m in active})
    return RulesSnapshot(
        stamp=stamp,
        items_on_lists={item.pk: item for item in items if item.lists},
        measures=measures,
        measures_hash=hashlib.sha256(canonical(hashes)).hexdigest(),
        measure_count=len(hashes),
        catalog_fingerprint=_catalog_fingerprint(),
    )


def _current_version_hashes(wanted: dict[str, int]) -> list[list]:
    """[code, number, content hash] of the current version of each active measure, sorted."""
    if not wanted:
        return []
    versions = MeasureVersion.objects.filter(measure__code__in=list(wanted)).values_list(
        "measure__code", "number", "content_hash"
    )
    return sorted(
        [code, number, digest] for code, number, digest in versions if wanted.get(code) == number
    )


def _catalog_fingerprint() -> str:
    """SHA-256 over (item code, current version number) of every active catalog item."""
    rows = (
        CatalogVersion.objects.filter(item__is_active=True)
        .values("item__code")
        .annotate(number=Max("number"))
        .order_by("item__code")
        .values_list("item__code", "number")
    )
    return "sha256:" + hashlib.sha256(canonical([list(row) for row in rows])).hexdigest()
