"""Signatures of the exchange's requests and receipts (docs/exchange.md#signature).

A body is signed as a whole: ``HMAC-SHA256(key, body)`` in lower-case hex. The request names the
algorithm and the key id in headers, and the delivery row stores both, so a deployment can add an
SM2 signature (``SignatureAlgorithm``) and still read what was sent before. The receiver signs its
answer the same way, so the sender can tell a receipt from garbage on the line.
"""

from __future__ import annotations

import hashlib
import hmac
from dataclasses import dataclass

from chengxin.exchange.choices import SignatureAlgorithm

HEADER_SIGNATURE = "X-Chengxin-Signature"
HEADER_ALGORITHM = "X-Chengxin-Signature-Algorithm"
HEADER_KEY_ID = "X-Chengxin-Key-Id"
HEADER_BATCH_ID = "X-Chengxin-Batch-Id"


@dataclass(frozen=True)
class SigningKey:
    """A shared key and its id; the key text is used as its UTF-8 bytes."""

    key_id: str
    secret: str
    algorithm: str = SignatureAlgorithm.HMAC_SHA256

    def sign(self, body: bytes) -> str:
        return sign(body, secret=self.secret, algorithm=self.algorithm)

    def headers(self, body: bytes) -> dict[str, str]:
        """The signature headers of a request or an answer with ``body``."""
        return {
            HEADER_SIGNATURE: self.sign(body),
            HEADER_ALGORITHM: self.algorithm,
            HEADER_KEY_ID: self.key_id,
        }


def sign(body: bytes, *, secret: str, algorithm: str) -> str:
    if algorithm != SignatureAlgorithm.HMAC_SHA256:
        raise ValueError(f"Unknown signature algorithm {algorithm!r}.")
    return hmac.new(secret.encode("utf-8"), body, hashlib.sha256).hexdigest()


def verifies(body: bytes, *, signature: str, secret: str, algorithm: str) -> bool:
    """Whether ``signature`` is the signature of ``body`` (compared in constant time)."""
    if algorithm not in SignatureAlgorithm.values:
        return False
    return hmac.compare_digest(sign(body, secret=secret, algorithm=algorithm), signature or "")
