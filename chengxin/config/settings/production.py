"""Production settings: every secret from the environment, HTTPS only, strict cookies.

``chengxin check --deploy`` passes with these settings once the environment provides
CHENGXIN_SECRET_KEY, CHENGXIN_ID_KEYS, CHENGXIN_ID_ACTIVE_KEY, CHENGXIN_BLIND_INDEX_KEY,
CHENGXIN_SIGNING_KEYS, CHENGXIN_SIGNING_ACTIVE_KEY, CHENGXIN_RECEIPT_KEYS,
CHENGXIN_RECEIPT_ACTIVE_KEY, CHENGXIN_ALLOWED_HOSTS and DATABASE_URL (CHENGXIN_PUBLIC_URL is
recommended: the address printed in report QR codes).
"""

from django.core.exceptions import ImproperlyConfigured

from chengxin.config.env import env_bool, env_str
from chengxin.config.settings.base import *  # noqa: F403

for _name in (
    "CHENGXIN_SECRET_KEY",
    "CHENGXIN_ID_KEYS",
    "CHENGXIN_ID_ACTIVE_KEY",
    "CHENGXIN_BLIND_INDEX_KEY",
    "CHENGXIN_SIGNING_KEYS",
    "CHENGXIN_SIGNING_ACTIVE_KEY",
    "CHENGXIN_RECEIPT_KEYS",
    "CHENGXIN_RECEIPT_ACTIVE_KEY",
):
    if not env_str(_name):
        raise ImproperlyConfigured(f"{_name} must be set in the environment for production.")

DEBUG = False
SECURE_SSL_REDIRECT = True
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = 31536000
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
SESSION_COOKIE_NAME = "__Host-sessionid"
CSRF_COOKIE_NAME = "__Host-csrftoken"

# --- Audit log checkpoints: an external checkpoint must cover the chain (docs/audit.md) ----------
CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED = env_bool("CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED", True)

# --- Mail: notices to people and password reset go out by SMTP (docs/deployment.md) ------------
EMAIL_BACKEND = env_str("CHENGXIN_EMAIL_BACKEND", "django.core.mail.backends.smtp.EmailBackend")
EMAIL_HOST = env_str("CHENGXIN_EMAIL_HOST", "localhost")
EMAIL_PORT = int(env_str("CHENGXIN_EMAIL_PORT", "587") or 587)
EMAIL_HOST_USER = env_str("CHENGXIN_EMAIL_HOST_USER", "") or ""
EMAIL_HOST_PASSWORD = env_str("CHENGXIN_EMAIL_HOST_PASSWORD", "") or ""
EMAIL_USE_SSL = env_bool("CHENGXIN_EMAIL_USE_SSL", False)
EMAIL_USE_TLS = env_bool("CHENGXIN_EMAIL_USE_TLS", not EMAIL_USE_SSL)
