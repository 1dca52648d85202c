"""What every kind of due-process case (objections, repairs, tip-offs) shares in its services:
the refusal of one field, a required text field, and the audit event of a transition."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from django.utils.translation import gettext as _

from chengxin.core.audit import events as audit_events
from chengxin.core.audit.choices import AuditAction
from chengxin.core.errors import DomainError
from chengxin.core.text import TextField, text_checked
from chengxin.core.text import field_refusal as fields_refusal


def field_refusal(field: str, code: str, message: str, message_en: str) -> DomainError:
    """A 422 naming ``field``, in the API's field-error shape (``core.text.field_refusal``)."""
    error = {"field": field, "code": code, "message": message, "message_en": message_en}
    return fields_refusal([error])


def required_text(value: str, field: TextField, *, code: str) -> str:
    """``value`` checked against ``field``'s limits and the ID-number guard; refused when empty."""
    value = text_checked(value or "", field)
    if not value:
        raise field_refusal(
            field.name,
            code,
            _("请填写“%(label)s”。") % {"label": field.label},
            f"{field.name} is required.",
        )
    return value


def transition_audit(
    *,
    actor,
    object_type: str,
    case,
    subject_index: str,
    transition: str,
    facts: Mapping[str, Any],
    action: str = AuditAction.UPDATE,
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> None:
    """The one audit event of a transition of ``case``: its name, the case's status after it,
    the case's ``facts`` (no personal data) and the transition's own ``detail``."""
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(case.pk),
        subject_index=subject_index,
        detail={"transition": str(transition), "status": case.status, **facts, **(detail or {})},
        request=request,
    )
