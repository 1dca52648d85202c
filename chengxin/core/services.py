"""Writes of the core app: policy values and the working-day calendar table.

Each service runs in a transaction, writes its audit event there, and drops the process cache of
what it changed (at once and again on commit). These are the only write paths: the admin, the
``chengxin policy`` and ``chengxin calendar`` commands all call them.
"""

from __future__ import annotations

import datetime

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext, gettext_lazy

from chengxin.core import error_codes
from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.calendar import invalidate_calendar_cache
from chengxin.core.choices import CalendarDayKind, ReferenceOutcome
from chengxin.core.errors import DomainError, NotFoundError
from chengxin.core.models import CalendarDay, PolicyChange, PolicyValue
from chengxin.core.policy_registry import PolicyDefinition, PolicyScalar, get_definition
from chengxin.core.selectors import invalidate_policy_cache
from chengxin.core.text import TextField, text_checked

POLICY_OBJECT_TYPE = "core.policyvalue"
CALENDAR_OBJECT_TYPE = "core.calendarday"
# The texts staff give with a change: kept in clear, the holiday's name also in the audit log, so
# each has a maximum and none may hold an ID number (``core.text``).
POLICY_REASON_MAX_LENGTH = 2000
CALENDAR_NAME_MAX_LENGTH = 40
CALENDAR_NOTE_MAX_LENGTH = 200
POLICY_REASON = TextField(
    name="reason", label=gettext_lazy("变更理由"), max_length=POLICY_REASON_MAX_LENGTH
)
CALENDAR_NAME = TextField(
    name="name", label=gettext_lazy("节日名称"), max_length=CALENDAR_NAME_MAX_LENGTH
)
CALENDAR_NOTE = TextField(
    name="source_note", label=gettext_lazy("依据"), max_length=CALENDAR_NOTE_MAX_LENGTH
)


def policy_value_set(*, name: str, value: object, actor, reason: str) -> PolicyValue:
    """Set the value in force of policy ``name``, with the reason, its history row and audit event.

    The value is validated against the definition (type and range). From then on reference
    loading no longer follows the code's default for this policy. Raises ``NotFoundError`` for
    an unknown name and ``DomainError`` for an invalid value or an empty reason.
    """
    definition = get_definition(name)
    cleaned = definition.validate(value)
    return _policy_change(
        definition=definition,
        value=cleaned,
        follows_default=False,
        actor=actor,
        reason=_required_reason(reason),
    )


def policy_value_reset(*, name: str, actor, reason: str) -> PolicyValue:
    """Put policy ``name`` back to the code's default and let it follow future defaults again."""
    definition = get_definition(name)
    return _policy_change(
        definition=definition,
        value=definition.default,
        follows_default=True,
        actor=actor,
        reason=_required_reason(reason),
    )


def policy_value_follow_default(*, definition: PolicyDefinition) -> ReferenceOutcome:
    """Bring a row nobody has set in line with the code's default (reference loading, no actor).

    Creates a missing row with the default (not a change: the default was already in force).
    Updates a row that follows the default when the code's default has changed since, with a
    history row and an audit event. Never touches a value someone set.
    """
    with transaction.atomic():
        row, created = _locked_row(definition)
        if created:
            return ReferenceOutcome.CREATED
        if not row.follows_default or row.value == definition.default:
            return ReferenceOutcome.UNCHANGED
        _write_change(
            row=row,
            value=definition.default,
            follows_default=True,
            actor=None,
            reason=gettext("参考数据更新：代码中的默认值已变更。"),
        )
        return ReferenceOutcome.UPDATED


def calendar_day_save(
    *, day: datetime.date, kind: CalendarDayKind, name: str, source_note: str = "", actor
) -> CalendarDay:
    """Create or replace the calendar table's entry for ``day`` (a day off or a make-up workday).

    The entry overrides the ``chinese-calendar`` package for that date, and its year then
    counts as known. Writes an audit event with the old and new kind.
    """
    name = text_checked(name, CALENDAR_NAME)
    source_note = text_checked(source_note, CALENDAR_NOTE)
    if not name:
        raise DomainError(
            code=error_codes.CALENDAR_DAY_NAME_REQUIRED,
            message=gettext("请填写节日名称，例如“春节”。"),
            message_en="Give the holiday's name, for example Spring Festival.",
        )
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().filter(date=day).first()
        old_kind = entry.kind if entry is not None else None
        entry = entry or CalendarDay(date=day)
        entry.kind = CalendarDayKind(kind)
        entry.name = name
        entry.source_note = source_note
        entry.updated_at = timezone.now()
        entry.updated_by = actor
        entry.save()
        _calendar_audit(
            actor=actor,
            day=day,
            action=AuditAction.CREATE if old_kind is None else AuditAction.UPDATE,
            detail={"old_kind": old_kind, "new_kind": entry.kind, "name": entry.name},
        )
        _drop_calendar_cache()
    return entry


def calendar_day_delete(*, day: datetime.date, actor) -> None:
    """Remove the calendar table's entry for ``day``; the package or Monday–Friday answers again."""
    with transaction.atomic():
        entry = CalendarDay.objects.select_for_update().filter(date=day).first()
        if entry is None:
            raise NotFoundError(
                code=error_codes.CALENDAR_DAY_NOT_FOUND,
                message=gettext("工作日历中没有 %(day)s 这一天的记录。") % {"day": day.isoformat()},
                message_en=f"The working-day calendar has no entry for {day.isoformat()}.",
            )
        detail = {"old_kind": entry.kind, "new_kind": None, "name": entry.name}
        entry.delete()
        _calendar_audit(actor=actor, day=day, action=AuditAction.DELETE, detail=detail)
        _drop_calendar_cache()


def _policy_change(
    *,
    definition: PolicyDefinition,
    value: PolicyScalar,
    follows_default: bool,
    actor,
    reason: str,
) -> PolicyValue:
    with transaction.atomic():
        row, _created = _locked_row(definition)
        return _write_change(
            row=row, value=value, follows_default=follows_default, actor=actor, reason=reason
        )


def _locked_row(definition: PolicyDefinition) -> tuple[PolicyValue, bool]:
    """The row of ``definition``, locked for this transaction; created with the default if absent."""
    return PolicyValue.objects.select_for_update().get_or_create(
        name=definition.name, defaults={"value": definition.default, "follows_default": True}
    )


def _write_change(
    *, row: PolicyValue, value: PolicyScalar, follows_default: bool, actor, reason: str
) -> PolicyValue:
    old_value = row.value
    row.value = value
    row.follows_default = follows_default
    row.updated_at = timezone.now()
    row.updated_by = actor
    row.save(update_fields=["value", "follows_default", "updated_at", "updated_by"])
    change = PolicyChange.objects.create(
        policy=row,
        old_value=old_value,
        new_value=value,
        actor=actor,
        reason=reason,
        changed_at=row.updated_at,
    )
    audit_events.change_event(
        actor=actor,
        action=AuditAction.POLICY_CHANGE,
        object_type=POLICY_OBJECT_TYPE,
        object_id=row.name,
        detail={
            "old_value": old_value,
            "new_value": value,
            "follows_default": follows_default,
            "change_id": change.pk,
        },
    )
    invalidate_policy_cache()
    transaction.on_commit(invalidate_policy_cache)
    return row


def _required_reason(reason: str) -> str:
    cleaned = text_checked(reason, POLICY_REASON)
    if not cleaned:
        raise DomainError(
            code=error_codes.POLICY_REASON_REQUIRED,
            message=gettext("修改政策参数必须填写理由。"),
            message_en="A reason is required to change a policy value.",
        )
    return cleaned


def _calendar_audit(*, actor, day: datetime.date, action: str, detail: dict) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=CALENDAR_OBJECT_TYPE,
        object_id=day.isoformat(),
        detail=detail,
    )


def _drop_calendar_cache() -> None:
    invalidate_calendar_cache()
    transaction.on_commit(invalidate_calendar_cache)
