"""Test settings: the production rules (second factor included), with fast password hashing."""

from chengxin.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
