"""Settings shared by every environment. Secrets come from the environment or the local file."""

from __future__ import annotations

from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
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
# The module that finds ID numbers in free text for the guards of core: the audit log, free-text
# fields and the log filter (chengxin.core.personal_data; docs/identity.md, "ID numbers in text").
CHENGXIN_ID_NUMBER_DETECTOR = "chengxin.identity.detection"

# Seconds between two refreshes of the dashboards' summary tables in `chengxin worker`.
CHENGXIN_DASHBOARDS_REFRESH_SECONDS = float(
    env_str("CHENGXIN_DASHBOARDS_REFRESH_SECONDS", "60") or 60
)

# --- Audit log checkpoints (docs/audit.md) -------------------------------------------------
# Seconds between two runs of the audit sealer in `chengxin worker` (or `audit seal --loop`).
CHENGXIN_AUDIT_SEAL_PERIOD_SECONDS = float(env_str("CHENGXIN_AUDIT_SEAL_PERIOD_SECONDS", "1") or 1)
# Seals between two automatic signed checkpoints of the audit log.
CHENGXIN_AUDIT_CHECKPOINT_INTERVAL = int(
    env_str("CHENGXIN_AUDIT_CHECKPOINT_INTERVAL", "1000") or 1000
)
# Seconds between two checkpoints by time, made by `chengxin worker` (0: none by time).
CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS = int(
    env_str("CHENGXIN_AUDIT_CHECKPOINT_PERIOD_SECONDS", "3600") or 3600
)
# The append-only file outside the database that every checkpoint is copied to, signed, and that
# `chengxin audit verify` compares the chain with (an absolute path). Keep it off the database
# host: docs/operations.md.
CHENGXIN_AUDIT_CHECKPOINT_FILE: Path | None = Path(
    env_str("CHENGXIN_AUDIT_CHECKPOINT_FILE", str(VAR_DIR / "audit-checkpoints.jsonl")) or ""
)
# Whether `chengxin audit verify` fails (instead of warning) when no external checkpoint covers
# the chain: a missing file could then hide a cut-off tail. On in production.
CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED = env_bool("CHENGXIN_AUDIT_CHECKPOINT_FILE_REQUIRED", False)
# A syslog collector that receives a copy of every line of the file: udp://host:514,
# tcp://host:601 or the path of a local socket (/dev/log). Empty: no copy.
CHENGXIN_AUDIT_CHECKPOINT_SYSLOG = env_str("CHENGXIN_AUDIT_CHECKPOINT_SYSLOG", "") or ""
# --- end of audit log checkpoints -----------------------------------------------------------

INSTALLED_APPS = [
    "chengxin.accounts.admin_apps.StaffAdminConfig",  # django.contrib.admin, staff sign-in
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.sitemaps",  # the public site's sitemap (docs/public.md)
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
    "chengxin.dueprocess",
    "chengxin.dueprocess.objections",
    "chengxin.dueprocess.tipoffs",
    "chengxin.dueprocess.myfile",
    "chengxin.dueprocess.repairs",
    "chengxin.exchange",
    "chengxin.supervision",
    "chengxin.api",
    "chengxin.backoffice",
    "chengxin.portal",
    "chengxin.outreach",
    "chengxin.dashboards",
    "chengxin.operations",
    "chengxin.education",
    "chengxin.workplan",
]

MIDDLEWARE = [
    # First, so that it sees every answer under /api/ (docs/api.md, "Errors").
    "chengxin.api.middleware.ApiProblemMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Static files with hashed names and compressed copies (chengxin.config.storage).
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    # Chinese first on the public site whatever Accept-Language says (docs/public.md).
    "chengxin.portal.middleware.ChineseFirstLocaleMiddleware",
    "chengxin.config.middleware.RequestBodyLimitMiddleware",
    "django.middleware.common.CommonMiddleware",
    "chengxin.api.middleware.ApiCredentialsMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "chengxin.accounts.middleware.SessionTimeoutMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "axes.middleware.AxesMiddleware",
    "chengxin.portal.middleware.PublicPageThrottleMiddleware",
    "chengxin.config.middleware.RefusalAnswerMiddleware",
    # Last: public pages read from the replica when there is one (chengxin.core.replica).
    "chengxin.core.replica.ReplicaReadsMiddleware",
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
SQLITE_ENGINE = "django.db.backends.sqlite3"
SQLITE_PATH = Path(env_str("CHENGXIN_SQLITE_PATH", str(VAR_DIR / "chengxin.sqlite3")) or "")
# Seconds a request waits for another writer's lock on an SQLite file before the database
# answers "locked" (then the request gets 503 with Retry-After, not a 500).
CHENGXIN_SQLITE_BUSY_TIMEOUT = float(env_str("CHENGXIN_SQLITE_BUSY_TIMEOUT", "20") or 20)


def _sqlite_options() -> dict[str, object]:
    """The options of every SQLite database, however it is named (CHENGXIN_SQLITE_PATH or a
    ``sqlite:///`` DATABASE_URL): write transactions take the lock when they begin (so they
    wait for it instead of failing half-way), the WAL journal (readers never wait for the
    writer), and the busy timeout."""
    return {
        "timeout": CHENGXIN_SQLITE_BUSY_TIMEOUT,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            f" PRAGMA busy_timeout={int(CHENGXIN_SQLITE_BUSY_TIMEOUT * 1000)};"
        ),
    }


def _database_from_environment() -> dict[str, object]:
    url = env_str("DATABASE_URL")
    if not url:
        return {"ENGINE": SQLITE_ENGINE, "NAME": SQLITE_PATH, "OPTIONS": _sqlite_options()}
    config = dict(dj_database_url.parse(url, conn_max_age=60, conn_health_checks=True))
    if config["ENGINE"] == SQLITE_ENGINE:
        # Options given in the URL's query string win over the defaults.
        config["OPTIONS"] = {**_sqlite_options(), **dict(config.get("OPTIONS") or {})}
    return config


def _cache_database(main: dict[str, object]) -> dict[str, dict[str, object]]:
    """On SQLite, the shared cache (rate-limit counters) gets a database file of its own next to
    the main one, so counting never waits for an import's write lock (chengxin.core.cache)."""
    if main["ENGINE"] != SQLITE_ENGINE:
        return {}
    path = Path(str(main["NAME"]))
    return {
        "cache": {
            "ENGINE": SQLITE_ENGINE,
            "NAME": path.with_name(f"{path.stem}-cache.sqlite3"),
            "OPTIONS": _sqlite_options(),
        }
    }


DATABASES = {"default": _database_from_environment()}
DATABASES.update(_cache_database(DATABASES["default"]))
# The public lists' covering indexes carry columns with INCLUDE (collection.CreditRecord): a
# PostgreSQL feature; SQLite builds the same indexes without the carried columns, which the
# check reports on every command there.
SILENCED_SYSTEM_CHECKS = ["models.W040"]

# --- A PostgreSQL streaming replica for the public site's reads (docs/deployment.md) ----------
# postgres://… of a hot standby of DATABASE_URL; empty (default): every read from the primary.
CHENGXIN_REPLICA_URL = env_str("CHENGXIN_REPLICA_URL", "") or ""
# Seconds between two checks of the replica's lag in one process (chengxin.core.replica).
CHENGXIN_REPLICA_CHECK_SECONDS = float(env_str("CHENGXIN_REPLICA_CHECK_SECONDS", "5") or 5)
if CHENGXIN_REPLICA_URL:
    DATABASES["replica"] = {
        **dj_database_url.parse(CHENGXIN_REPLICA_URL, conn_max_age=60, conn_health_checks=True),
        "OPTIONS": {"connect_timeout": 3},
        "TEST": {"MIRROR": "default"},
    }
# The folder of PostgreSQL's client programs for `chengxin backup` (pg_basebackup); empty: the
# PATH, then Debian's /usr/lib/postgresql/<version>/bin.
CHENGXIN_PG_BIN_DIR = env_str("CHENGXIN_PG_BIN_DIR", "") or ""
DATABASE_ROUTERS = [
    "chengxin.core.cache.CacheDatabaseRouter",
    "chengxin.core.replica.ReplicaRouter",
]
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # Staff sign in by username, citizens by mobile number or e-mail address: each sign-in page
    # asks its own backend (chengxin.accounts.backends).
    "chengxin.accounts.backends.StaffModelBackend",
    "chengxin.accounts.backends.CitizenContactBackend",
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

# --- Lockout after repeated failures (django-axes), docs/accounts.md ----------------------
AXES_FAILURE_LIMIT = 5
AXES_COOLOFF_TIME = 0.5  # hours
# A user name is locked at one address only: someone else's failures elsewhere never lock an
# administrator out at their own desk. Spraying and distributed guessing are the rate limits'
# (CHENGXIN_THROTTLE_RATES).
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_LOCKOUT_TEMPLATE = "accounts/locked_out.html"
AXES_LOCKOUT_CALLABLE = "chengxin.accounts.lockout.lockout_response"
AXES_CLIENT_IP_CALLABLE = "chengxin.core.network.client_address"
AXES_VERBOSE = False

# --- Rate limits (docs/deployment.md "Rate limits", docs/accounts.md) ---------------------
# COUNT/PERIOD per key in fixed windows (PERIOD: s, m, h or d, optionally after a number:
# 15m); "off" turns one off. Counted in the shared cache (CACHES below).
CHENGXIN_THROTTLE_RATES = {
    # failed sign-ins (password or code) per client address, across user names
    "sign_in_address": env_str("CHENGXIN_RATE_SIGN_IN_ADDRESS", "30/15m") or "",
    # failed sign-ins per user name across addresses; past it only known addresses may try
    "sign_in_account": env_str("CHENGXIN_RATE_SIGN_IN_ACCOUNT", "10/15m") or "",
    # refused bearer tokens per client address
    "token_address": env_str("CHENGXIN_RATE_TOKEN_ADDRESS", "30/10m") or "",
    # report verification codes that find no report, per client address
    "verify_address": env_str("CHENGXIN_RATE_VERIFY_ADDRESS", "20/10m") or "",
    # pages of the public website per client address
    "public_address": env_str("CHENGXIN_RATE_PUBLIC_ADDRESS", "300/5m") or "",
    # citizens' sign-ups per client address (every attempt counts)
    "sign_up_address": env_str("CHENGXIN_RATE_SIGN_UP_ADDRESS", "10/h") or "",
    # password reset requests per client address, and per e-mail address asked for
    "password_reset_address": env_str("CHENGXIN_RATE_PASSWORD_RESET_ADDRESS", "10/h") or "",
    "password_reset_email": env_str("CHENGXIN_RATE_PASSWORD_RESET_EMAIL", "3/h") or "",
    # objections a citizen account files (accepted or refused), docs/dueprocess.md
    "objection_filing": env_str("CHENGXIN_RATE_OBJECTION_FILING", "10/1h") or "",
    # public queries of a person's public records (name and ID number) per client address
    "public_query_address": env_str("CHENGXIN_RATE_PUBLIC_QUERY_ADDRESS", "20/10m") or "",
    # tip-offs per client address (every filing counts), status look-ups, captcha images
    "tipoff_filing_address": env_str("CHENGXIN_RATE_TIPOFF_FILING_ADDRESS", "10/1h") or "",
    "tipoff_status_address": env_str("CHENGXIN_RATE_TIPOFF_STATUS_ADDRESS", "20/10m") or "",
    "tipoff_captcha_address": env_str("CHENGXIN_RATE_TIPOFF_CAPTCHA_ADDRESS", "60/10m") or "",
    # access challenges a citizen account opens, and own credit reports it asks for
    # (docs/citizens.md)
    "access_challenge": env_str("CHENGXIN_RATE_ACCESS_CHALLENGE", "10/1h") or "",
    "own_report": env_str("CHENGXIN_RATE_OWN_REPORT", "10/1h") or "",
    # repair applications a citizen account sends (accepted or refused), docs/dueprocess.md
    "repair_applying": env_str("CHENGXIN_RATE_REPAIR_APPLYING", "10/1h") or "",
    # credit agencies' queries per API token (answered or refused), and the consents a citizen
    # account gives or revokes online (docs/supervision.md, docs/inquiry.md)
    "agency_query": env_str("CHENGXIN_RATE_AGENCY_QUERY", "600/1h") or "",
    "consent_change": env_str("CHENGXIN_RATE_CONSENT_CHANGE", "30/1h") or "",
}
# The captcha of anonymous tip-offs (docs/dueprocess.md, "Tip-offs"): how long a challenge
# holds, and whether the session also keeps its answer in clear (the test settings only).
CHENGXIN_CAPTCHA_TTL_SECONDS = int(env_str("CHENGXIN_CAPTCHA_TTL_SECONDS", "300") or 300)
CHENGXIN_CAPTCHA_EXPOSE_ANSWER = False
# The client address is the connection's peer (REMOTE_ADDR). Behind N reverse proxies that each
# append to X-Forwarded-For, set this to N; the header is never trusted otherwise.
CHENGXIN_TRUSTED_PROXY_COUNT = int(env_str("CHENGXIN_TRUSTED_PROXY_COUNT", "0") or 0)

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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "chengxin.config.storage.StaticStorage"},
}
MEDIA_ROOT = VAR_DIR / "media"

# --- Background work: Django's Tasks API with the database backend ---------------------------
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}

# File imports of at least this many rows are read and validated by a helper process while the
# importing process writes (chengxin.collection.ingest.preparation); 0 turns the helper off.
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

# --- The cache every process shares (rate-limit counters), docs/deployment.md -------------
# Empty: a table of the database (on SQLite in the file of its own above), created by
# `chengxin migrate`. redis://… or rediss://…: Redis (install the `redis` package).
CHENGXIN_CACHE_URL = env_str("CHENGXIN_CACHE_URL", "") or ""


def _cache_from_url(url: str) -> dict[str, object]:
    if not url:
        return {
            "BACKEND": "chengxin.core.cache.CounterDatabaseCache",
            "LOCATION": "chengxin_cache",
            "TIMEOUT": 3600,
            "OPTIONS": {"MAX_ENTRIES": 20_000, "CULL_FREQUENCY": 4},
        }
    if url.startswith(("redis://", "rediss://", "unix://")):
        return {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": url}
    raise ImproperlyConfigured("CHENGXIN_CACHE_URL must be empty or a redis:// address.")


CACHES = {"default": _cache_from_url(CHENGXIN_CACHE_URL)}

# --- Request bodies: per-route limits (RequestBodyLimitMiddleware), docs/deployment.md -----
# Django's own limit answers a bare 400; the middleware answers 413 with the limit instead.
DATA_UPLOAD_MAX_MEMORY_SIZE = None
# Bytes of any route without a limit of its own (default 2.5 MiB, Django's own default); the
# submission, upload and batch routes have theirs.
CHENGXIN_REQUEST_MAX_BYTES = int(env_str("CHENGXIN_REQUEST_MAX_BYTES", "2621440") or 2621440)
# Bytes one row of a JSON submission may take on average (docs/collection.md, "Body size").
CHENGXIN_SUBMISSION_ROW_MAX_BYTES = int(
    env_str("CHENGXIN_SUBMISSION_ROW_MAX_BYTES", "8192") or 8192
)

# Every handler masks ID numbers in what it writes (chengxin.core.personal_data.RedactIdNumbers).
# Django's own handlers are replaced: its "django" logger writes through the root handler, and
# the development server's request lines through a filtered copy of its handler.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {
        "redact_id_numbers": {"()": "chengxin.core.personal_data.RedactIdNumbers"},
        # The request loggers write the route and the query's parameter names, never the values
        # a client sent in a path or query (chengxin.core.logfilters).
        "request_target": {"()": "chengxin.core.logfilters.RequestTargetFilter"},
    },
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "formatter": "plain",
            "filters": ["redact_id_numbers"],
        },
        "django.server": {
            "class": "logging.StreamHandler",
            "formatter": "django.server",
            "filters": ["redact_id_numbers"],
        },
    },
    "root": {"handlers": ["console"], "level": env_str("CHENGXIN_LOG_LEVEL", "INFO")},
    "loggers": {
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.request": {"filters": ["request_target"]},
        "django.server": {
            "handlers": ["django.server"],
            "level": "INFO",
            "propagate": False,
            "filters": ["request_target"],
        },
        "django.db.backends": {"level": "WARNING"},
    },
}

NINJA_PAGINATION_PER_PAGE = 50

# --- Citizens: identity proofing and notices (docs/citizens.md) ------------------------------
# How a citizen account is bound to its person: "counter" (staff at the service counter confirm
# it after seeing the identity card) or "oidc" (a real-name OpenID Connect provider).
CHENGXIN_IDENTITY_PROOFING = env_str("CHENGXIN_IDENTITY_PROOFING", "counter") or "counter"
# The class that sends notices by SMS (``send(*, mobile, text, notice_id)``); the default logs one
# line without the text.
CHENGXIN_SMS_BACKEND = (
    env_str("CHENGXIN_SMS_BACKEND", "chengxin.accounts.notices.LoggingSmsBackend")
    or "chengxin.accounts.notices.LoggingSmsBackend"
)
EMAIL_BACKEND = env_str("CHENGXIN_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = env_str("CHENGXIN_EMAIL_FROM", "noreply@localhost")
# Seconds an SMTP connection may take (no outbound call without a timeout).
EMAIL_TIMEOUT = int(env_str("CHENGXIN_EMAIL_TIMEOUT", "10") or 10)
# Where people bring their identity card to have their account confirmed (counter proofing).
CHENGXIN_SERVICE_COUNTER = (
    env_str("CHENGXIN_SERVICE_COUNTER", f"{CHENGXIN_CITY_NAME}政务服务中心 社会信用服务窗口")
    or f"{CHENGXIN_CITY_NAME}政务服务中心 社会信用服务窗口"
)
CHENGXIN_SERVICE_COUNTER_HOURS = (
    env_str("CHENGXIN_SERVICE_COUNTER_HOURS", "法定工作日 9:00–12:00，13:30–17:00")
    or "法定工作日 9:00–12:00，13:30–17:00"
)
# The real-name OpenID Connect provider (CHENGXIN_IDENTITY_PROOFING = "oidc"; docs/citizens.md).
# The issuer's discovery document (<issuer>/.well-known/openid-configuration) names its
# endpoints and keys. The client secret comes from the environment only.
CHENGXIN_OIDC_ISSUER = env_str("CHENGXIN_OIDC_ISSUER", "") or ""
CHENGXIN_OIDC_CLIENT_ID = env_str("CHENGXIN_OIDC_CLIENT_ID", "") or ""
CHENGXIN_OIDC_CLIENT_SECRET = env_str("CHENGXIN_OIDC_CLIENT_SECRET", "") or ""
CHENGXIN_OIDC_SCOPES = env_str("CHENGXIN_OIDC_SCOPES", "openid profile") or "openid profile"
# The claims that carry the verified ID number and the name; the verified claim (empty: none)
# must be true for the number to be taken as proofed.
CHENGXIN_OIDC_ID_NUMBER_CLAIM = env_str("CHENGXIN_OIDC_ID_NUMBER_CLAIM", "id_number") or "id_number"
CHENGXIN_OIDC_NAME_CLAIM = env_str("CHENGXIN_OIDC_NAME_CLAIM", "name") or "name"
# ("none": the provider asserts only verified numbers).
CHENGXIN_OIDC_VERIFIED_CLAIM = (
    env_str("CHENGXIN_OIDC_VERIFIED_CLAIM", "id_number_verified") or "id_number_verified"
)
# The name of the provider on the pages (e.g. 国家政务服务平台统一身份认证).
CHENGXIN_OIDC_PROVIDER_NAME = (
    env_str("CHENGXIN_OIDC_PROVIDER_NAME", "政务服务平台统一身份认证") or "政务服务平台统一身份认证"
)
# Seconds a request to the provider may take.
CHENGXIN_OIDC_TIMEOUT = int(env_str("CHENGXIN_OIDC_TIMEOUT", "10") or 10)
# Files attached to objections, repairs and tip-offs: the largest one (docs/dueprocess.md).
CHENGXIN_ATTACHMENT_MAX_BYTES = int(
    env_str("CHENGXIN_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024)) or 10 * 1024 * 1024
)
# --- end of citizens ---------------------------------------------------------------------------
# --- exchange with the provincial platform (docs/exchange.md, docs/deployment.md) --------------
# Where the delivery worker POSTs outbox events; empty: no upstream push.
CHENGXIN_UPSTREAM_URL = env_str("CHENGXIN_UPSTREAM_URL", "") or ""
# The shared signing key (HMAC-SHA256, from the environment only) and its id, agreed with the
# provincial platform.
CHENGXIN_UPSTREAM_KEY_ID = env_str("CHENGXIN_UPSTREAM_KEY_ID", "u1") or "u1"
CHENGXIN_UPSTREAM_KEY = env_str("CHENGXIN_UPSTREAM_KEY", "") or ""
# Seconds to connect and to wait for the answer (no outbound call without a timeout).
CHENGXIN_UPSTREAM_CONNECT_TIMEOUT = float(env_str("CHENGXIN_UPSTREAM_CONNECT_TIMEOUT", "5") or 5)
CHENGXIN_UPSTREAM_READ_TIMEOUT = float(env_str("CHENGXIN_UPSTREAM_READ_TIMEOUT", "30") or 30)
# Events per request, and the backoff after a failed attempt: base · 2^(attempts−1) seconds up to
# the cap, less a random part of up to half.
CHENGXIN_UPSTREAM_BATCH_SIZE = int(env_str("CHENGXIN_UPSTREAM_BATCH_SIZE", "100") or 100)
CHENGXIN_UPSTREAM_BACKOFF_BASE_SECONDS = float(
    env_str("CHENGXIN_UPSTREAM_BACKOFF_BASE_SECONDS", "30") or 30
)
CHENGXIN_UPSTREAM_BACKOFF_CAP_SECONDS = float(
    env_str("CHENGXIN_UPSTREAM_BACKOFF_CAP_SECONDS", "3600") or 3600
)
# Seconds between the worker's delivery rounds when nothing was due.
CHENGXIN_UPSTREAM_PUSH_INTERVAL = float(env_str("CHENGXIN_UPSTREAM_PUSH_INTERVAL", "5") or 5)
# Folder of the scheduled exports and the key that signs their manifests (docs/exchange.md#exports).
CHENGXIN_EXPORT_DIR = Path(env_str("CHENGXIN_EXPORT_DIR", str(VAR_DIR / "exports")) or "")
CHENGXIN_EXPORT_KEY_ID = env_str("CHENGXIN_EXPORT_KEY_ID", "e1") or "e1"
CHENGXIN_EXPORT_KEY = env_str("CHENGXIN_EXPORT_KEY", "") or SECRET_KEY
# --- end of exchange ---------------------------------------------------------------------------
