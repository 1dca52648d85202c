"""Settings shared by every environment. Secrets come from the environment or the local file."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.utils.translation import gettext_lazy as _

from chengxin.config.env import (
    PROJECT_DIR,
    VAR_DIR,
    env_bool,
    env_list,
    env_str,
    local_secrets,
    parse_key_map,
)

PACKAGE_DIR = Path(__file__).resolve().parents[2]
BASE_DIR = PROJECT_DIR

_USE_LOCAL_SECRETS = env_str("CHENGXIN_SECRET_KEY") is None
_LOCAL = local_secrets() if _USE_LOCAL_SECRETS else {}

SECRET_KEY = env_str("CHENGXIN_SECRET_KEY") or str(_LOCAL["secret_key"])
DEBUG = env_bool("CHENGXIN_DEBUG", False)
ALLOWED_HOSTS = env_list("CHENGXIN_ALLOWED_HOSTS", ["127.0.0.1", "localhost", "testserver"])
CSRF_TRUSTED_ORIGINS = env_list("CHENGXIN_CSRF_TRUSTED_ORIGINS")

# --- Deployment identity: the city is configuration, not code (SPEC, preamble) -----------------
CHENGXIN_CITY_NAME = env_str("CHENGXIN_CITY_NAME", "齐齐哈尔市")
CHENGXIN_SITE_NAME = env_str("CHENGXIN_SITE_NAME", "信用齐齐哈尔")
CHENGXIN_CITY_NAME_EN = env_str("CHENGXIN_CITY_NAME_EN", "Qiqihar")
CHENGXIN_SITE_NAME_EN = env_str("CHENGXIN_SITE_NAME_EN", "Credit Qiqihar")
CHENGXIN_REGION_CODE = env_str("CHENGXIN_REGION_CODE", "230200")

# --- Keys for personal data (SPEC §2, §14) ---------------------------------------------------
CHENGXIN_ID_KEYS = (
    parse_key_map(env_str("CHENGXIN_ID_KEYS", "") or "") or dict(_LOCAL.get("id_keys", {}))  # type: ignore[arg-type]
)
CHENGXIN_ID_ACTIVE_KEY = env_str("CHENGXIN_ID_ACTIVE_KEY") or str(_LOCAL.get("id_active_key", ""))
CHENGXIN_BLIND_INDEX_KEY = env_str("CHENGXIN_BLIND_INDEX_KEY") or str(
    _LOCAL.get("blind_index_key", "")
)
CHENGXIN_SIGNING_KEYS = (
    parse_key_map(env_str("CHENGXIN_SIGNING_KEYS", "") or "")
    or dict(_LOCAL.get("signing_keys", {}))  # type: ignore[arg-type]
)
CHENGXIN_SIGNING_ACTIVE_KEY = env_str("CHENGXIN_SIGNING_ACTIVE_KEY") or str(
    _LOCAL.get("signing_active_key", "")
)
# Ed25519 keys that sign check receipts (key id → base64 of the 32-byte private key).
CHENGXIN_RECEIPT_KEYS = (
    parse_key_map(env_str("CHENGXIN_RECEIPT_KEYS", "") or "")
    or dict(_LOCAL.get("receipt_keys", {}))  # type: ignore[arg-type]
)
CHENGXIN_RECEIPT_ACTIVE_KEY = env_str("CHENGXIN_RECEIPT_ACTIVE_KEY") or str(
    _LOCAL.get("receipt_active_key", "")
)
# The public website's address (scheme and host, e.g. https://credit.qqhr.gov.cn); printed in the
# QR code of credit reports. Empty: the address the request came to.
CHENGXIN_PUBLIC_URL = env_str("CHENGXIN_PUBLIC_URL", "") or ""
# The prefix of credit report numbers (QQHR-2026-000123).
CHENGXIN_REPORT_PREFIX = env_str("CHENGXIN_REPORT_PREFIX", "QQHR") or "QQHR"
# Seals between two automatic signed checkpoints of the audit log (docs/audit.md).
CHENGXIN_AUDIT_CHECKPOINT_INTERVAL = int(
    env_str("CHENGXIN_AUDIT_CHECKPOINT_INTERVAL", "1000") or 1000
)

INSTALLED_APPS = [
    "chengxin.accounts.admin_apps.StaffAdminConfig",  # django.contrib.admin, staff sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_htmx",
    "csp",
    "django_tasks",
    "django_tasks_db",
    "chengxin.core",
    "chengxin.core.audit",
    "chengxin.accounts",
    "chengxin.identity",
    "chengxin.catalog",
    "chengxin.collection",
    "chengxin.inquiry",
    "chengxin.measures",
    "chengxin.measures.checks",
    "chengxin.api",
    "chengxin.backoffice",
    "chengxin.portal",
]

MIDDLEWARE = [
    # First, so that it sees every answer under /api/ (docs/api.md, "Errors").
    "chengxin.api.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chengxin.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "chengxin.config.urls"
WSGI_APPLICATION = "chengxin.config.wsgi.application"
ASGI_APPLICATION = "chengxin.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "chengxin.core.context_processors.site",
            ],
        },
    }
]

# --- Database: SQLite by default (WAL, busy timeout), PostgreSQL through DATABASE_URL ----------
SQLITE_PATH = Path(env_str("CHENGXIN_SQLITE_PATH", str(VAR_DIR / "chengxin.sqlite3")) or "")


def _database_from_environment() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if url:
        config = dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True)
        return dict(config)
    return {
        "ENGINE": "django.db.backends.sqlite3",
        "NAME": SQLITE_PATH,
        "OPTIONS": {
            "timeout": 20,
            "transaction_mode": "IMMEDIATE",
            "init_command": (
                "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
                " PRAGMA busy_timeout=20000;"
            ),
        },
    }


DATABASES = {"default": _database_from_environment()}
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:login"
LOGIN_REDIRECT_URL = "backoffice:home"

# --- Sessions (SPEC §14: idle timeout 30 minutes, absolute 12 hours) ---------------------------
SESSION_COOKIE_AGE = 12 * 3600
SESSION_IDLE_TIMEOUT_SECONDS = 30 * 60
SESSION_ABSOLUTE_TIMEOUT_SECONDS = 12 * 3600
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_SAMESITE = "Lax"

# --- Lockout after repeated failures (django-axes) -----------------------------------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_VERBOSE = False
# Lockout is per username, not per address: government offices share a few NAT addresses, so
# locking an address would lock out whole departments (axes.W006 asks for the address).
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# Staff pages need a verified second factor (TOTP) after the password (SPEC §14).
CHENGXIN_REQUIRE_TOTP = env_bool("CHENGXIN_REQUIRE_TOTP", True)
OTP_TOTP_ISSUER = CHENGXIN_SITE_NAME

# --- Internationalisation: Chinese first, English available ---------------------------------
LANGUAGE_CODE = "zh-hans"
LANGUAGES = [("zh-hans", _("简体中文")), ("en", _("English"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
TIME_ZONE = "Asia/Shanghai"
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = PROJECT_DIR / "staticfiles"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_ROOT = VAR_DIR / "media"

# --- Background work: Django's Tasks API with the database backend ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# File imports of at least this many rows are read and validated by a helper process while the
# importing process writes (chengxin.collection.preparation); 0 turns the helper off.
CHENGXIN_IMPORT_BACKGROUND_MIN_ROWS = int(
    env_str("CHENGXIN_IMPORT_BACKGROUND_MIN_ROWS", "20000") or "20000"
)

# --- Content security policy: no CDN, no inline script --------------------------------------
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
    }
}
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"

CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env_str("CHENGXIN_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

NINJA_PAGINATION_PER_PAGE = 50
