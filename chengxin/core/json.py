"""JSON helpers: compact, UTF-8 (Chinese kept as text), dates as ISO strings."""

from __future__ import annotations

import json
from typing import Any

from django.core.serializers.json import DjangoJSONEncoder


def dumps(value: Any) -> str:
    return json.dumps(value, ensure_ascii=False, cls=DjangoJSONEncoder, separators=(",", ":"))


# Built once: ``json.dumps`` with these options makes a new encoder on every call, and the
# ingest path calls ``canonical`` for every row.
_CANONICAL = DjangoJSONEncoder(ensure_ascii=False, sort_keys=True, separators=(",", ":"))


def canonical(value: Any) -> bytes:
    """Canonical bytes of a JSON value (sorted keys, no spaces) for hashing and signing."""
    return _CANONICAL.encode(value).encode("utf-8")
