"""Reading configuration from the environment, and the local secrets file of the embedded default.

Secrets come only from the environment in production. For the embedded default (a developer's
machine, a pilot), the secret key and the data keys are generated once into ``var/secrets.json``,
which git ignores, so data encrypted in one run can be read in the next.
"""

from __future__ import annotations

import base64
import fcntl
import json
import os
import secrets
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]
VAR_DIR = Path(os.environ.get("CHENGXIN_VAR_DIR", PROJECT_DIR / "var"))


def env_str(name: str, default: str | None = None) -> str | None:
    value = os.environ.get(name)
    return value if value not in (None, "") else default


def env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None or value == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def env_list(name: str, default: list[str] | None = None) -> list[str]:
    value = os.environ.get(name)
    if not value:
        return list(default or [])
    return [item.strip() for item in value.split(",") if item.strip()]


def _new_key() -> str:
    return base64.b64encode(secrets.token_bytes(32)).decode("ascii")


def _receipt_keys() -> dict[str, object]:
    """A fresh Ed25519 key for check receipts: 32 random bytes are a valid private key (RFC 8032)."""
    return {"receipt_keys": {"r1": _new_key()}, "receipt_active_key": "r1"}


def local_secrets(path: Path | None = None) -> dict[str, object]:
    """Load the local secrets file, creating it with fresh random keys on first use.

    A file written before a kind of key existed gets that key added (receipt keys)."""
    path = path or VAR_DIR / "secrets.json"
    if path.exists():
        data = json.loads(path.read_text(encoding="utf-8"))
        if "receipt_keys" not in data:
            data = _add_receipt_keys(path)
        return data
    path.parent.mkdir(parents=True, exist_ok=True)
    data = {
        "secret_key": secrets.token_urlsafe(50),
        "id_keys": {"k1": _new_key()},
        "id_active_key": "k1",
        "blind_index_key": _new_key(),
        "signing_keys": {"s1": _new_key()},
        "signing_active_key": "s1",
        **_receipt_keys(),
    }
    _write_secrets(path, data)
    return data


def _add_receipt_keys(path: Path) -> dict[str, object]:
    """Add receipt keys to an older secrets file, once even when several processes start at once
    (the file is read again under an exclusive lock)."""
    with open(path.with_suffix(".lock"), "w", encoding="utf-8") as lock:
        fcntl.flock(lock, fcntl.LOCK_EX)
        data = json.loads(path.read_text(encoding="utf-8"))
        if "receipt_keys" not in data:
            data.update(_receipt_keys())
            _write_secrets(path, data)
    return data


def _write_secrets(path: Path, data: dict[str, object]) -> None:
    tmp = path.with_suffix(".tmp")
    tmp.write_text(json.dumps(data, indent=2), encoding="utf-8")
    tmp.chmod(0o600)
    tmp.replace(path)


def parse_key_map(value: str) -> dict[str, str]:
    """Parse ``kid:base64,kid:base64`` (or a JSON object) into a key-id → base64 map."""
    value = value.strip()
    if value.startswith("{"):
        return {str(k): str(v) for k, v in json.loads(value).items()}
    pairs = (item.split(":", 1) for item in value.split(",") if item.strip())
    return {kid.strip(): key.strip() for kid, key in pairs}
