"""Writes of the measures catalog: create, update (a new version), activate, retire.

Each write stores a ``MeasureVersion`` snapshot when the measure changed and an audit event
(object type ``measures.measure``) in the same transaction.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping
from typing import Any

from django.db import transaction
from django.utils.translation import gettext as _

from chengxin.accounts.models import Department
from chengxin.catalog.choices import Domain, KeyField, ListKind
from chengxin.catalog.snapshots import content_hash
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.personal_data import contains_id_number
from chengxin.measures import error_codes
from chengxin.measures.choices import Matter, MeasureKind, MeasureStatus, MeasureType
from chengxin.measures.models import Measure, MeasureVersion
from chengxin.measures.snapshot import measure_snapshot_attributes

AUDIT_OBJECT_TYPE = "measures.measure"
CODE_PATTERN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,63}$")
EDITABLE = (
    "name",
    "kind",
    "measure_type",
    "effect",
    "legal_basis",
    "departments",
    "triggers",
    "matters",
    "source",
)


def normalise_triggers(triggers: Iterable[Any]) -> list[dict[str, str]]:
    """Triggers as ``{"list", "domain", "key_field"}`` objects; a bare list kind is accepted."""
    result = []
    for trigger in triggers:
        if isinstance(trigger, str):
            trigger = {"list": trigger}
        result.append(
            {
                "list": str(trigger.get("list", "")),
                "domain": str(trigger.get("domain", "") or ""),
                "key_field": str(trigger.get("key_field", "") or ""),
            }
        )
    return result


def measure_problems(measure: Measure) -> list[dict[str, str]]:
    """What is wrong with a measure's attributes (empty when it is valid as a draft)."""
    problems = []

    def problem(field: str, message: str, message_en: str) -> None:
        problems.append(
            {"field": field, "code": "invalid", "message": message, "message_en": message_en}
        )

    if not CODE_PATTERN.match(measure.code or ""):
        problem("code", _("代码只能包含小写字母、数字、点、下划线和连字符。"), "Invalid code.")
    elif contains_id_number(measure.code):
        # The code is in every check's answer and audit event.
        problem("code", _("代码中不能包含身份证号码。"), "A code must not hold an ID number.")
    if not (measure.name or "").strip():
        problem("name", _("请填写措施名称。"), "The name is required.")
    if measure.kind not in MeasureKind.values:
        problem("kind", _("措施类别无效。"), "Unknown kind.")
    if measure.measure_type not in MeasureType.values:
        problem("measure_type", _("措施类型无效。"), "Unknown measure type.")
    for trigger in measure.triggers:
        if trigger.get("list") not in ListKind.values:
            problem("triggers", _("触发名单无效。"), "Unknown list.")
        if trigger.get("domain") and trigger["domain"] not in Domain.values:
            problem("triggers", _("触发名单的领域无效。"), "Unknown domain.")
        if trigger.get("key_field") and trigger["key_field"] not in KeyField.values:
            problem("triggers", _("触发名单的重点监管领域无效。"), "Unknown key field.")
    for matter in measure.matters:
        if matter not in Matter.values:
            problem("matters", _("适用事项无效。"), "Unknown matter.")
    return problems


def _raise_if_invalid(measure: Measure) -> None:
    problems = measure_problems(measure)
    if problems:
        raise DomainError(
            code=error_codes.MEASURE_INVALID,
            message=_("措施信息有误。"),
            message_en="The measure is invalid.",
            details={"problems": problems},
        )


def _write_version(measure: Measure, *, departments, actor) -> MeasureVersion:
    snapshot = measure_snapshot_attributes(measure, department_codes=[d.code for d in departments])
    number = measure.current_version + 1
    version = MeasureVersion.objects.create(
        measure=measure,
        number=number,
        snapshot=snapshot,
        content_hash=content_hash(snapshot),
        created_by=actor,
    )
    Measure.objects.filter(pk=measure.pk).update(current_version=number)
    measure.current_version = number
    return version


def _audit(measure: Measure, *, actor, action, version: MeasureVersion, **detail) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=AUDIT_OBJECT_TYPE,
        object_id=str(measure.pk),
        detail={
            "code": measure.code,
            "version": version.number,
            "content_hash": version.content_hash,
            **detail,
        },
    )


@transaction.atomic
def measure_create(
    *,
    actor,
    code: str,
    name: str,
    kind: str,
    measure_type: str,
    effect: str = "",
    legal_basis: str = "",
    departments: Iterable[Department] = (),
    triggers: Iterable[Any] = (),
    matters: Iterable[str] = (Matter.ALL,),
    source: str = "",
    reference_hash: str = "",
) -> Measure:
    """A new measure in ``draft`` status with its version 1."""
    if Measure.objects.filter(code=code).exists():
        raise DomainError(
            code=error_codes.MEASURE_CODE_TAKEN,
            message=_("措施代码已被使用。"),
            message_en="The measure code is already taken.",
        )
    measure = Measure(
        code=code,
        name=name.strip(),
        kind=kind,
        measure_type=measure_type,
        effect=effect.strip(),
        legal_basis=legal_basis.strip(),
        triggers=normalise_triggers(triggers),
        matters=list(matters),
        source=source,
        reference_hash=reference_hash,
    )
    _raise_if_invalid(measure)
    measure.save()
    departments = list(departments)
    measure.departments.set(departments)
    version = _write_version(measure, departments=departments, actor=actor)
    _audit(measure, actor=actor, action=AuditAction.CREATE, version=version)
    return measure


@transaction.atomic
def measure_update(
    *, measure: Measure, changes: Mapping[str, Any], actor, reference_hash: str | None = None
) -> Measure:
    """Apply ``changes``; a real change writes a new version (the code never changes)."""
    unknown = sorted(set(changes) - set(EDITABLE))
    if unknown:
        raise DomainError(
            code=error_codes.MEASURE_UNKNOWN_ATTRIBUTE,
            message=_("不能修改这些属性：%(names)s。") % {"names": "、".join(unknown)},
            message_en=f"These attributes cannot be changed: {', '.join(unknown)}.",
        )
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    departments = list(changes.get("departments", locked.departments.all()))
    for name, value in changes.items():
        if name == "departments":
            continue
        if name == "triggers":
            value = normalise_triggers(value)
        elif name == "matters":
            value = list(value)
        elif isinstance(value, str):
            value = value.strip()
        setattr(locked, name, value)
    _raise_if_invalid(locked)
    if locked.status == MeasureStatus.ACTIVE:
        _raise_if_not_activatable(locked, departments)
    return _save_if_changed(
        locked, departments=departments, actor=actor, reference_hash=reference_hash
    )


def _save_if_changed(measure, *, departments, actor, reference_hash=None, action=None):
    snapshot = measure_snapshot_attributes(measure, department_codes=[d.code for d in departments])
    current = measure.versions.filter(number=measure.current_version).first()
    if reference_hash is not None:
        measure.reference_hash = reference_hash
    if current is not None and current.content_hash == content_hash(snapshot):
        if reference_hash is not None:
            Measure.objects.filter(pk=measure.pk).update(reference_hash=reference_hash)
        return measure
    changed = sorted(
        name for name in snapshot if current is None or current.snapshot.get(name) != snapshot[name]
    )
    measure.save()
    measure.departments.set(departments)
    version = _write_version(measure, departments=departments, actor=actor)
    _audit(
        measure,
        actor=actor,
        action=action or AuditAction.UPDATE,
        version=version,
        changed=changed,
    )
    return measure


def _raise_if_not_activatable(measure: Measure, departments) -> None:
    if not (measure.legal_basis or "").strip():
        raise DomainError(
            code=error_codes.MEASURE_NO_LEGAL_BASIS,
            message=_("措施没有法律依据，不能启用。"),
            message_en="A measure without a legal basis cannot be activated.",
        )
    if not departments:
        raise DomainError(
            code=error_codes.MEASURE_NO_DEPARTMENT,
            message=_("措施没有实施部门，不能启用。"),
            message_en="A measure without an implementing department cannot be activated.",
        )


@transaction.atomic
def measure_activate(*, measure: Measure, actor) -> Measure:
    """Put a measure in force. Refused without a legal basis or an implementing department."""
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    departments = list(locked.departments.all())
    _raise_if_not_activatable(locked, departments)
    if locked.status == MeasureStatus.ACTIVE:
        return locked
    locked.status = MeasureStatus.ACTIVE
    return _save_if_changed(
        locked, departments=departments, actor=actor, action=AuditAction.DECISION
    )


@transaction.atomic
def measure_retire(*, measure: Measure, actor) -> Measure:
    """Take a measure out of force; its versions stay for the receipts that used them."""
    locked = Measure.objects.select_for_update().get(pk=measure.pk)
    if locked.status == MeasureStatus.RETIRED:
        return locked
    locked.status = MeasureStatus.RETIRED
    return _save_if_changed(
        locked,
        departments=list(locked.departments.all()),
        actor=actor,
        action=AuditAction.DECISION,
    )
