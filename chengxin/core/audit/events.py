"""Writing audit events: ``record`` and one helper per event type (SPEC §14).

Services call these inside their own transaction, so an event exists exactly when the change it
records does. Each event joins the sealer's queue with it and is sealed into the hash chain by
the sealer within seconds of the commit (``sealing.py``).

Personal data never enters the log: the person concerned is named by blind index
(``subject_index``), and any field that carries an identity number is refused. The number is
recognised by the platform's one detector (``core.personal_data``), the same that guards every
free-text field, so outside input is refused with a clear answer before it gets here:
``PersonalDataInAuditError`` is a programming error, the last line of defence.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from django.utils import timezone

from chengxin.core.audit import hashing
from chengxin.core.audit.choices import AuditAction, HashAlgorithm
from chengxin.core.audit.models import AuditEvent, AuditPending
from chengxin.core.crypto import blind_index
from chengxin.core.json import canonical
from chengxin.core.network import client_address
from chengxin.core.personal_data import contains_id_number, id_numbers_in

_BLIND_INDEX = re.compile(r"[0-9a-f]{64}")
# A value that is a whole hexadecimal digest (an MD5 to a SHA-512, a blind index): a hash, whose
# digit runs may read as an identity number by chance, never one.
_DIGEST = re.compile(r"[0-9a-f]{32,128}")
_LIMITS = {
    "object_type": 64,
    "object_id": 64,
    "purpose": 200,
    "case_no": 100,
    "actor_username": 150,
}


class PersonalDataInAuditError(ValueError):
    """A caller tried to write an identity number into the audit log (a programming error)."""


def record(
    *,
    actor,
    action: str,
    object_type: str = "",
    object_id: str = "",
    subject_index: str = "",
    purpose: str = "",
    case_no: str = "",
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """Append one event to the audit log, in the caller's transaction.

    ``actor`` is the signed-in user or ``None`` for a system job; their id, username, role and
    department code are copied into the event. ``subject_index`` is a blind index (64 hex digits)
    or empty. ``detail`` is a small JSON object without personal data. The event joins the
    sealer's queue in the same transaction; the sealer gives it its place in the hash chain after
    the commit, off the request path (``sealing.py``).

    Raises ``ValueError`` for an unknown action, a malformed blind index, an over-long field, and
    ``PersonalDataInAuditError`` when a field carries an identity number.
    """
    event = AuditEvent(
        created_at=timezone.now(),
        **_actor_values(actor),
        action=_checked_action(action),
        object_type=str(object_type),
        object_id=str(object_id),
        subject_index=_checked_subject_index(subject_index),
        purpose=purpose,
        case_no=case_no,
        detail=_normalised_detail(detail),
        ip_address=_client_address(request),
    )
    _refuse_personal_data(event)
    _stamp_content_hash(event)
    event.save(force_insert=True)
    AuditPending.objects.create(event=event)
    return event


def sign_in_event(*, user, request) -> AuditEvent:
    """A successful sign-in of ``user``."""
    return record(
        actor=user,
        action=AuditAction.SIGN_IN,
        object_type="user",
        object_id=str(user.pk),
        request=request,
    )


def sign_in_failed_event(*, username: str, request, reason: str = "") -> AuditEvent:
    """A failed sign-in attempt. The attempted username is kept (never the password); if it holds
    an identity number, only the blind index of that number is kept. ``reason`` says why the
    attempt was refused when it was not tried at all (``throttled``: a rate limit refused it)."""
    attempted = (username or "").strip()
    kept = attempted[: _LIMITS["actor_username"]]
    # Cutting a name short can leave a number at its end that was not one before.
    numbers = id_numbers_in(attempted) or id_numbers_in(kept)
    subject_index = ""
    if numbers:
        subject_index = blind_index(numbers[0])
        kept = ""
    detail = {"username": kept}
    if reason:
        detail["reason"] = reason
    return record(
        actor=None,
        action=AuditAction.SIGN_IN_FAILED,
        object_type="user",
        subject_index=subject_index,
        detail=detail,
        request=request,
    )


def sign_out_event(*, user, request) -> AuditEvent:
    """A sign-out of ``user`` (``None`` when the session had already expired)."""
    return record(
        actor=user,
        action=AuditAction.SIGN_OUT,
        object_type="user",
        object_id=str(user.pk) if user is not None else "",
        request=request,
    )


def personal_data_read_event(
    *,
    actor,
    subject_index: str,
    object_type: str,
    object_id: str,
    purpose: str = "",
    case_no: str = "",
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """A read of a person's data: who, which person (blind index), what, why, for which case."""
    return record(
        actor=actor,
        action=AuditAction.PERSONAL_DATA_READ,
        object_type=object_type,
        object_id=object_id,
        subject_index=subject_index,
        purpose=purpose,
        case_no=case_no,
        detail=detail,
        request=request,
    )


def change_event(
    *,
    actor,
    action: str,
    object_type: str,
    object_id: str,
    detail: Mapping[str, Any] | None = None,
    subject_index: str = "",
    request=None,
) -> AuditEvent:
    """A change of state (create, update, delete, decision, policy change, token, key rotation)."""
    return record(
        actor=actor,
        action=action,
        object_type=object_type,
        object_id=object_id,
        subject_index=subject_index,
        detail=detail,
        request=request,
    )


def export_event(
    *,
    actor,
    object_type: str,
    object_id: str = "",
    detail: Mapping[str, Any] | None = None,
    request=None,
) -> AuditEvent:
    """An export of data out of the platform (a file download, a push upstream)."""
    return record(
        actor=actor,
        action=AuditAction.EXPORT,
        object_type=object_type,
        object_id=object_id,
        detail=detail,
        request=request,
    )


def _actor_values(actor) -> dict[str, Any]:
    if actor is None or not getattr(actor, "is_authenticated", False):
        return {"actor_id": None}
    department = getattr(actor, "department", None)
    username = actor.get_username()
    if contains_id_number(username):
        username = ""
    return {
        "actor_id": actor.pk,
        "actor_username": username,
        "actor_role": str(getattr(actor, "role", "") or ""),
        "actor_department": department.code if department is not None else "",
    }


def _checked_action(action: str) -> str:
    if action not in AuditAction.values:
        raise ValueError(f"Unknown audit action {action!r}.")
    return str(action)


def _checked_subject_index(subject_index: str) -> str:
    if subject_index and not _BLIND_INDEX.fullmatch(subject_index):
        raise ValueError("subject_index must be a blind index (64 lowercase hex digits).")
    return subject_index


def _normalised_detail(detail: Mapping[str, Any] | None) -> dict[str, Any]:
    """The detail as it will read back from either database: plain JSON, floats as text."""
    if detail is None:
        return {}
    if not isinstance(detail, Mapping):
        raise ValueError("Audit detail must be a mapping.")
    return json.loads(canonical(_floats_as_text(dict(detail))))


def _floats_as_text(value: Any) -> Any:
    if isinstance(value, float):
        return repr(value)
    if isinstance(value, Mapping):
        return {str(key): _floats_as_text(item) for key, item in value.items()}
    if isinstance(value, list | tuple | set | frozenset):
        return [_floats_as_text(item) for item in value]
    return value


def _client_address(request) -> str:
    return client_address(request) if request is not None else ""


def _refuse_personal_data(event: AuditEvent) -> None:
    for field, limit in _LIMITS.items():
        if len(getattr(event, field)) > limit:
            raise ValueError(f"Audit field {field} is longer than {limit} characters.")
    texts = {
        "object_type": event.object_type,
        "object_id": event.object_id,
        "purpose": event.purpose,
        "case_no": event.case_no,
        "detail": canonical(_without_digests(event.detail)).decode("utf-8"),
    }
    for field, text in texts.items():
        if contains_id_number(text):
            raise PersonalDataInAuditError(
                f"Audit field {field} contains an identity number; record the blind index instead."
            )


def _without_digests(value: Any) -> Any:
    """``value`` with every string that is a whole hexadecimal digest left out (for the
    identity-number guard only; the event keeps them)."""
    if isinstance(value, str):
        return "" if _DIGEST.fullmatch(value) else value
    if isinstance(value, Mapping):
        return {key: _without_digests(item) for key, item in value.items()}
    if isinstance(value, list):
        return [_without_digests(item) for item in value]
    return value


def _stamp_content_hash(event: AuditEvent) -> None:
    event.hash_algorithm = HashAlgorithm.HMAC_SHA256
    event.hash_key_id = hashing.active_signing_key_id()
    event.content_hash = hashing.event_content_hash(
        event, algorithm=event.hash_algorithm, key_id=event.hash_key_id
    )
