"""Signed receipts of checks: proof of what the platform answered, to what request, under which rules.

A receipt names the check, the time, the rules in force (``measures.selectors.rules_version``) and
the catalog version, and carries the SHA-256 of the canonical JSON of the request and of the answer,
a binding hash over both (and the check id and time), and an Ed25519 signature over all of it with
the key id. Anyone holding the public key (``GET /api/v1/checks/keys``) can verify a receipt without
the platform; ``receipt_verify`` does it here. The algorithm ids are stored in the receipt itself,
so a deployment can move to SM2/SM3 and still verify old receipts (SPEC §14).

Keys: ``CHENGXIN_RECEIPT_KEYS`` (key id → base64 of a 32-byte Ed25519 private key) and
``CHENGXIN_RECEIPT_ACTIVE_KEY``; keep retired keys in the map so old receipts still verify.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import re
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from typing import Any

from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PrivateKey, Ed25519PublicKey
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

from chengxin.core.json import canonical
from chengxin.measures.checks.choices import VerificationReason

SIGNATURE_ALGORITHM = "Ed25519"
HASH_ALGORITHM = "sha256"
SIGNATURE_FIELD = "signature"
RECEIPT_FIELDS = (
    "check_id",
    "issued_at",
    "rules",
    "catalog_version",
    "hash_algorithm",
    "request_hash",
    "answer_hash",
    "binding_hash",
    "algorithm",
    "key_id",
    SIGNATURE_FIELD,
)
_HEX_DIGEST = re.compile(r"[0-9a-f]{64}")
_HEX_SIGNATURE = re.compile(r"[0-9a-f]{128}")


@dataclass(frozen=True)
class ReceiptVerification:
    """The outcome of verifying a receipt: ``reason`` is a ``VerificationReason`` value."""

    valid: bool
    reason: str

    @property
    def message(self) -> str:
        return str(VerificationReason(self.reason).label)


def digest(value: Any) -> str:
    """SHA-256 (hex) of the canonical JSON of ``value``."""
    return hashlib.sha256(canonical(value)).hexdigest()


def binding_hash(*, check_id: str, issued_at: str, request_hash: str, answer_hash: str) -> str:
    """The hash that binds an answer to its request, for one check at one time."""
    return digest(
        {
            "check_id": check_id,
            "issued_at": issued_at,
            "request_hash": request_hash,
            "answer_hash": answer_hash,
        }
    )


def receipt_issue(
    *,
    check_id: str,
    issued_at: datetime.datetime,
    request: Mapping[str, Any],
    answer: Mapping[str, Any],
    rules: Mapping[str, Any],
    catalog_version: str,
) -> dict[str, Any]:
    """A signed receipt of ``answer`` to ``request`` (both JSON-ready), with the active key."""
    key_id = active_key_id()
    moment = issued_at.astimezone(datetime.UTC).isoformat(timespec="microseconds")
    request_hash = digest(dict(request))
    answer_hash = digest(dict(answer))
    body: dict[str, Any] = {
        "check_id": str(check_id),
        "issued_at": moment,
        "rules": dict(rules),
        "catalog_version": catalog_version,
        "hash_algorithm": HASH_ALGORITHM,
        "request_hash": request_hash,
        "answer_hash": answer_hash,
        "binding_hash": binding_hash(
            check_id=str(check_id),
            issued_at=moment,
            request_hash=request_hash,
            answer_hash=answer_hash,
        ),
        "algorithm": SIGNATURE_ALGORITHM,
        "key_id": key_id,
    }
    signature = _private_keys()[key_id].sign(canonical(body))
    return {**body, SIGNATURE_FIELD: signature.hex()}


def receipt_verify(
    receipt: Mapping[str, Any] | Any,
    *,
    answer: Mapping[str, Any] | None = None,
    request: Mapping[str, Any] | None = None,
) -> ReceiptVerification:
    """Check a receipt's signature with the key it names, its binding hash, and (when given) the
    answer and the request against their hashes. Never raises for bad input."""
    if not _well_formed(receipt):
        return ReceiptVerification(False, VerificationReason.MALFORMED)
    if receipt["algorithm"] != SIGNATURE_ALGORITHM or receipt["hash_algorithm"] != HASH_ALGORITHM:
        return ReceiptVerification(False, VerificationReason.ALGORITHM_UNSUPPORTED)
    public_key = _public_keys().get(receipt["key_id"])
    if public_key is None:
        return ReceiptVerification(False, VerificationReason.KEY_UNKNOWN)
    body = {name: value for name, value in receipt.items() if name != SIGNATURE_FIELD}
    try:
        public_key.verify(bytes.fromhex(receipt[SIGNATURE_FIELD]), canonical(body))
    except InvalidSignature:
        return ReceiptVerification(False, VerificationReason.SIGNATURE_INVALID)
    expected_binding = binding_hash(
        check_id=receipt["check_id"],
        issued_at=receipt["issued_at"],
        request_hash=receipt["request_hash"],
        answer_hash=receipt["answer_hash"],
    )
    if receipt["binding_hash"] != expected_binding:
        return ReceiptVerification(False, VerificationReason.BINDING_MISMATCH)
    if answer is not None and digest(_json_object(answer)) != receipt["answer_hash"]:
        return ReceiptVerification(False, VerificationReason.ANSWER_MISMATCH)
    if request is not None and digest(_json_object(request)) != receipt["request_hash"]:
        return ReceiptVerification(False, VerificationReason.REQUEST_MISMATCH)
    return ReceiptVerification(True, VerificationReason.VALID)


def public_keys() -> list[dict[str, Any]]:
    """The public keys that verify receipts, active one first (``GET /api/v1/checks/keys``)."""
    active = settings.CHENGXIN_RECEIPT_ACTIVE_KEY
    keys = []
    for key_id, public_key in sorted(_public_keys().items(), key=lambda kv: kv[0] != active):
        raw = public_key.public_bytes(serialization.Encoding.Raw, serialization.PublicFormat.Raw)
        pem = public_key.public_bytes(
            serialization.Encoding.PEM, serialization.PublicFormat.SubjectPublicKeyInfo
        )
        keys.append(
            {
                "key_id": key_id,
                "algorithm": SIGNATURE_ALGORITHM,
                "public_key": base64.b64encode(raw).decode("ascii"),
                "public_key_pem": pem.decode("ascii"),
                "active": key_id == active,
            }
        )
    return keys


def active_key_id() -> str:
    key_id = settings.CHENGXIN_RECEIPT_ACTIVE_KEY
    if key_id not in _private_keys():
        raise ImproperlyConfigured(
            f"The active receipt key {key_id!r} is not in CHENGXIN_RECEIPT_KEYS."
        )
    return key_id


def _well_formed(receipt: Any) -> bool:
    if not isinstance(receipt, Mapping) or set(receipt) != set(RECEIPT_FIELDS):
        return False
    texts = ("check_id", "issued_at", "catalog_version", "algorithm", "key_id", "hash_algorithm")
    if not all(isinstance(receipt[name], str) for name in texts):
        return False
    if not isinstance(receipt["rules"], Mapping):
        return False
    hashes = ("request_hash", "answer_hash", "binding_hash")
    if not all(
        isinstance(receipt[name], str) and _HEX_DIGEST.fullmatch(receipt[name]) for name in hashes
    ):
        return False
    signature = receipt[SIGNATURE_FIELD]
    return isinstance(signature, str) and _HEX_SIGNATURE.fullmatch(signature) is not None


def _json_object(value: Any) -> Any:
    return dict(value) if isinstance(value, Mapping) else value


def _private_keys() -> dict[str, Ed25519PrivateKey]:
    configured = getattr(settings, "CHENGXIN_RECEIPT_KEYS", {}) or {}
    if not configured:
        raise ImproperlyConfigured("CHENGXIN_RECEIPT_KEYS is empty: no key to sign receipts.")
    return _load_private_keys(tuple(sorted(configured.items())))


def _public_keys() -> dict[str, Ed25519PublicKey]:
    configured = getattr(settings, "CHENGXIN_RECEIPT_KEYS", {}) or {}
    return _load_public_keys(tuple(sorted(configured.items())))


@lru_cache(maxsize=8)
def _load_public_keys(items: tuple[tuple[str, str], ...]) -> dict[str, Ed25519PublicKey]:
    return {key_id: key.public_key() for key_id, key in _load_private_keys(items).items()}


@lru_cache(maxsize=8)
def _load_private_keys(items: tuple[tuple[str, str], ...]) -> dict[str, Ed25519PrivateKey]:
    keys = {}
    for key_id, value in items:
        try:
            seed = base64.b64decode(value, validate=True)
        except ValueError as error:
            raise ImproperlyConfigured(f"Receipt key {key_id} is not valid base64.") from error
        if len(seed) != 32:
            raise ImproperlyConfigured(f"Receipt key {key_id} must be 32 bytes (base64).")
        keys[key_id] = Ed25519PrivateKey.from_private_bytes(seed)
    return keys
