"""What the supervision services share: the role checks, the input checks naming the field, and
the audit event."""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from typing import Any

from django.utils.translation import gettext as _

from chengxin.core.audit import events as audit_events
from chengxin.core.errors import DomainError, PermissionDeniedError
from chengxin.core.text import TextField, field_refusal, text_checked
from chengxin.supervision import error_codes, limits
from chengxin.supervision.permissions import can_decide, can_keep_registers

USCC_FIELD = "uscc"


def _check_registers(actor) -> None:
    if not can_keep_registers(actor):
        raise PermissionDeniedError(
            error_codes.SUPERVISION_ROLE_REQUIRED,
            _("只有信用办审核员和系统管理员可以维护监管登记。"),
            "Only credit-office reviewers and the system admin keep the supervision registers.",
        )


def _check_decider(actor) -> None:
    if not can_decide(actor):
        raise PermissionDeniedError(
            error_codes.SUPERVISION_LISTING_ROLE_REQUIRED,
            _("只有信用办审核员可以认定违规行为和列入、移出黑名单。"),
            "Only credit-office reviewers record violations and list or delist agencies.",
        )


def _required_text(value: str | None, field: TextField) -> str:
    cleaned = text_checked(value, field)
    if not cleaned:
        raise _required(field)
    return cleaned


def _required(field: TextField) -> DomainError:
    return field_refusal(
        [
            {
                "field": field.name,
                "code": error_codes.SUPERVISION_FIELD_REQUIRED,
                "message": _("请填写“%(label)s”。") % {"label": field.label},
                "message_en": f"{field.name} is required.",
            }
        ]
    )


def _choice(value: str, choices, *, field: str, label) -> str:
    if value not in choices.values:
        raise field_refusal(
            [
                {
                    "field": field,
                    "code": error_codes.SUPERVISION_CHOICE_INVALID,
                    "message": _("“%(label)s”的取值无效，请从列表中选择。") % {"label": label},
                    "message_en": f"{field} is not one of the allowed values.",
                }
            ]
        )
    return value


def _date(value, *, field: str, label, earliest=None, latest=None) -> datetime.date:
    if not isinstance(value, datetime.date):
        message = _("请填写“%(label)s”。") % {"label": label}
    elif latest is not None and value > latest:
        message = _("“%(label)s”不能晚于%(date)s。") % {"label": label, "date": latest.isoformat()}
    elif earliest is not None and value < earliest:
        message = _("“%(label)s”不能早于%(date)s。") % {
            "label": label,
            "date": earliest.isoformat(),
        }
    else:
        return value
    raise field_refusal(
        [
            {
                "field": field,
                "code": error_codes.SUPERVISION_DATE_INVALID,
                "message": message,
                "message_en": f"{field} is missing or out of range.",
            }
        ]
    )


def _collects(entries: Sequence[dict[str, str]]) -> list[dict[str, str]]:
    cleaned = []
    for entry in entries:
        information = _required_text(entry.get("information"), limits.INFORMATION)
        basis = _required_text(entry.get("basis"), limits.COLLECTION_BASIS)
        cleaned.append({"information": information, "basis": basis})
    if not cleaned or len(cleaned) > limits.COLLECTS_MAX_ENTRIES:
        raise field_refusal(
            [
                {
                    "field": "collects",
                    "code": error_codes.SUPERVISION_FIELD_REQUIRED,
                    "message": _("请列出收集的个人信息及其法律依据（1至%(max)d项）。")
                    % {"max": limits.COLLECTS_MAX_ENTRIES},
                    "message_en": "List 1 to 50 kinds of information with their legal basis.",
                }
            ]
        )
    return cleaned


def _apply(instance, values: dict[str, Any]) -> list[str]:
    changed = []
    for name, value in values.items():
        if getattr(instance, name) != value:
            setattr(instance, name, value)
            changed.append(name)
    return changed


def _audit(actor, action: str, object_type: str, object_id, detail: dict[str, Any]) -> None:
    audit_events.change_event(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=str(object_id),
        detail=detail,
    )


def _user_or_none(actor):
    return actor if getattr(actor, "is_authenticated", False) else None
