"""Writes of the catalog: every change of an item is validated and creates a new version.

Each service runs in one transaction: it checks the item against ``validation.item_problems``,
writes the item, a ``CatalogVersion`` snapshot of the whole item and the audit event.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from typing import Any

from django.db import IntegrityError, transaction
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog import error_codes
from chengxin.catalog.choices import Disclosure, Severity, UpdateFrequency
from chengxin.catalog.models import CatalogItem, CatalogVersion
from chengxin.catalog.schema import Problem
from chengxin.catalog.selectors import catalog_item_current_version
from chengxin.catalog.snapshots import changed_attributes, content_hash, item_snapshot
from chengxin.catalog.validation import item_problems, problems_as_dicts
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError

AUDIT_OBJECT_TYPE = "catalog_item"
LIST_ATTRIBUTES = frozenset({"professions", "lists"})
EDITABLE_ATTRIBUTE_ORDER = (
    "name",
    "name_en",
    "category",
    "severity",
    "domain",
    "professions",
    "departments",
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
    "schema",
)
EDITABLE_ATTRIBUTES = frozenset(EDITABLE_ATTRIBUTE_ORDER)


@transaction.atomic
def catalog_item_create(
    *,
    actor,
    code: str,
    name: str,
    category: str,
    legal_basis: str,
    departments: Iterable[Department],
    schema: Mapping[str, Any] | None = None,
    name_en: str = "",
    severity: str = "",
    domain: str = "",
    professions: Sequence[str] = (),
    disclosure: str = Disclosure.SHARED,
    update_frequency: str = UpdateFrequency.MONTHLY,
    lists: Sequence[str] = (),
    good_record_source: str = "",
    key_field: str = "",
    field_set: str = "",
    disclosure_months: int | None = None,
    validity_months: int | None = None,
    push_upstream: bool | None = None,
    repairable: bool = True,
    repair_exclusion_basis: str = "",
    opt_out_allowed: bool = False,
    is_active: bool = True,
    reference_hash: str = "",
) -> CatalogItem:
    """Create a catalog item and its version 1.

    ``push_upstream`` defaults to true for serious items (SPEC §9). ``reference_hash`` is given
    only by the reference loader and marks the item as matching that shipped definition.
    Raises ``DomainError`` ``catalog_item_invalid`` (with every problem in ``details``) or
    ``catalog_code_taken``. Writes a ``create`` audit event.
    """
    item = CatalogItem(
        code=code,
        name=name,
        name_en=name_en,
        category=category,
        severity=severity,
        domain=domain,
        professions=list(professions),
        disclosure=disclosure,
        legal_basis=legal_basis,
        update_frequency=update_frequency,
        lists=list(lists),
        good_record_source=good_record_source,
        key_field=key_field,
        field_set=field_set,
        disclosure_months=disclosure_months,
        validity_months=validity_months,
        push_upstream=(severity == Severity.SERIOUS) if push_upstream is None else push_upstream,
        repairable=repairable,
        repair_exclusion_basis=repair_exclusion_basis,
        opt_out_allowed=opt_out_allowed,
        is_active=is_active,
        schema=dict(schema) if schema is not None else {"fields": []},
    )
    departments = list(departments)
    _raise_if_invalid(item, departments)
    _insert(item)
    item.departments.set(departments)
    version = _write_version(item, departments=departments, actor=actor)
    _mark_reference(item, reference_hash=reference_hash, version=version)
    audit_events.change_event(
        actor=actor,
        action=AuditAction.CREATE,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(item.pk),
        detail={"code": item.code, "version": version.number, "content_hash": version.content_hash},
    )
    return item


@transaction.atomic
def catalog_item_update(
    *, item: CatalogItem, changes: Mapping[str, Any], actor, reference_hash: str = ""
) -> CatalogItem:
    """Apply ``changes`` (attribute → new value) to ``item``; a real change makes a new version.

    ``departments`` takes an iterable of ``Department``; every other key is an attribute of the
    item except ``code``, which never changes (files and records refer to it). Changes that leave
    the item as it is write nothing. Raises ``DomainError`` ``catalog_change_unknown_attribute``
    or ``catalog_item_invalid``. Writes an ``update`` audit event naming the changed attributes.
    """
    _refuse_unknown_attributes(changes)
    locked = CatalogItem.objects.select_for_update().get(pk=item.pk)
    current = catalog_item_current_version(locked)
    departments = _departments_after(locked, changes)
    _apply(locked, changes)
    _raise_if_invalid(locked, departments)
    snapshot = item_snapshot(locked, department_codes=[d.code for d in departments])
    if current is not None and content_hash(snapshot) == current.content_hash:
        _mark_reference(locked, reference_hash=reference_hash, version=current)
        return locked
    locked.save()
    locked.departments.set(departments)
    version = _write_version(locked, departments=departments, actor=actor)
    _mark_reference(locked, reference_hash=reference_hash, version=version)
    changed = changed_attributes(current.snapshot if current else {}, snapshot)
    audit_events.change_event(
        actor=actor,
        action=AuditAction.UPDATE,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(locked.pk),
        detail={
            "code": locked.code,
            "version": version.number,
            "content_hash": version.content_hash,
            "changed": changed,
        },
    )
    return locked


def _refuse_unknown_attributes(changes: Mapping[str, Any]) -> None:
    unknown = sorted(set(changes) - EDITABLE_ATTRIBUTES)
    if unknown:
        raise DomainError(
            code=error_codes.CATALOG_CHANGE_UNKNOWN_ATTRIBUTE,
            message=_("不能修改目录项的这些属性：%(names)s。") % {"names": "、".join(unknown)},
            message_en=f"These attributes of a catalog item cannot be changed: {unknown}.",
            status=422,
            details={"attributes": unknown},
        )


def _departments_after(item: CatalogItem, changes: Mapping[str, Any]) -> list[Department]:
    if "departments" in changes:
        return list(changes["departments"])
    return list(item.departments.all())


def _apply(item: CatalogItem, changes: Mapping[str, Any]) -> None:
    for attribute, value in changes.items():
        if attribute == "departments":
            continue
        if attribute in LIST_ATTRIBUTES:
            value = list(value)
        elif attribute == "schema":
            value = dict(value)
        setattr(item, attribute, value)


def _raise_if_invalid(item: CatalogItem, departments: list[Department]) -> None:
    problems = item_problems(item, department_count=len(departments))
    if problems:
        raise _invalid(problems)


def _invalid(problems: list[Problem]) -> DomainError:
    return DomainError(
        code=error_codes.CATALOG_ITEM_INVALID,
        message=_("目录项定义有误：%(first)s") % {"first": problems[0].message},
        message_en=f"The catalog item is invalid: {problems[0].message_en}",
        status=422,
        details={"problems": problems_as_dicts(problems)},
    )


def _insert(item: CatalogItem) -> None:
    try:
        with transaction.atomic():
            item.save(force_insert=True)
    except IntegrityError:
        raise DomainError(
            code=error_codes.CATALOG_CODE_TAKEN,
            message=_("代码“%(code)s”已被其他目录项使用。") % {"code": item.code},
            message_en=f"The code {item.code} is already used by another catalog item.",
            status=409,
        ) from None


def _write_version(item: CatalogItem, *, departments: list[Department], actor) -> CatalogVersion:
    snapshot = item_snapshot(item, department_codes=[d.code for d in departments])
    latest = catalog_item_current_version(item)
    return CatalogVersion.objects.create(
        item=item,
        number=(latest.number + 1) if latest else 1,
        snapshot=snapshot,
        content_hash=content_hash(snapshot),
        created_by=actor if getattr(actor, "is_authenticated", False) else None,
    )


def _mark_reference(item: CatalogItem, *, reference_hash: str, version: CatalogVersion) -> None:
    if not reference_hash:
        return
    item.reference_hash = reference_hash
    item.reference_version = version.number
    item.save(update_fields=["reference_hash", "reference_version", "updated_at"])
