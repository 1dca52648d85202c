"""Test settings: the production rules (second factor included), with fast password hashing."""

from chengxin.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Audit log checkpoints: none outside the database unless a test names its own file ----------
CHENGXIN_AUDIT_CHECKPOINT_FILE = None
