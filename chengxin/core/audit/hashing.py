"""The hashes and signatures of the audit log, each versioned by an algorithm id.

- Event content: HMAC-SHA256 over the canonical JSON of every field, with a key derived from the
  active platform signing key. Keyed, so that a row written behind the application's back (and
  then sealed by the next sealer run) is caught by ``audit verify``.
- Chain: SHA-256 over the previous chain hash, the seq, the event id, its content hash and the
  seal time. Unkeyed, so the chain's shape can be checked by anyone with the rows.
- Checkpoint: HMAC-SHA256 over the seq, the chain hash and the time, with a second derived key.
- External checkpoint (a line of the file outside the database): HMAC-SHA256 over the canonical
  JSON of every other field of the line, with a third derived key, so a line cannot pass for a
  checkpoint row nor the other way round.

Keys are derived per purpose (HMAC of a label under the signing key) so the audit log never shares
key material with other users of ``CHENGXIN_SIGNING_KEYS``.
"""

from __future__ import annotations

import base64
import hashlib
import hmac
from collections.abc import Mapping
from datetime import UTC, datetime

from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chengxin.core.audit.choices import HashAlgorithm
from chengxin.core.json import canonical

GENESIS_HASH = "0" * 64
CONTENT_VERSION = 1
EVENT_KEY_LABEL = b"chengxin.audit.event.v1"
CHECKPOINT_KEY_LABEL = b"chengxin.audit.checkpoint.v1"
EXTERNAL_CHECKPOINT_KEY_LABEL = b"chengxin.audit.external-checkpoint.v1"


class UnknownKeyError(Exception):
    """A row names a signing key id this deployment does not hold."""


class UnknownAlgorithmError(Exception):
    """A row names a hash algorithm this version cannot compute."""


def active_signing_key_id() -> str:
    """The key id new event hashes and checkpoints are made with."""
    key_id = settings.CHENGXIN_SIGNING_ACTIVE_KEY
    if key_id not in (settings.CHENGXIN_SIGNING_KEYS or {}):
        raise ImproperlyConfigured(
            f"The active signing key {key_id!r} is not in CHENGXIN_SIGNING_KEYS."
        )
    return key_id


def _signing_key(key_id: str) -> bytes:
    encoded = (settings.CHENGXIN_SIGNING_KEYS or {}).get(key_id)
    if encoded is None:
        raise UnknownKeyError(key_id)
    key = base64.b64decode(encoded, validate=True)
    if len(key) != 32:
        raise ImproperlyConfigured(f"Signing key {key_id} must be 32 bytes.")
    return key


def _derived_key(key_id: str, label: bytes) -> bytes:
    return hmac.new(_signing_key(key_id), label, hashlib.sha256).digest()


def _require(algorithm: str, expected: str) -> None:
    if algorithm != expected:
        raise UnknownAlgorithmError(algorithm)


def utc_text(moment: datetime) -> str:
    """A stable text form of an aware datetime, as it survives both databases (microseconds)."""
    return moment.astimezone(UTC).isoformat(timespec="microseconds")


def event_content(event) -> dict[str, object]:
    """Every recorded field of an event, as plain JSON values (the input of its content hash)."""
    return {
        "v": CONTENT_VERSION,
        "created_at": utc_text(event.created_at),
        "actor_id": event.actor_id,
        "actor_username": event.actor_username,
        "actor_role": event.actor_role,
        "actor_department": event.actor_department,
        "action": event.action,
        "object_type": event.object_type,
        "object_id": event.object_id,
        "subject_index": event.subject_index,
        "purpose": event.purpose,
        "case_no": event.case_no,
        "detail": event.detail,
        "ip_address": event.ip_address,
    }


def event_content_hash(event, *, algorithm: str, key_id: str) -> str:
    """The keyed hash of an event's content under ``key_id``."""
    _require(algorithm, HashAlgorithm.HMAC_SHA256)
    key = _derived_key(key_id, EVENT_KEY_LABEL)
    return hmac.new(key, canonical(event_content(event)), hashlib.sha256).hexdigest()


def chain_hash(
    *,
    prev_hash: str,
    seq: int,
    event_id: int,
    content_hash: str,
    sealed_at: datetime,
    algorithm: str,
) -> str:
    """The chain hash of one seal."""
    _require(algorithm, HashAlgorithm.SHA256)
    message = f"{prev_hash}|{seq}|{event_id}|{content_hash}|{utc_text(sealed_at)}"
    return hashlib.sha256(message.encode("ascii")).hexdigest()


def checkpoint_signature(
    *, seq: int, chain_hash_value: str, created_at: datetime, algorithm: str, key_id: str
) -> str:
    """The signature of a checkpoint under ``key_id``."""
    _require(algorithm, HashAlgorithm.HMAC_SHA256)
    key = _derived_key(key_id, CHECKPOINT_KEY_LABEL)
    message = f"{seq}|{chain_hash_value}|{utc_text(created_at)}".encode("ascii")
    return hmac.new(key, message, hashlib.sha256).hexdigest()


def external_checkpoint_signature(
    fields: Mapping[str, object], *, algorithm: str, key_id: str
) -> str:
    """The signature of an external checkpoint line: every field but the signature, under
    ``key_id`` (``fields`` include the key id and algorithm themselves, so neither can be swapped)."""
    _require(algorithm, HashAlgorithm.HMAC_SHA256)
    key = _derived_key(key_id, EXTERNAL_CHECKPOINT_KEY_LABEL)
    return hmac.new(key, canonical(dict(fields)), hashlib.sha256).hexdigest()


def digests_equal(left: str, right: str) -> bool:
    """Constant-time comparison of two hex digests."""
    return hmac.compare_digest(left.encode("utf-8"), right.encode("utf-8"))
