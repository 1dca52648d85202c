"""Test settings: fast password hashing, synchronous-in-process tasks where tests ask for it."""

from chengxin.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
# Page tests of the other apps sign in with ``client.force_login``; the accounts and backoffice
# tests switch the second factor back on and sign in with real TOTP codes.
CHENGXIN_REQUIRE_TOTP = False
