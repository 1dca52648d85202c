"""Settings as a deployment sees them: production passes ``check --deploy``."""

import base64
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
