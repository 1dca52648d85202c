"""Test settings: the production rules (second factor included), with fast password hashing.

The shared cache is in memory (each test process is one process; the live server of the browser
tests is a thread of it), so the database of the cache is not set up. The rate limits are far
above anything the suite does: it signs in and calls the API from 127.0.0.1 thousands of times.
The throttle tests set the rates they test (``settings.CHENGXIN_THROTTLE_RATES``), and every
test starts with an empty cache (the root conftest).
"""

from chengxin.config.settings.base import *  # noqa: F403

PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]

# --- Audit log checkpoints: none outside the database unless a test names its own file ----------
CHENGXIN_AUDIT_CHECKPOINT_FILE = None

DATABASES = {"default": DATABASES["default"]}  # noqa: F405
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
CHENGXIN_THROTTLE_RATES = dict.fromkeys(CHENGXIN_THROTTLE_RATES, "1000000/d")  # noqa: F405

# --- Tip-offs: the session keeps the captcha's answer, which tests read (never in production) ---
CHENGXIN_CAPTCHA_EXPOSE_ANSWER = True

# --- Static files: from the apps' folders as they are (no collectstatic before a test run) ------
STORAGES = {
    **STORAGES,  # noqa: F405
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
