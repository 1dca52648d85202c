"""Test settings: fast password hashing, synchronous-in-process tasks where tests ask for it."""

from chengxin.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
