"""Encryption of identity numbers at rest and the blind index used to find them.

- Ciphertexts are authenticated (AES-256-GCM). Every stored ciphertext carries the algorithm id and
  the key id that produced it, so keys can be rotated and a deployment can move to another approved
  algorithm (SM4-GCM for 密评) without losing the ability to read old rows (SPEC §2, §14).
- The blind index is a keyed hash (HMAC-SHA256) of the normalised number. It is deterministic, so
  a person's whole file is one index look-up, and it reveals nothing without the key.

Keys come from settings (``CHENGXIN_ID_KEYS`` etc.), which read them from the environment or from
the local secrets file of the embedded default.
"""

from __future__ import annotations

import base64
import hmac
import os
from dataclasses import dataclass
from functools import cache

from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from django.conf import settings
from django.core.exceptions import ImproperlyConfigured

ALGORITHM_AES_256_GCM = "AES-256-GCM"
BLIND_INDEX_ALGORITHM = "HMAC-SHA256"
NONCE_BYTES = 12


class DecryptionError(Exception):
    """A ciphertext failed authentication or names a key this deployment does not have."""


@dataclass(frozen=True)
class Sealed:
    """A ciphertext with what is needed to open it again."""

    ciphertext: bytes
    key_id: str
    algorithm: str


def _decode_key(value: str, *, name: str) -> bytes:
    try:
        key = base64.b64decode(value, validate=True)
    except ValueError as error:
        raise ImproperlyConfigured(f"{name} is not valid base64.") from error
    if len(key) != 32:
        raise ImproperlyConfigured(f"{name} must be 32 bytes (base64 of 32 random bytes).")
    return key


@cache
def _keyring() -> dict[str, bytes]:
    keys = getattr(settings, "CHENGXIN_ID_KEYS", {}) or {}
    if not keys:
        raise ImproperlyConfigured("CHENGXIN_ID_KEYS is empty: no key to encrypt ID numbers.")
    return {kid: _decode_key(value, name=f"ID key {kid}") for kid, value in keys.items()}


@cache
def _blind_index_key() -> bytes:
    return _decode_key(settings.CHENGXIN_BLIND_INDEX_KEY, name="CHENGXIN_BLIND_INDEX_KEY")


@cache
def _cipher(key_id: str) -> AESGCM:
    """The AES-GCM cipher of a key, built once (it holds no per-message state)."""
    return AESGCM(_keyring()[key_id])


def active_key_id() -> str:
    """The key id new ciphertexts are written with."""
    key_id = settings.CHENGXIN_ID_ACTIVE_KEY
    if key_id not in _keyring():
        raise ImproperlyConfigured(f"The active ID key {key_id!r} is not in CHENGXIN_ID_KEYS.")
    return key_id


def reset_key_cache() -> None:
    """Forget cached keys (after settings change, e.g. in tests or a rotation)."""
    _keyring.cache_clear()
    _blind_index_key.cache_clear()
    _cipher.cache_clear()


def _associated_data(*, algorithm: str, key_id: str, purpose: str) -> bytes:
    return f"{algorithm}|{key_id}|{purpose}".encode()


def encrypt(plaintext: str, *, purpose: str, key_id: str | None = None) -> Sealed:
    """Encrypt ``plaintext`` with the active key (or ``key_id``), bound to ``purpose``."""
    key_id = key_id or active_key_id()
    nonce = os.urandom(NONCE_BYTES)
    aad = _associated_data(algorithm=ALGORITHM_AES_256_GCM, key_id=key_id, purpose=purpose)
    ciphertext = _cipher(key_id).encrypt(nonce, plaintext.encode("utf-8"), aad)
    return Sealed(ciphertext=nonce + ciphertext, key_id=key_id, algorithm=ALGORITHM_AES_256_GCM)


def decrypt(sealed: Sealed, *, purpose: str) -> str:
    """Open a ciphertext written by :func:`encrypt`; raise :class:`DecryptionError` if it fails."""
    if sealed.algorithm != ALGORITHM_AES_256_GCM:
        raise DecryptionError(f"Unsupported algorithm {sealed.algorithm!r}.")
    key = _keyring().get(sealed.key_id)
    if key is None:
        raise DecryptionError(f"Unknown key id {sealed.key_id!r}.")
    data = bytes(sealed.ciphertext)
    nonce, body = data[:NONCE_BYTES], data[NONCE_BYTES:]
    aad = _associated_data(algorithm=sealed.algorithm, key_id=sealed.key_id, purpose=purpose)
    try:
        return AESGCM(key).decrypt(nonce, body, aad).decode("utf-8")
    except Exception as error:  # noqa: BLE001 - InvalidTag and friends all mean "cannot open"
        raise DecryptionError("Ciphertext failed authentication.") from error


def blind_index(normalised: str, *, purpose: str = "id_number") -> str:
    """Deterministic keyed hash of a normalised value, as 64 hex characters."""
    message = f"{purpose}|{normalised}".encode()
    # The one-shot form: the same HMAC-SHA256, without building an HMAC object per call (the
    # ingest path computes two per row).
    return hmac.digest(_blind_index_key(), message, "sha256").hex()


def encrypt_bytes(plaintext: bytes, *, purpose: str) -> Sealed:
    """Like :func:`encrypt` for bytes (an uploaded file), under the active key."""
    key_id = active_key_id()
    nonce = os.urandom(NONCE_BYTES)
    aad = _associated_data(algorithm=ALGORITHM_AES_256_GCM, key_id=key_id, purpose=purpose)
    ciphertext = AESGCM(_keyring()[key_id]).encrypt(nonce, plaintext, aad)
    return Sealed(ciphertext=nonce + ciphertext, key_id=key_id, algorithm=ALGORITHM_AES_256_GCM)


def decrypt_bytes(sealed: Sealed, *, purpose: str) -> bytes:
    """Open a ciphertext written by :func:`encrypt_bytes`."""
    key = _keyring().get(sealed.key_id)
    if sealed.algorithm != ALGORITHM_AES_256_GCM or key is None:
        raise DecryptionError(
            f"Cannot open a {sealed.algorithm!r} ciphertext of {sealed.key_id!r}."
        )
    data = bytes(sealed.ciphertext)
    aad = _associated_data(algorithm=sealed.algorithm, key_id=sealed.key_id, purpose=purpose)
    try:
        return AESGCM(key).decrypt(data[:NONCE_BYTES], data[NONCE_BYTES:], aad)
    except Exception as error:  # noqa: BLE001 - InvalidTag and friends all mean "cannot open"
        raise DecryptionError("Ciphertext failed authentication.") from error
