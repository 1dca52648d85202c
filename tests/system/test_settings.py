"""Settings as a deployment sees them: production passes ``check --deploy``."""

import base64
import json
import os
import subprocess
import sys
from pathlib import Path

PROJECT_DIR = Path(__file__).resolve().parents[2]


def _key() -> str:
    return base64.b64encode(os.urandom(32)).decode()


def test_production_settings_pass_check_deploy(tmp_path):
    # given: every secret from the environment, as production requires
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.production",
        "CHENGXIN_SECRET_KEY": base64.b64encode(os.urandom(48)).decode(),
        "CHENGXIN_ID_KEYS": f"k1:{_key()}",
        "CHENGXIN_ID_ACTIVE_KEY": "k1",
        "CHENGXIN_BLIND_INDEX_KEY": _key(),
        "CHENGXIN_SIGNING_KEYS": f"s1:{_key()}",
        "CHENGXIN_SIGNING_ACTIVE_KEY": "s1",
        "CHENGXIN_RECEIPT_KEYS": f"r1:{_key()}",
        "CHENGXIN_RECEIPT_ACTIVE_KEY": "r1",
        "CHENGXIN_ALLOWED_HOSTS": "credit.example.gov.cn",
        "CHENGXIN_VAR_DIR": str(tmp_path),
    }
    env.pop("DATABASE_URL", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)

    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then
    assert result.returncode == 0, result.stdout + result.stderr
    assert not (tmp_path / "secrets.json").exists()


def test_production_settings_refuse_to_start_without_secrets(tmp_path):
    # given
    env = {
        key: value
        for key, value in os.environ.items()
        if not key.startswith("CHENGXIN_") and key != "DATABASE_URL"
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.production",
            "CHENGXIN_VAR_DIR": str(tmp_path),
        }
    )

    # when
    result = subprocess.run(
        [sys.executable, "manage.py", "check"],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )

    # then
    assert result.returncode == 1
    assert "CHENGXIN_SECRET_KEY must be set in the environment for production." in result.stderr


_PRINT_SETTINGS = """
import json
import django
django.setup()
from django.conf import settings
print(json.dumps({
    "databases": {alias: {"NAME": str(db["NAME"]), "OPTIONS": db.get("OPTIONS", {})}
                  for alias, db in settings.DATABASES.items()},
    "cache": settings.CACHES["default"]["BACKEND"],
}))
"""


def _settings(tmp_path, **variables) -> dict:
    """The database and cache settings a process of the embedded default gets."""
    env = {
        key: value
        for key, value in os.environ.items()
        if key not in ("DATABASE_URL", "CHENGXIN_SQLITE_PATH", "CHENGXIN_CACHE_URL")
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "chengxin.config.settings.development",
            "CHENGXIN_VAR_DIR": str(tmp_path),
            **variables,
        }
    )
    result = subprocess.run(
        [sys.executable, "-c", _PRINT_SETTINGS],
        cwd=PROJECT_DIR,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    return json.loads(result.stdout.strip().splitlines()[-1])


def test_a_sqlite_database_url_gets_the_options_of_the_default_path(tmp_path):
    # given
    url_path = tmp_path / "elsewhere" / "platform.sqlite3"

    # when
    by_path = _settings(tmp_path)["databases"]
    by_url = _settings(tmp_path, DATABASE_URL=f"sqlite:///{url_path}")["databases"]

    # then
    options = {
        "timeout": 20.0,
        "transaction_mode": "IMMEDIATE",
        "init_command": (
            "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;"
            " PRAGMA busy_timeout=20000;"
        ),
    }
    assert by_path["default"] == {"NAME": str(tmp_path / "chengxin.sqlite3"), "OPTIONS": options}
    assert by_url["default"] == {"NAME": str(url_path), "OPTIONS": options}
    assert by_url["cache"] == {
        "NAME": str(tmp_path / "elsewhere" / "platform-cache.sqlite3"),
        "OPTIONS": options,
    }


def test_the_busy_timeout_is_one_setting_for_every_sqlite_database(tmp_path):
    # when
    databases = _settings(tmp_path, CHENGXIN_SQLITE_BUSY_TIMEOUT="2.5")["databases"]

    # then
    for alias in ("default", "cache"):
        assert databases[alias]["OPTIONS"]["timeout"] == 2.5
        assert "PRAGMA busy_timeout=2500;" in databases[alias]["OPTIONS"]["init_command"]


def test_the_shared_cache_is_a_database_table_on_postgresql_and_redis_when_named(tmp_path):
    # when
    postgresql = _settings(tmp_path, DATABASE_URL="postgres://chengxin@db.example:5432/chengxin")
    redis = _settings(tmp_path, CHENGXIN_CACHE_URL="redis://cache.example:6379/0")

    # then
    assert list(postgresql["databases"]) == ["default"]
    assert postgresql["cache"] == "chengxin.core.cache.CounterDatabaseCache"
    assert redis["cache"] == "django.core.cache.backends.redis.RedisCache"
