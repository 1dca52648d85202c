"""API token format: ``cx_`` followed by 43 URL-safe characters (256 random bits).

The plaintext exists only when a token is issued. The database keeps its SHA-256 digest, which
is enough for a secret of this entropy (no salt or slow hash is needed: nothing can be guessed),
and a short prefix that names the token in lists and on the command line.
"""

from __future__ import annotations

import hashlib
import re
import secrets

from chengxin.accounts.choices import TokenHashAlgorithm

TOKEN_PREFIX = "cx_"  # noqa: S105 (a public marker, not a secret)
TOKEN_RANDOM_BYTES = 32
VISIBLE_PREFIX_LENGTH = len(TOKEN_PREFIX) + 8
TOKEN_PATTERN = re.compile(r"cx_[A-Za-z0-9_-]{43}")


def token_generate() -> str:
    """A new random token in plaintext."""
    return TOKEN_PREFIX + secrets.token_urlsafe(TOKEN_RANDOM_BYTES)


def token_digest(plaintext: str, *, algorithm: str = TokenHashAlgorithm.SHA256) -> str:
    """The stored digest of ``plaintext`` (lowercase hex)."""
    if algorithm != TokenHashAlgorithm.SHA256:
        raise ValueError(f"Unknown token hash algorithm {algorithm!r}.")
    return hashlib.sha256(plaintext.encode("utf-8")).hexdigest()


def token_visible_prefix(plaintext: str) -> str:
    """The first characters of ``plaintext`` that may be shown to identify it."""
    return plaintext[:VISIBLE_PREFIX_LENGTH]


def token_is_well_formed(plaintext: str) -> bool:
    return TOKEN_PATTERN.fullmatch(plaintext) is not None
